import PassnumDomain
import PassnumPersistence

/// Every bank-details change waiting for a decision, so that a second operator admin finds what a first one proposed.
enum PendingBankDetailsPage {
    struct Line: Sendable, Equatable {
        var change: BankDetailsChange
        var placeName: String
    }

    struct Model: Sendable, Equatable {
        var pending: [Line]

        static func query(store: Store) async throws -> Model {
            Model(pending: try await store.pendingBankDetailsChanges().map { Line(change: $0.change, placeName: $0.placeName) })
        }
    }
}
