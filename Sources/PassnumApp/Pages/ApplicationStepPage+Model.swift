import PassnumDomain
import PassnumPersistence

/// One step of a place's application: its fields while it is open, what was sent once it is locked.
enum ApplicationStepPage {
    struct Model: Sendable, Equatable {
        var step: ApplicationStep
        var application: PlaceApplication

        var locked: Bool { application.steps[step] != nil || application.state != .draft }

        static func query(store: Store, place: PlaceID, step: ApplicationStep) async throws -> Model {
            Model(step: step, application: try await store.application(of: place))
        }
    }
}
