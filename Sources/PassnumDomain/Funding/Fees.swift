/// The operator's fees (DESIGN.md, "Money"): a management fee on each order, as a rate of its face value or a
/// fixed amount, and a yearly subscription for each qualified place (zero by default). Fees carry VAT; the
/// checks themselves do not.
public enum ManagementFee: Hashable, Sendable {
    case none
    /// A rate of the order's face value in basis points: 250 is 2.5 %.
    case rate(basisPoints: Int64)
    case fixed(Money)

    /// The fee, before VAT, on an order of `face` face value.
    public func amount(on face: Money) -> Money {
        switch self {
        case .none: .zero
        case .rate(let basisPoints): face.share(basisPoints: basisPoints)
        case .fixed(let amount): amount
        }
    }

    /// "none", "rate:250", "fixed:5000": how the fee is stored in the settings.
    public var code: String {
        switch self {
        case .none: "none"
        case .rate(let basisPoints): "rate:\(basisPoints)"
        case .fixed(let amount): "fixed:\(amount.cents)"
        }
    }

    public init?(code: String) {
        let parts = code.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count == 2 ? Int64(parts[1]) : nil) {
        case ("none", _) where parts.count == 1: self = .none
        case ("rate", let value?) where (0...10_000).contains(value): self = .rate(basisPoints: value)
        case ("fixed", let value?) where value >= 0: self = .fixed(Money(cents: value))
        default: return nil
        }
    }
}

public struct FeeSchedule: Hashable, Sendable {
    public var managementFee: ManagementFee
    /// Charged once a year to every qualified place, deducted from its payouts.
    public var placeSubscription: Money

    public init(managementFee: ManagementFee = .none, placeSubscription: Money = .zero) {
        self.managementFee = managementFee
        self.placeSubscription = placeSubscription
    }

    public static let none = FeeSchedule()

    public func validate() throws(DomainError) {
        if case .fixed(let amount) = managementFee, amount < .zero || amount > .euros(1_000_000) {
            throw .invalid(field: .fee, problem: .amountOutOfRange(min: .zero, max: .euros(1_000_000)))
        }
        if case .rate(let basisPoints) = managementFee, !(0...10_000).contains(basisPoints) {
            throw .invalid(field: .fee, problem: .rateOutOfRange)
        }
        guard placeSubscription >= .zero, placeSubscription <= .euros(100_000) else {
            throw .invalid(field: .subscription, problem: .amountOutOfRange(min: .zero, max: .euros(100_000)))
        }
    }
}

/// What an invoice bills: face value of checks (no VAT), a fee and the VAT on the fee only, at the rate of the day the
/// amounts were fixed (kept with them: a document issued under an older rate keeps it).
public struct InvoiceAmounts: Hashable, Sendable, Codable {
    public let face: Money
    public let fee: Money
    public let vat: Money
    /// The VAT rate of `vat`, in basis points (2000 is 20 %).
    public let vatRate: Int64

    /// Amounts fixed now, at today's rate.
    public init(face: Money, fee: Money) {
        self.init(face: face, fee: fee, vat: VAT.on(fee))
    }

    /// Amounts as stored.
    public init(face: Money, fee: Money, vat: Money, vatRate: Int64 = VAT.standardRate) {
        self.face = face
        self.fee = fee
        self.vat = vat
        self.vatRate = vatRate
    }

    public var total: Money { face + fee + vat }
}

public enum VAT {
    /// The French standard rate, 20 %, in basis points.
    public static let standardRate: Int64 = 2000

    public static func on(_ amount: Money) -> Money { amount.share(basisPoints: standardRate) }
}

extension Money {
    /// This amount × basisPoints / 10 000, rounded to the nearest cent (halves away from zero).
    public func share(basisPoints: Int64) -> Money {
        let product = cents * basisPoints
        let quotient = product / 10_000, remainder = product % 10_000
        return Money(cents: quotient + (remainder.magnitude * 2 >= 10_000 ? (product < 0 ? -1 : 1) : 0))
    }
}

/// The number of an invoice or a credit note: a prefix, the year and a sequence without gaps within the year,
/// as French accounting requires ("F-2026-00001", "A-2026-00001").
public struct DocumentNumber: Hashable, Sendable, CustomStringConvertible {
    public enum Series: String, Sendable, CaseIterable {
        case invoice = "F"
        case creditNote = "A"

        /// The counter that numbers this series in `year`.
        public func counter(year: Int) -> String { "\(self == .invoice ? "invoice" : "credit_note"):\(year)" }
    }

    public let series: Series
    public let year: Int
    public let sequence: Int64

    public init(series: Series, year: Int, sequence: Int64) {
        self.series = series
        self.year = year
        self.sequence = sequence
    }

    public var description: String {
        let digits = String(sequence)
        return "\(series.rawValue)-\(year)-\(String(repeating: "0", count: max(0, 5 - digits.count)))\(digits)"
    }
}

extension CoFundingShare {
    /// "50 %", "33,33 %".
    public var percentText: String {
        let rest = basisPoints % 100
        return "\(basisPoints / 100)" + (rest == 0 ? "" : "," + (rest < 10 ? "0" : "") + "\(rest)") + "\u{00A0}%"
    }
}
