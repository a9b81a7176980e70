import PassnumDomain
import PassnumPersistence

/// The fees the operator sets: the management fee on orders and the places' yearly subscription.
enum OperatorFeesPage {
    struct Model: Sendable, Equatable {
        var schedule: FeeSchedule

        static func query(store: Store) async throws -> Model {
            Model(schedule: try await store.feeSchedule())
        }
    }
}
