import Foundation

/// A département's month of use, as the public statistics publish it. Every figure is attributed to the département
/// of the checks' programme (the first of its perimeter), in Europe/Paris months.
public struct UsageFigures: Hashable, Sendable {
    /// Checks issued (their order fulfilled) that month.
    public var issued: Int64 = 0
    /// Checks handed out to a beneficiary that month.
    public var handedOut: Int64 = 0
    /// Checks validated at a place that month (an undone or reversed validation no longer counts).
    public var used: Int64 = 0
    /// People helped: distinct beneficiaries who had at least one check validated that month.
    public var people: Int64 = 0
    /// Places active: distinct places that recorded at least one validation that month.
    public var places: Int64 = 0
    /// The face value of the checks used that month: what the places are paid for them.
    public var amount = Money.zero

    public init(issued: Int64 = 0, handedOut: Int64 = 0, used: Int64 = 0, people: Int64 = 0, places: Int64 = 0, amount: Money = .zero) {
        (self.issued, self.handedOut, self.used, self.people, self.places, self.amount) = (issued, handedOut, used, people, places, amount)
    }

    public static func + (lhs: UsageFigures, rhs: UsageFigures) -> UsageFigures {
        UsageFigures(issued: lhs.issued + rhs.issued, handedOut: lhs.handedOut + rhs.handedOut, used: lhs.used + rhs.used,
                     people: lhs.people + rhs.people, places: lhs.places + rhs.places, amount: lhs.amount + rhs.amount)
    }
}

/// The figures as published: a count of people, or what would let someone recover one or say something of a few people,
/// is nil ("secret") when small.
public struct PublishedUsage: Hashable, Sendable {
    public var issued: Int64
    public var handedOut: Int64?
    public var used: Int64?
    /// Used / handed out, in tenths of a percent (453 is 45,3 %).
    public var usageRate: Int64?
    public var people: Int64?
    public var places: Int64
    public var amount: Money?
}

/// Statistical secrecy: nobody may be singled out from the published figures.
///
/// - Primary: a count of people from 1 to 4 is secret, and with it every figure of the cell that is about those people:
///   the checks they used, their value paid to the places and the usage rate (used / handed out). A count of handed-out
///   checks from 1 to 4 is secret too (a few checks are one or two people's), and with it the usage rate, whose
///   denominator it is. 0 is published (it singles nobody out). Checks issued (to a funder) and places active are not
///   about people: always published.
/// - Secondary: a total over several cells (the country's month) would give a secret cell back by subtraction; each
///   figure is published only when none of its cells is secret, or when at least two are and their people (or checks
///   handed out) add up to 5 or more (then no single one can be recovered). A total over months of one département is
///   not published when one of its months is secret (people of different months are not distinct).
public enum StatisticalSecrecy {
    public static let threshold: Int64 = 5

    public static func isSecret(_ count: Int64) -> Bool { count > 0 && count < threshold }

    /// `used` out of `handedOut` in tenths of a percent, rounded half up; nil when there is no denominator.
    public static func usageRate(used: Int64, handedOut: Int64) -> Int64? {
        guard handedOut > 0 else { return nil }
        return (used * 1_000 + handedOut / 2) / handedOut
    }

    /// One cell (a département's month).
    public static func publish(_ figures: UsageFigures) -> PublishedUsage {
        hide(people: isSecret(figures.people), handedOut: isSecret(figures.handedOut), of: figures)
    }

    /// A total over `cells` (all of one month): the sums, with what concerns people and handed-out checks hidden when
    /// the secondary rule says so.
    public static func publishTotal(of cells: [UsageFigures]) -> PublishedUsage {
        let total = cells.reduce(UsageFigures(), +)
        return hide(people: isSecret(total.people) || !totalKeepsSecrets(cells.map(\.people)),
                    handedOut: isSecret(total.handedOut) || !totalKeepsSecrets(cells.map(\.handedOut)), of: total)
    }

    /// `figures` as published, without what concerns a few people (`people`) or a few handed-out checks (`handedOut`).
    static func hide(people: Bool, handedOut: Bool, of figures: UsageFigures) -> PublishedUsage {
        PublishedUsage(
            issued: figures.issued, handedOut: handedOut ? nil : figures.handedOut, used: people ? nil : figures.used,
            usageRate: people || handedOut ? nil : usageRate(used: figures.used, handedOut: figures.handedOut),
            people: people ? nil : figures.people, places: figures.places, amount: people ? nil : figures.amount)
    }

    /// Whether the sum of `counts` can be published without giving back one of its secret cells.
    public static func totalKeepsSecrets(_ counts: [Int64]) -> Bool {
        hiddenAreSafe(counts.filter(isSecret))
    }

    /// Whether these hidden cells stay hidden when their total is known: none, or at least two holding the threshold.
    static func hiddenAreSafe(_ hidden: [Int64]) -> Bool {
        hidden.isEmpty || (hidden.count >= 2 && hidden.reduce(0, +) >= threshold)
    }
}
