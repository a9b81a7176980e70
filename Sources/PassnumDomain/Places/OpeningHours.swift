import Foundation

/// Opening hours in OpenStreetMap's `opening_hours` syntax, the one the national open-data standard uses
/// ("Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"). The common subset is supported: `24/7`; rules separated
/// by `;`; each rule an optional day selector (days, day ranges, `PH` for public holidays, separated by commas)
/// followed by time ranges (`HH:MM-HH:MM`, separated by commas) or `off`/`closed`. Anything else is refused
/// with the position of the problem, rather than published wrong.
public struct OpeningHours: Hashable, Sendable, CustomStringConvertible {
    public struct Rule: Hashable, Sendable {
        /// Days the rule applies to, as written; empty means every day.
        public var days: [DayRange]
        public var publicHolidays: Bool
        /// Minutes since midnight; empty means closed.
        public var times: [ClosedRange<Int>]
    }

    /// Days from `first` to `last` (0 = Monday … 6 = Sunday), wrapping over the week's end when `last` comes before
    /// `first`: "Sa-Mo" is Saturday, Sunday and Monday, as in OpenStreetMap.
    public struct DayRange: Hashable, Sendable {
        public var first: Int
        public var last: Int

        /// The days it covers, in the order of the range.
        public var days: [Int] {
            first <= last ? Array(first...last) : Array(first...6) + Array(0...last)
        }
    }

    public let alwaysOpen: Bool
    public let rules: [Rule]
    /// The text as given, trimmed: what is published.
    public let description: String

    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    static let dayCodes = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    static let dayNames = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]

    public init(_ text: String) throws(ParseError) {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        description = text
        if text == "24/7" {
            alwaysOpen = true
            rules = []
            return
        }
        alwaysOpen = false
        guard !text.isEmpty else { throw ParseError(message: "empty opening hours") }
        var rules: [Rule] = []
        for (index, part) in text.split(separator: ";", omittingEmptySubsequences: false).enumerated() {
            let ruleText = part.trimmingCharacters(in: .whitespaces)
            guard !ruleText.isEmpty else { throw ParseError(message: "rule \(index + 1) is empty") }
            rules.append(try Self.parseRule(ruleText, number: index + 1))
        }
        self.rules = rules
    }

    static func parseRule(_ text: String, number: Int) throws(ParseError) -> Rule {
        var tokens = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var rule = Rule(days: [], publicHolidays: false, times: [])
        if let first = tokens.first, first.first?.isLetter == true, !["off", "closed"].contains(first) {
            for selector in first.split(separator: ",").map(String.init) {
                if selector == "PH" {
                    rule.publicHolidays = true
                    continue
                }
                let bounds = selector.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
                guard (1...2).contains(bounds.count),
                      let start = dayCodes.firstIndex(of: bounds[0]),
                      let end = bounds.count == 2 ? dayCodes.firstIndex(of: bounds[1]) : start
                else { throw ParseError(message: "rule \(number): unknown day \"\(selector)\" (use Mo Tu We Th Fr Sa Su or PH)") }
                rule.days.append(DayRange(first: start, last: end))
            }
            tokens.removeFirst()
        }
        guard let body = tokens.first, tokens.count == 1 else {
            throw ParseError(message: "rule \(number): expected days then hours, like \"Mo-Fr 09:00-12:00\"")
        }
        if body == "off" || body == "closed" { return rule }
        for range in body.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            let ends = range.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
            guard ends.count == 2, let start = minutes(ends[0]), let end = minutes(ends[1]), start < end else {
                throw ParseError(message: "rule \(number): \"\(range)\" is not a time range like 09:00-12:00")
            }
            rule.times.append(start...end)
        }
        return rule
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
              (0...24).contains(hours), (0...59).contains(minutes), hours < 24 || minutes == 0
        else { return nil }
        return hours * 60 + minutes
    }

    /// The hours in plain French, one sentence per rule: "Du lundi au vendredi : 9 h à 12 h et 14 h à 18 h 30."
    public var french: [String] {
        if alwaysOpen { return ["Ouvert tous les jours, 24 heures sur 24."] }
        return rules.map { rule in
            var days = rule.days.map { range -> String in
                range.first == range.last ? Self.dayNames[range.first]
                    : "du \(Self.dayNames[range.first]) au \(Self.dayNames[range.last])"
            }
            if rule.publicHolidays { days.append("les jours fériés") }
            var subject = days.isEmpty ? "Tous les jours" : days.joined(separator: ", ")
            subject = subject.prefix(1).uppercased() + subject.dropFirst()
            guard !rule.times.isEmpty else { return subject + " : fermé." }
            let times = rule.times.map { "\(Self.spoken($0.lowerBound)) à \(Self.spoken($0.upperBound))" }
            return subject + " : " + times.joined(separator: " et ") + "."
        }
    }

    static func spoken(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return m == 0 ? "\(h) h" : "\(h) h \(m < 10 ? "0" : "")\(m)"
    }
}

