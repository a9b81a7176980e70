import Foundation

/// A calendar day in the platform's legal time zone (Europe/Paris): validity dates, "same day" undo,
/// payout months. Stored as "YYYY-MM-DD" text, which sorts correctly on every database.
///
/// Every date read from outside (a form, a query string, a file, a database row) goes through `init?(year:month:day:)`
/// or `init?(_ text:)`, which refuse a year outside `years`: the calendar arithmetic below is then defined for every
/// value, and nothing a request sends can make it trap. Dates computed from an instant or by `adding(days:)` may
/// step a little outside (a grace period after 2100-12-31) and stay usable.
public struct CivilDate: Hashable, Comparable, Sendable, TextCoded {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The years a date from outside may name.
    public static let years = 2000...2100

    // Europe/Paris is in every tz database Foundation ships; UTC only if a stripped system lacks it.
    public static let timeZone = TimeZone(identifier: "Europe/Paris") ?? TimeZone(secondsFromGMT: 0) ?? .current

    /// The Gregorian calendar of Europe/Paris, in which every civil date here is read.
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CivilDate.timeZone
        return calendar
    }()

    public init?(year: Int, month: Int, day: Int) {
        guard Self.years.contains(year), (1...12).contains(month), (1...31).contains(day),
              let date = Self.calendar.date(from: DateComponents(year: year, month: month, day: day)),
              Self.calendar.component(.day, from: date) == day
        else { return nil }
        self.init(unchecked: year, month, day)
    }

    /// Parses "YYYY-MM-DD" (ASCII digits only: no sign, no spaces).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The Paris calendar day of an instant.
    public init(_ instant: Date) {
        let c = Self.calendar.dateComponents([.year, .month, .day], from: instant)
        // The calendar always fills the components it is asked for; the defaults are never used.
        self.init(unchecked: c.year ?? 1970, c.month ?? 1, c.day ?? 1)
    }

    /// A day the calendar produced or already checked.
    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Midnight at the start of this day, Paris time.
    public var start: Date {
        // Every CivilDate was checked by the calendar or made by it, so the date exists; the fallback is unreachable
        // and keeps a request path free of force unwraps.
        Self.calendar.date(from: DateComponents(year: year, month: month, day: day)) ?? Date(timeIntervalSince1970: 0)
    }

    /// This day moved by `days` (negative: earlier). Noon plus whole days stays on the right day across daylight
    /// saving changes, and Double arithmetic cannot overflow.
    public func adding(days: Int) -> CivilDate {
        CivilDate(start.addingTimeInterval(12 * 3600 + Double(days) * 86_400))
    }

    public var calendarMonth: Month { Month(unchecked: year, month) }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }
}

/// A calendar month, "YYYY-MM": the period of a payout run.
public struct Month: Hashable, Comparable, Sendable, TextCoded {
    public let year: Int
    public let month: Int

    /// The first and last months a request may name (the years of `CivilDate.years`).
    public static let earliest = Month(unchecked: CivilDate.years.lowerBound, 1)
    public static let latest = Month(unchecked: CivilDate.years.upperBound, 12)

    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), CivilDate.years.contains(year) else { return nil }
        self.init(unchecked: year, month)
    }

    /// Parses "YYYY-MM" (ASCII digits only).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        self.init(year: y, month: m)
    }

    /// A month computed from a valid one (next, previous, the month of a day): one step outside the bounds is fine.
    init(unchecked year: Int, _ month: Int) {
        self.year = year
        self.month = month
    }

    public var firstDay: CivilDate { CivilDate(unchecked: year, month, 1) }
    public var lastDay: CivilDate { next.firstDay.adding(days: -1) }
    public var next: Month { month == 12 ? Month(unchecked: year + 1, 1) : Month(unchecked: year, month + 1) }
    public var previous: Month { month == 1 ? Month(unchecked: year - 1, 12) : Month(unchecked: year, month - 1) }

    /// The instants [start, end) of this month in Paris time.
    public var interval: (start: Date, end: Date) { (firstDay.start, next.firstDay.start) }

    public static func < (lhs: Month, rhs: Month) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    public var description: String { String(format: "%04d-%02d", year, month) }
}
