import Foundation
import PassnumDomain
import SQLKit

// People reached by a funder's programmes (the funder's report, `/financeur/rapport`), read from maintained counters,
// never from `checks` or `beneficiaries`:
// - a hand-out claims the person's mark in `reach_marks` (one row per programme and person: the month of the first
//   hand-out, and the commune, age bracket and diagnostic level on that day) and, only when the mark is new, adds 1 to
//   three tallies of the programme (`code`: "YYYY-MM commune", "YYYY-MM age bracket", "YYYY-MM level"), in its own
//   transaction;
// - `verify` recounts the tallies from the marks, and checks that the marks are exactly the programme × person pairs
//   the checks hold (`verifyReachMarks`).
// The marks keep what was true at the first hand-out: a later diagnostic, a move or an erasure (which keeps the
// commune and level, and the birth year's decade) changes no count.

extension TallyDimension {
    /// The three breakdowns of people reached, each keyed "YYYY-MM value".
    static let reach: [TallyDimension] = [.reachCommune, .reachAge, .reachLevel]

    /// The mark's column a reach dimension counts by.
    var reachColumn: String {
        switch self {
        case .reachAge: "age"
        case .reachLevel: "level"
        default: "commune"
        }
    }
}

extension Transaction {
    /// The age bracket, in SQL, of a person born in `birthYear` (NULL: unknown) in the year `year`: `AgeBracket`'s rule.
    static func ageBracket(birthYear: SQLQueryString, year: SQLQueryString) -> SQLQueryString {
        let cases: [SQLQueryString] = AgeBracket.lowestAges.map { "WHEN \(year) - \(birthYear) >= \(bind: Int64($0.age)) THEN \(bind: $0.bracket.rawValue)" }
        return "CASE WHEN \(birthYear) IS NULL THEN \(bind: AgeBracket.unknown.rawValue) \(cases.joined(separator: " ")) ELSE \(bind: AgeBracket.unknown.rawValue) END"
    }

    /// Claims the mark of `beneficiary` in `programme` at a hand-out on `instant` and returns the counters to add when the
    /// person had none (their first hand-out of the programme): one statement, on the mark's primary key.
    func markReached(_ beneficiary: Int64, programme: Int64, at instant: Date) async throws -> TallyDeltas {
        let day = CivilDate(instant), month = day.calendarMonth.description
        var tallies = TallyDeltas()
        for row in try await sql.raw("""
            INSERT INTO reach_marks (programme_id, beneficiary_id, month, commune, age, level)
            SELECT \(bind: programme), b.id, \(bind: month), b.commune,
              \(Self.ageBracket(birthYear: "b.birth_year", year: "\(bind: Int64(day.year))")), COALESCE(CAST(b.diagnostic_level AS TEXT), '')
            FROM beneficiaries b WHERE b.id = \(bind: beneficiary)
            ON CONFLICT DO NOTHING RETURNING commune, age, level
            """).all() {
            for dimension in TallyDimension.reach {
                tallies.add(1, TallyKey(programme: programme, dimension: dimension, code: "\(month) \(try row.string(dimension.reachColumn))"))
            }
        }
        return tallies
    }

    /// A reach dimension's counters recomputed from the marks.
    func recountReach(_ dimension: TallyDimension) -> SQLQueryString {
        let column: SQLQueryString = "\(unsafeRaw: dimension.reachColumn)"
        return """
            SELECT programme_id, 0 AS ref, month || ' ' || \(column) AS code, CAST(COUNT(*) AS BIGINT) AS n
            FROM reach_marks GROUP BY programme_id, month, \(column)
            """
    }

