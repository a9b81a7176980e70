import PassnumDomain
import PassnumPersistence

/// A place manager's bank details: the account paid, a change waiting for the operator, the form to ask for a
/// change, and the history.
enum PlaceBankDetailsPage {
    struct Model: Sendable, Equatable {
        /// Every change, the most recent first.
        var changes: [BankDetailsChange]

        var verified: BankDetailsChange? { changes.first { $0.state == .verified } }
        var pending: BankDetailsChange? { changes.first { $0.state == .pending } }

        static func query(store: Store, place: PlaceID) async throws -> Model {
            Model(changes: try await store.bankDetailsChanges(of: place))
        }
    }
}
