import PassnumDomain
import PassnumPersistence

/// One order on the operator's side: its amounts, the steps the operator may take, the payments received.
enum OperatorOrderPage {
    struct Model: Sendable, Equatable {
        var order: OrderListing
        var payments: [RecordedPayment]
        /// The default value date of a payment.
        var today: CivilDate

        /// The moves the operator may make from the order's state (segregation of duties: the funder signs).
        var moves: [OrderState] {
            [OrderState.quoted, .invoiced, .fulfilled, .cancelled].filter { order.summary.state.movers(to: $0).contains(.operator) }
        }

        static func query(store: Store, order id: OrderID) async throws -> Model {
            let order = try await store.orderListing(id)
            let payments = try await store.payments(of: id)
            return Model(order: order, payments: payments, today: CivilDate(store.clock.now))
        }
    }
}
