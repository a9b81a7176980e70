import PassnumDomain
import PassnumPersistence

/// The payouts a place received, and its subscription invoices for a manager.
enum PlacePayoutsPage {
    struct Model: Sendable, Equatable {
        var payouts: [PayoutRow]
        var invoices: [Invoice]
        var position: PagePosition = .single
        /// More invoices than the latest ones shown.
        var moreInvoices = false

        /// `withInvoices`: only a place manager sees the subscription invoices (one a year: the latest page of them).
        static func query(store: Store, place: PlaceID, withInvoices: Bool, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let payouts = try await store.payouts(of: place, asked.page)
            let invoices = withInvoices ? try await store.invoices(place: place) : Page(rows: [], next: nil)
            return Model(payouts: payouts.rows, invoices: invoices.rows, position: PagePosition(payouts, asked), moreInvoices: invoices.next != nil)
        }
    }
}
