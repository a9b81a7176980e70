import Foundation

/// The period a co-funding statement covers: a month ("2026-10"), a quarter ("2026-T4", French "trimestre") or a
/// year ("2026"), within `CivilDate.years`.
public enum StatementPeriod: Hashable, Sendable, CustomStringConvertible {
    case month(Month)
    case quarter(year: Int, quarter: Int)
    case year(Int)

    /// Parses the three forms; anything else, or a year outside `CivilDate.years`, is nil.
    public init?(_ text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        // Bounded before any arithmetic: a request may send anything.
        guard (4...7).contains(text.count), text.allSatisfy({ $0.isASCII }) else { return nil }
        if text.count == 4 {
            guard let year = Int(text), CivilDate.years.contains(year) else { return nil }
            self = .year(year)
        } else if text.count == 7, text.dropFirst(4).prefix(2).uppercased() == "-T" {
            guard let year = Int(text.prefix(4)), CivilDate.years.contains(year),
                  let quarter = Int(text.suffix(1)), (1...4).contains(quarter) else { return nil }
            self = .quarter(year: year, quarter: quarter)
        } else {
            guard let month = Month(text) else { return nil }
            self = .month(month)
        }
    }

    /// The period's months, in order.
    public var months: [Month] {
        let (first, count): (Month?, Int) = switch self {
        case .month(let month): (month, 1)
        case let .quarter(year, quarter): (Month(year: year, month: quarter * 3 - 2), 3)
        case .year(let year): (Month(year: year, month: 1), 12)
        }
        guard var month = first else { return [] }
        var months = [month]
        while months.count < count {
            month = month.next
            months.append(month)
        }
        return months
    }

    /// The last day of the period: its statement is signed by the journal's witness of that day.
    public var lastDay: CivilDate { (months.last ?? Month.latest).lastDay }

    public var description: String {
        switch self {
        case .month(let month): month.description
        case let .quarter(year, quarter): String(format: "%04d-T%d", year, quarter)
        case .year(let year): String(format: "%04d", year)
        }
    }
}

/// Splitting an amount between co-funders to the cent.
public enum CoFunding {
    /// Each share's part of `amount` (shares in basis points adding up to 10 000): the cents left over by rounding
    /// down go to the largest remainders (Hamilton's method), ties to the earlier share, so the parts always add up
    /// to the amount and the same input always gives the same parts. A negative amount is split as its opposite.
    public static func split(_ amount: Money, basisPoints shares: [Int]) -> [Money] {
        guard !shares.isEmpty else { return [] }
        let total = Int64(shares.reduce(0, +))
        guard total > 0 else { return shares.map { _ in .zero } }
        let sign: Int64 = amount.cents < 0 ? -1 : 1
        let cents = amount.cents * sign
        let exact = shares.map { (cents / total) * Int64($0) + (cents % total) * Int64($0) / total }
        let remainders = shares.map { ((cents % total) * Int64($0)) % total }
        var parts = exact
        var leftover = cents - parts.reduce(0, +)
        let order = shares.indices.sorted { remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1 }
        for index in order where leftover > 0 {
            parts[index] += 1
            leftover -= 1
        }
        return parts.map { Money(cents: $0 * sign) }
    }
}