    /// Brings `reach_marks` back in line with the checks (migration 81, a seed, a repair after `verify`): drops the marks
    /// of pairs holding no check, and adds those missing, from each programme × person's first hand-out with the
    /// person's commune, level and birth year as they are now (the best the rows still say). The marks that exist keep
    /// what was true at the first hand-out. Three statements.
    func refillReachMarks() async throws {
        try await sql.raw("""
            DELETE FROM reach_marks WHERE NOT EXISTS
              (SELECT 1 FROM checks c WHERE c.beneficiary_id = reach_marks.beneficiary_id AND c.programme_id = reach_marks.programme_id)
            """).run()
        let range = try await sql.raw("SELECT MIN(distributed_at) AS first, MAX(distributed_at) AS last FROM checks WHERE beneficiary_id IS NOT NULL").first()
        guard let first = try range?.optionalInt("first"), let last = try range?.optionalInt("last"),
              let months = Self.monthCode(of: "g.first_at", from: first, to: last) else { return }
        try await sql.raw("""
            INSERT INTO reach_marks (programme_id, beneficiary_id, month, commune, age, level)
            SELECT f.programme_id, f.beneficiary_id, f.month, b.commune,
              \(Self.ageBracket(birthYear: "b.birth_year", year: "CAST(substr(f.month, 1, 4) AS INTEGER)")),
              COALESCE(CAST(b.diagnostic_level AS TEXT), '')
            FROM (SELECT g.programme_id, g.beneficiary_id, \(months.code) AS month
                  FROM (SELECT programme_id, beneficiary_id, MIN(distributed_at) AS first_at FROM checks WHERE beneficiary_id IS NOT NULL
                        GROUP BY programme_id, beneficiary_id) g
                  WHERE g.first_at >= \(bind: months.starts) AND g.first_at < \(bind: months.ends)) f
            JOIN beneficiaries b ON b.id = f.beneficiary_id
            WHERE NOT EXISTS (SELECT 1 FROM reach_marks r WHERE r.programme_id = f.programme_id AND r.beneficiary_id = f.beneficiary_id)
            """).run()
    }

    /// The marks that disagree with the checks: a programme × person pair holding checks without a mark, or a mark
    /// without checks (the first 20 of each, named).
    func verifyReachMarks() async throws -> [String] {
        try await sql.raw("""
            SELECT 'missing' AS problem, c.programme_id, c.beneficiary_id FROM
              (SELECT DISTINCT programme_id, beneficiary_id FROM checks WHERE beneficiary_id IS NOT NULL) c
              LEFT JOIN reach_marks m ON m.programme_id = c.programme_id AND m.beneficiary_id = c.beneficiary_id
            WHERE m.beneficiary_id IS NULL
            UNION ALL
            SELECT 'extra' AS problem, m.programme_id, m.beneficiary_id FROM reach_marks m
            WHERE NOT EXISTS (SELECT 1 FROM checks c WHERE c.beneficiary_id = m.beneficiary_id AND c.programme_id = m.programme_id)
            ORDER BY 1, 2, 3 LIMIT 20
            """).all().map { row in
            let pair = "programme \(try row.int("programme_id")) beneficiary \(try row.int("beneficiary_id"))"
            return try row.string("problem") == "missing" ? "\(pair) holds checks but has no reach mark" : "reach mark of \(pair) has no check"
        }
    }
}

/// A funder's report for a period: checks handed out and used, and people reached for the first time, with the chart's
/// months. Figures are raw; the page applies statistical secrecy to the counts of people.
public struct FunderReport: Sendable, Equatable {
    public struct MonthLine: Sendable, Equatable {
        public var month: Month
        public var handedOut: Int64 = 0
        public var used: Int64 = 0
        public var amount = Money.zero
    }

    public var funderName: String
    /// Every programme of the funder, newest first (the filter's choices; a funder runs a few).
    public var programmes: [Programme]
    /// The programme chosen, nil for all of them.
    public var programme: ProgrammeID?
    public var months: ClosedRange<Month>
    /// One line per month of `months`, oldest first.
    public var byMonth: [MonthLine]
    /// People reached for one value of a breakdown.
    public struct Count<Key: Hashable & Sendable>: Sendable, Equatable {
        public var key: Key
        public var people: Int64
    }

    /// People reached for the first time in the period, by INSEE commune code ("" unknown), by age bracket and by level
    /// ("1" to "4", "" without a diagnostic), each sorted by its key.
    public var byCommune: [Count<String>]
    public var byAge: [Count<AgeBracket>]
    public var byLevel: [Count<String>]
    /// The names of the communes of `byCommune` the platform knows (`communes`), by code.
    public var communeNames: [String: String] = [:]

    public var handedOut: Int64 { byMonth.reduce(0) { $0 + $1.handedOut } }
    public var used: Int64 { byMonth.reduce(0) { $0 + $1.used } }
    public var amount: Money { byMonth.reduce(.zero) { $0 + $1.amount } }
    /// Every person reached counts once in each breakdown.
    public var people: Int64 { byAge.reduce(0) { $0 + $1.people } }
}

extension Store {
    /// The most months a report covers: ten years of bars still fit a printed page.
    public static let reportMonths = 120

