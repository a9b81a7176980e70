import PassnumDomain
import PassnumPersistence

/// The funders a place may ask to accept the checks of, and where each request stands.
enum PlaceFundersPage {
    struct Funder: Sendable, Equatable {
        var funder: NamedRow<FunderTag>
        /// Nil: never asked.
        var state: AffiliationState?
    }

    struct Model: Sendable, Equatable {
        var placeState: PlaceState
        /// A page of the funders, by name.
        var funders: [Funder]
        var position: PagePosition = .single

        static func query(store: Store, place: PlaceID, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let rows = try await store.affiliations(of: place, asked.page)
            let state = try await store.placeState(place)
            return Model(placeState: state, funders: rows.rows.map { Funder(funder: $0.funder, state: $0.state) }, position: PagePosition(rows, asked))
        }
    }
}
