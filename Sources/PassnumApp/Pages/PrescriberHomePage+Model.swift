import Foundation
import PassnumDomain
import PassnumPersistence

/// A prescriber's home: stock, the people followed (or those a search finds), and a new person's form.
enum PrescriberHomePage {
    struct Person: Sendable, Equatable {
        var id: BeneficiaryID
        var firstName: String
        var lastName: String
        var birthYear: Int?
        var level: Int?
        var checks: Int
        /// When the level was recorded, when known.
        var diagnosticAt: Date? = nil
    }

    struct Model: Sendable, Equatable {
        var alerts: [ExpiryAlert]
        /// Booklets that still have checks to hand out, and how many checks in all.
        var bookletsAvailable: Int
        var checksAvailable: Int
        var search: String?
        var people: [Person]
        var position: PagePosition = .single

        static func query(store: Store, prescriber: PrescriberID, search: String?, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let stock = try await store.availableStock(of: prescriber)
            let people = try await store.beneficiaries(of: prescriber, search: search, asked.page)
            let programmes = try await store.programmes(heldBy: prescriber)
            return Model(
                alerts: ExpiryAlert.ending(programmes, today: CivilDate(store.clock.now)),
                bookletsAvailable: stock.booklets, checksAvailable: stock.checks,
                search: search,
                people: people.rows.map {
                    Person(id: $0.id, firstName: $0.firstName, lastName: $0.lastName, birthYear: $0.birthYear, level: $0.level, checks: $0.checks,
                           diagnosticAt: $0.diagnosticAt)
                },
                position: PagePosition(people, asked))
        }
    }
}
