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
        var funders: [Funder]

        static func query(store: Store, place: PlaceID) async throws -> Model {
            let rows = try await store.affiliations(of: place)
            let state = try await store.placeState(place)
            return Model(placeState: state, funders: rows.map { Funder(funder: $0.funder, state: $0.state) })
        }
    }
}
