import PassnumDomain
import PassnumPersistence

/// The operator's list of places: the applications waiting for a decision (the first ones by name), then every
/// place, a page at a time.
enum OperatorApplicationsPage {
    struct Model: Sendable, Equatable {
        /// The applications sent and not yet decided, the first page of them.
        var waiting: [PlaceRow]
        /// More applications wait than `waiting` shows.
        var moreWaiting = false
        var places: [PlaceRow]
        var position: PagePosition = .single

        static func query(store: Store, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let waiting = try await store.places(in: .submitted)
            let places = try await store.places(asked.page)
            return Model(waiting: waiting.rows, moreWaiting: waiting.next != nil, places: places.rows, position: PagePosition(places, asked))
        }
    }
}
