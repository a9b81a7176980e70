/// Where a check is in its life. See DESIGN.md, "Lifecycle of a check".
public enum CheckState: String, CaseIterable, Sendable, Codable {
    case issued, allocated, distributed, redeemed, paid, voided, expired, refunded

    /// The states in which the check still represents money the funder may see used.
    public static let outstanding: [CheckState] = [.issued, .allocated, .distributed]

    /// The states from which the operator may reverse a validation (fraud, error).
    public static let reversible: [CheckState] = [.redeemed, .paid]

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
