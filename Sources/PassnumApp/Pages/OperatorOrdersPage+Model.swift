import PassnumDomain
import PassnumPersistence

/// Every funder's orders, the most recent first, with what was received for each.
enum OperatorOrdersPage {
    struct Model: Sendable, Equatable {
        var orders: [OrderListing]
        var position: PagePosition = .single

        static func query(store: Store, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let orders = try await store.orders(asked.page)
            return Model(orders: orders.rows, position: PagePosition(orders, asked))
        }
    }
}
