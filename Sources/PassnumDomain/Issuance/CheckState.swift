/// Where a check is in its life. See DESIGN.md, "Lifecycle of a check".
public enum CheckState: String, StateMachine, Codable {
    case issued, allocated, distributed, redeemed, paid, voided, expired, refunded

    /// The states in which the check still represents money the funder may see used.
    public static let outstanding: [CheckState] = [.issued, .allocated, .distributed]

    /// Validated by a place (with one live redemption), paid out or not yet.
    public static let validated: [CheckState] = [.redeemed, .paid]


    /// The checks whose value the programme's funds still hold: outstanding, or voided (a voided check's value is
    /// never paid to anyone and stays with the programme).
    public static let heldByProgramme: [CheckState] = outstanding + [.voided]

    /// The checks whose value went back to the funder as a credit note.
    public static let creditedToFunder: [CheckState] = [.expired, .refunded]

    /// The only moves a check may make. No state is skipped and none goes backwards except
    /// `allocated → issued` (return to the funder) and `redeemed → distributed` (same-day undo). A redeemed or
    /// paid check found fraudulent or validated in error is reversed by the operator: it becomes voided.
    public func canMove(to next: CheckState) -> Bool {
        switch (self, next) {
        case (.issued, .allocated), (.allocated, .distributed), (.distributed, .redeemed), (.redeemed, .paid),
             (.allocated, .issued), (.redeemed, .distributed),
             (.issued, .voided), (.allocated, .voided), (.distributed, .voided), (.redeemed, .voided), (.paid, .voided),
             (.issued, .expired), (.allocated, .expired), (.distributed, .expired),
             (.expired, .refunded):
            return true
        default:
            return false
        }
    }
}

extension CheckState {
    /// The moves production makes, each guarding its update with the states `canMove` allows.
    public static let allocation = Transition<CheckState>(to: .allocated)
    public static let returnToFunder = Transition<CheckState>(to: .issued)
    /// Handing out starts from an allocated check only; `redeemed → distributed` is the undo.
    public static let handOut = Transition<CheckState>(from: [.allocated], to: .distributed)
    public static let redemption = Transition<CheckState>(to: .redeemed)
    public static let undoRedemption = Transition<CheckState>(from: [.redeemed], to: .distributed)
    public static let payment = Transition<CheckState>(to: .paid)
    /// An opposition voids a check that has not been used yet; a used one is reversed by the operator.
    public static let opposition = Transition<CheckState>(from: outstanding, to: .voided)
    public static let reversal = Transition<CheckState>(from: validated, to: .voided)
    public static let expiry = Transition<CheckState>(to: .expired)
}
