/// The transfers of one payout run, handed to the bank as one SEPA file: prepared → exported → settled.
public enum PayoutBatchState: String, StateMachine, Codable {
    /// Payouts computed, the SEPA file written; nothing has left yet.
    case prepared
    /// The file was handed to the bank.
    case exported
    /// The bank executed the transfers on the batch's settlement day.
    case settled

    public func canMove(to target: PayoutBatchState) -> Bool {
        switch (self, target) {
        case (.prepared, .exported), (.exported, .settled): true
        default: false
        }
    }
}
