import PassnumDomain
import PassnumPersistence

/// A funder's orders of booklets, with the next step of each, and the form for a new order.
enum FunderOrdersPage {
    struct Model: Sendable, Equatable {
        var orders: [OrderRow]
        var position: PagePosition = .single
        /// The programmes an order may still be made for (not expired).
        var openProgrammes: [Programme]

        static func query(store: Store, funder: FunderID, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let page = try await store.orders(of: funder, asked.page)
            let orders = page.rows.map { OrderRow(summary: $0.summary, programmeName: $0.programme) }
            let programmes = try await store.programmes(of: funder).filter { !$0.programme.expired }
            return Model(orders: orders, position: PagePosition(page, asked), openProgrammes: programmes.map(\.programme))
        }
    }
}
