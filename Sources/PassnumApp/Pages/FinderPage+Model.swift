import PassnumDomain
import PassnumPersistence

/// The public finder: places that accept the checks, filtered by postcode or commune, département and service.
enum FinderPage {
    struct Found: Sendable, Equatable {
        var place: PublicPlace
        /// From the place the search names, when its coordinates are known.
        var kilometres: Double?
    }

    struct Model: Sendable, Equatable {
        var search: PlaceSearch
        var found: [Found]
        /// The rank of the first place shown: 1 on the first page.
        var first = 1
        /// The next page's cursor, when more places match.
        var next: String?
        /// The link's cursor could not be read (an old or edited link): the first page is shown instead.
        var cursorRefused = false

        /// One page of 20 places, after `cursor` (the `apres` of a "Résultats suivants" link).
        static func query(store: Store, search: PlaceSearch, cursor token: String? = nil) async throws -> Model {
            let cursor = token.flatMap { PlaceCursor(token: $0, for: search) }
            let results = try await store.searchPlaces(search, after: cursor)
            return Model(search: search, found: results.places.map { Found(place: $0.place, kilometres: $0.kilometres) }, first: results.first,
                         next: results.next?.token, cursorRefused: token.map { !$0.isEmpty && cursor == nil } ?? false)
        }
    }
}
