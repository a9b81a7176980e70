/// The four-eyes rule on a place's bank details: a change is proposed by one person and only paid once another
/// person, an operator admin, has verified it.
public enum BankDetailsReview {
    public enum State: String, StateMachine, Codable {
        /// Proposed, waiting for an operator admin's decision; not paid.
        case pending
        /// Checked by an operator admin other than the proposer; the latest verified change is what payouts pay.
        case verified
        case rejected
        /// Replaced by a newer proposal before anyone decided.
        case superseded

        /// Only a pending change is decided or replaced; a decision is final.
        public func canMove(to target: State) -> Bool { self == .pending && target != .pending }
    }

    /// Why `decider` may not decide a change that `proposer` made, or nil when they may. Only the operator decides,
    /// and never on its own proposal: a change made by an operator admin needs a second, different operator admin.
    /// People are compared by their sign-in name (an e-mail address, compared without case).
    public static func refusal(proposer: String, decider: String, deciderIsOperator: Bool) -> DomainError? {
        guard deciderIsOperator else { return .notAllowed(action: "only an operator admin verifies bank details") }
        guard proposer.lowercased() != decider.lowercased() else {
            return .notAllowed(action: "a bank details change must be decided by someone other than its proposer")
        }
        return nil
    }

    /// "FR76 **** **** 0189": enough for a person to tell two accounts apart, not enough to use one. This is what
    /// the journal and any message show; the full IBAN stays in the change and payout rows.
    public static func masked(_ iban: String) -> String {
        let compact = iban.filter { !$0.isWhitespace }.uppercased()
        guard compact.count >= 8 else { return "****" }
        return "\(compact.prefix(4)) **** **** \(compact.suffix(4))"
    }
}
