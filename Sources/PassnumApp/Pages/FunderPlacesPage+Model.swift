import PassnumDomain
import PassnumPersistence

/// The places that ask to accept a funder's checks (the requests first), a page at a time, and the funder's decision on each.
enum FunderPlacesPage {
    struct Model: Sendable, Equatable {
        var requests: [AffiliationRow]
        var position: PagePosition = .single

        static func query(store: Store, funder: FunderID, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let page = try await store.affiliations(of: funder, asked.page)
            return Model(requests: page.rows, position: PagePosition(page, asked))
        }
    }
}
