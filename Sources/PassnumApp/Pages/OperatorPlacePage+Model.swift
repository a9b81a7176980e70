import PassnumDomain
import PassnumPersistence

/// The operator's page of one place: its application step by step, the decision, its bank details and the
/// decisions taken.
enum OperatorPlacePage {
    struct Model: Sendable, Equatable {
        var application: PlaceApplication
        var decisions: [PlaceDecision]
        var bankChanges: [BankDetailsChange]
        /// The place as the decision form needs it; nil if it vanished between the reads.
        var place: OperatorHomePage.PlaceLine?
        /// The weekly opening time the place declared, for the State's charter (nil: none declared).
        var opening: WeeklyOpening? = nil

        static func query(store: Store, place id: PlaceID) async throws -> Model {
            let application = try await store.application(of: id)
            let decisions = try await store.decisions(of: id)
            let bankChanges = try await store.bankDetailsChanges(of: id)
            let row = try await store.placeRow(id)
            let opening = try await store.weeklyOpening(of: id)
            return Model(application: application, decisions: decisions, bankChanges: bankChanges, place: row.map(OperatorHomePage.PlaceLine.init),
                         opening: opening)
        }
    }
}
