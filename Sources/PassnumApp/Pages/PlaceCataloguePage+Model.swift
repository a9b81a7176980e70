import PassnumDomain
import PassnumPersistence

/// A place's catalogue: its services (withdrawn ones too) with their sessions, and the form for a new service.
enum PlaceCataloguePage {
    struct Model: Sendable, Equatable {
        var services: [PlaceService]

        static func query(store: Store, place: PlaceID) async throws -> Model {
            Model(services: try await store.services(of: place))
        }
    }
}
