import Foundation

/// A calendar day in the platform's legal time zone (Europe/Paris): validity dates, "same day" undo,
/// payout months. Stored as "YYYY-MM-DD" text, which sorts correctly on every database.
public struct CivilDate: Hashable, Comparable, Sendable, TextCoded {
    public let year: Int
    public let month: Int
    public let day: Int

    public static let timeZone = TimeZone(identifier: "Europe/Paris")!

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CivilDate.timeZone
        return calendar
    }()

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1,
              let date = Self.calendar.date(from: DateComponents(year: year, month: month, day: day)),
              Self.calendar.component(.day, from: date) == day
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses "YYYY-MM-DD".
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The Paris calendar day of an instant.
    public init(_ instant: Date) {
        let c = Self.calendar.dateComponents([.year, .month, .day], from: instant)
        self.year = c.year!
        self.month = c.month!
        self.day = c.day!
    }

    /// Midnight at the start of this day, Paris time.
    public var start: Date { Self.calendar.date(from: DateComponents(year: year, month: month, day: day))! }

    public func adding(days: Int) -> CivilDate {
        CivilDate(Self.calendar.date(byAdding: .day, value: days, to: start.addingTimeInterval(12 * 3600))!)
    }

    public var calendarMonth: Month { Month(year: year, month: month)! }

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

    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1970...9999).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        self.init(year: y, month: m)
    }

    public var firstDay: CivilDate { CivilDate(year: year, month: month, day: 1)! }
    public var next: Month { month == 12 ? Month(year: year + 1, month: 1)! : Month(year: year, month: month + 1)! }
    public var previous: Month { month == 1 ? Month(year: year - 1, month: 12)! : Month(year: year, month: month - 1)! }

    /// The instants [start, end) of this month in Paris time.
    public var interval: (start: Date, end: Date) { (firstDay.start, next.firstDay.start) }

    public static func < (lhs: Month, rhs: Month) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

    public var description: String { String(format: "%04d-%02d", year, month) }
}
