import PassnumDomain
import PassnumPersistence

/// "Mon organisation": what the funder gives as a public buyer so that its e-invoices reach it on Chorus Pro.
enum FunderOrganisationPage {
    struct Model: Sendable, Equatable {
        var identifiers: BuyerIdentifiers

        static func query(store: Store, funder: FunderID) async throws -> Model {
            Model(identifiers: try await store.buyerIdentifiers(funder: funder))
        }
    }
}
