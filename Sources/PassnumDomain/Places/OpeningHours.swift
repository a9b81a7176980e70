import Foundation

/// Opening hours in OpenStreetMap's `opening_hours` syntax, the one the national open-data standard uses
/// ("Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00"). The common subset is supported: `24/7`; rules separated
/// by `;`; each rule an optional day selector (days, day ranges, `PH` for public holidays, separated by commas)
/// followed by time ranges (`HH:MM-HH:MM`, separated by commas) or `off`/`closed`. Anything else is refused
/// with the position of the problem, rather than published wrong.
public struct OpeningHours: Hashable, Sendable, CustomStringConvertible {
    public struct Rule: Hashable, Sendable {
        /// Days the rule applies to (0 = Monday … 6 = Sunday); empty means every day.
        public var days: [ClosedRange<Int>]
        public var publicHolidays: Bool
        /// Minutes since midnight; empty means closed.
        public var times: [ClosedRange<Int>]
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
                rule.days.append(start <= end ? start...end : end...start)
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
                range.count == 1 ? Self.dayNames[range.lowerBound]
                    : "du \(Self.dayNames[range.lowerBound]) au \(Self.dayNames[range.upperBound])"
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
