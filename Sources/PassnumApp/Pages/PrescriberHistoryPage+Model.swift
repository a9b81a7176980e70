import PassnumDomain
import PassnumPersistence

/// The checks a prescriber handed out, the latest first, a page at a time, and to whom.
enum PrescriberHistoryPage {
    struct HandOut: Sendable, Equatable {
        var check: CheckRow
        var beneficiary: String
    }

    struct Model: Sendable, Equatable {
        var handOuts: [HandOut]
        var position: PagePosition = .single

        static func query(store: Store, prescriber: PrescriberID, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let page = try await store.handOuts(of: prescriber, asked.page)
            return Model(handOuts: page.rows.map { HandOut(check: $0.check, beneficiary: $0.beneficiary) }, position: PagePosition(page, asked))
        }
    }
}
