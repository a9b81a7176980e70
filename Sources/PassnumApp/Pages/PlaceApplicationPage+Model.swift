import PassnumDomain
import PassnumPersistence

/// A place manager's application: the overview of its steps, and each step's page (`ApplicationStepPage`).
enum PlaceApplicationPage {
    struct Model: Sendable, Equatable {
        var application: PlaceApplication

        static func query(store: Store, place: PlaceID) async throws -> Model {
            Model(application: try await store.application(of: place))
        }
    }
}
