import PassnumDomain
import PassnumPersistence

/// A place's validations of the last 90 days, the latest first, a page at a time, undone ones included.
enum PlaceHistoryPage {
    struct Model: Sendable, Equatable {
        var validations: [PlaceHomePage.Validation]
        var position: PagePosition = .single

        static func query(store: Store, place: PlaceID, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let since = CivilDate(store.clock.now).adding(days: -90).start
            let page = try await store.validations(at: place, since: since, asked.page)
            return Model(validations: page.rows.map(PlaceHomePage.Validation.init), position: PagePosition(page, asked))
        }
    }
}