    /// A funder's report for `programme` (nil: all its programmes) from month `from` (nil: the first chosen programme's
    /// start) to `to` (nil: the current month), at most `reportMonths` months back from its end. Nil when `programme` is
    /// not the funder's. Five statements, whatever the number of programmes, months, communes or people.
    public func funderReport(of funder: FunderID, programme: ProgrammeID? = nil, from: Month? = nil, to: Month? = nil) async throws -> FunderReport? {
        let end = to ?? CivilDate(clock.now).calendarMonth
        return try await read { tx in
            let programmes = try await tx.programmes(of: funder).reversed().map { $0 }
            guard programme == nil || programmes.contains(where: { $0.id == programme }) else { return nil }
            let start = from ?? programmes.filter { programme == nil || $0.id == programme }.map(\.terms.validFrom.calendarMonth).min() ?? end
            let period = min(max(start, Self.monthsBack(Self.reportMonths - 1, from: end)), end)...end
            let name = try await tx.sql.raw("SELECT name FROM funders WHERE id = \(bind: funder.rawValue)").first(decodingColumn: "name", as: String.self) ?? ""
            let scope: SQLQueryString = "p.funder_id = \(bind: funder.rawValue)"
                + (programme.map { " AND t.programme_id = \(bind: $0.rawValue)" } ?? "")
            let first = period.lowerBound.description, last = period.upperBound.description
            // Checks by month: months × programmes × lanes rows at most, summed here.
            var lines: [String: FunderReport.MonthLine] = [:]
            for row in try await tx.sql.raw("""
                SELECT t.dimension, t.code, CAST(SUM(t.checks) AS BIGINT) AS n, CAST(SUM(t.checks * p.face_value_cents) AS BIGINT) AS amount
                FROM tallies t JOIN programmes p ON p.id = t.programme_id
                WHERE \(scope) AND t.dimension IN (\(binds: [TallyDimension.handedOutMonth, .month].map(\.rawValue))) AND t.ref = 0
                  AND t.code >= \(bind: first) AND t.code <= \(bind: last)
                GROUP BY t.dimension, t.code
                """).all() {
                let code = try row.string("code"), n = try row.int("n")
                guard let month = Month(code) else { throw CorruptValue(column: "tallies.code") }
                var line = lines[code] ?? FunderReport.MonthLine(month: month)
                if try row.string("dimension") == TallyDimension.month.rawValue {
                    line.used += n
                    line.amount += Money(cents: try row.int("amount"))
                } else {
                    line.handedOut += n
                }
                lines[code] = line
            }
            // People reached: one row per commune, bracket and level, the months summed by the database ("YYYY-MM " is
            // 8 characters; the codes of a month sort before those of the next), with the commune's name when known.
            var byCommune: [FunderReport.Count<String>] = [], byAge: [FunderReport.Count<AgeBracket>] = [], byLevel: [FunderReport.Count<String>] = []
            var communeNames: [String: String] = [:]
            for row in try await tx.sql.raw("""
                SELECT t.dimension, substr(t.code, 9) AS value, c.name, CAST(SUM(t.checks) AS BIGINT) AS n
                FROM tallies t JOIN programmes p ON p.id = t.programme_id
                  LEFT JOIN communes c ON t.dimension = \(bind: TallyDimension.reachCommune.rawValue) AND c.code = substr(t.code, 9)
                WHERE \(scope) AND t.dimension IN (\(binds: TallyDimension.reach.map(\.rawValue))) AND t.ref = 0
                  AND t.code >= \(bind: first) AND t.code < \(bind: period.upperBound == .latest ? "9999" : period.upperBound.next.description)
                GROUP BY t.dimension, substr(t.code, 9), c.name HAVING SUM(t.checks) <> 0 ORDER BY 1, 2
                """).all() {
                let value = try row.string("value"), n = try row.int("n")
                switch TallyDimension(rawValue: try row.string("dimension")) {
                case .reachCommune:
                    byCommune.append(.init(key: value, people: n))
                    if let name = try row.optionalString("name"), !name.isEmpty { communeNames[value] = name }
                case .reachAge: byAge.append(.init(key: try AgeBracket(rawValue: value).orThrow("tallies.code"), people: n))
                default: byLevel.append(.init(key: value, people: n))
                }
            }
            var byMonth: [FunderReport.MonthLine] = []
            var month = period.lowerBound
            while month <= period.upperBound {
                byMonth.append(lines[month.description] ?? FunderReport.MonthLine(month: month))
                if month == .latest { break }
                month = month.next
            }
            return FunderReport(funderName: name, programmes: programmes, programme: programme, months: period, byMonth: byMonth,
                                byCommune: byCommune, byAge: byAge, byLevel: byLevel, communeNames: communeNames)
        }
    }

    /// The month `count` months before `month`, not before `Month.earliest`.
    static func monthsBack(_ count: Int, from month: Month) -> Month {
        var month = month
        for _ in 0..<max(count, 0) where month > .earliest { month = month.previous }
        return month
    }
}