// MARK: Weekly opening time (the State's charter)

extension OpeningHours {
    /// Longer texts are not read for the weekly time: a real week fits in far less, and the bound keeps the work small.
    public static let maximumLength = 1_000

    /// Minutes open in a week. Rules apply in order and a later rule replaces an earlier one on the days it names (the
    /// OpenStreetMap meaning of `;`), so "Mo-Fr 09:00-18:00; We off" is closed on Wednesday; overlapping ranges of a
    /// day count once; a rule for public holidays only (`PH off`) changes no weekday.
    public var weeklyMinutes: Int {
        if alwaysOpen { return 7 * 24 * 60 }
        var week: [[ClosedRange<Int>]] = Array(repeating: [], count: 7)
        for rule in rules {
            if rule.days.isEmpty && rule.publicHolidays { continue }
            let days = rule.days.isEmpty ? [DayRange(first: 0, last: 6)] : rule.days
            for range in days { for day in range.days where (0...6).contains(day) { week[day] = rule.times } }
        }
        return week.reduce(0) { $0 + Self.coveredMinutes($1) }
    }

    /// The length of the union of `ranges`, in minutes.
    static func coveredMinutes(_ ranges: [ClosedRange<Int>]) -> Int {
        var total = 0
        var end = Int.min
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            let start = max(range.lowerBound, end)
            if range.upperBound > start { total += range.upperBound - start }
            end = max(end, range.upperBound)
        }
        return total
    }

    /// The weekly opening time of a text in `opening_hours` syntax: `.unknown` when it is too long or cannot be read
    /// (never an error: a place's hours are data from outside).
    public static func weekly(_ text: String) -> WeeklyOpening {
        guard text.utf8.count <= maximumLength, let hours = try? OpeningHours(text) else { return .unknown }
        return .minutes(hours.weeklyMinutes)
    }
}

/// How long a place opens in a week, as far as its declared hours say.
public enum WeeklyOpening: Hashable, Sendable {
    case minutes(Int)
    /// The hours are missing or could not be read.
    case unknown

    /// The most open of several sites: a place meets the charter when one of its sites does.
    public static func most(_ openings: [WeeklyOpening]) -> WeeklyOpening {
        openings.compactMap { if case .minutes(let minutes) = $0 { minutes } else { nil } }.max().map { .minutes($0) } ?? .unknown
    }
}

/// The State's charter for places accepting the Pass numérique (CGET): at least 24 hours of opening a week.
public enum PlaceCharter {
    public static let minimumWeeklyMinutes = 24 * 60

    /// Whether hours this long meet the charter; unknown hours do not.
    public static func met(by opening: WeeklyOpening) -> Bool {
        if case .minutes(let minutes) = opening { minutes >= minimumWeeklyMinutes } else { false }
    }

    /// The check before a place is qualified: below the charter (or with unknown hours) the operator must record why
    /// the place is qualified all the same.
    public static func checkQualification(_ opening: WeeklyOpening, reason: String?) throws(DomainError) {
        guard !met(by: opening), (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        let minutes: Int? = if case .minutes(let value) = opening { value } else { nil }
        throw DomainError.invalid(field: .reason, problem: .belowCharter(weeklyMinutes: minutes))
    }
}
