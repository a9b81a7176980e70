/// What a place owes the operator (a reversed paid check, its subscription) is taken from what a payout owes it:
/// oldest deduction first, as far as the payout goes; what is left waits for the next payout. A payout never
/// goes below zero.
public enum Deductions {
    /// How much of each outstanding deduction (oldest first) a payout of `gross` takes, and what it then transfers.
    public static func take(_ outstanding: [(id: DeductionID, remaining: Money)], from gross: Money)
        -> (taken: [(id: DeductionID, amount: Money)], net: Money) {
        var net = gross
        var taken: [(id: DeductionID, amount: Money)] = []
        for deduction in outstanding where net > .zero && deduction.remaining > .zero {
            let amount = min(deduction.remaining, net)
            taken.append((deduction.id, amount))
            net = net - amount
        }
        return (taken, net)
    }
}

/// Why a place owes a deduction, as stored in `deductions.kind`; each row keeps the detail that goes with it
/// (the operator's reason for a reversal, the year for a subscription) and the app words it.
public enum DeductionKind: String, Sendable, CaseIterable, Codable {
    /// A paid check reversed by the operator; the reference is the check's serial.
    case reversal
    /// The place's yearly subscription; the reference is the invoice number.
    case subscription
}
