import Foundation
import PassnumDomain
import SQLKit

// The public statistics of use (`/statistiques`, its open data) read maintained counters only, never `checks` or
// `redemptions`:
// - by programme and month, in `tallies`: checks issued (`issuedMonth`), handed out (`handedOutMonth`), validated
//   (`month`); a programme's département (the first of its perimeter) and face value come from `programmes`;
// - by département and month, in `tallies` on programme 0 (`code`: "YYYY-MM DEP"): people helped (`people`) and places
//   active (`activePlaces`). Distinct people cannot be summed from counters: a validation claims a mark in
//   `usage_marks` (one row per measure, département-month and beneficiary or place) and counts +1 only when the mark is
//   new, in the validation's transaction. Marks are never removed: a person helped, or a place active, stays counted
//   in that month even if the validation is undone later.
// `verify` recounts both from `redemptions` (Tallies.swift, `recount`).

/// A département's month of use.
public struct UsageRow: Hashable, Sendable {
    public let departement: DepartementCode
    public let month: Month
    public let figures: UsageFigures
}

extension TallyKey {
    /// The key of a département-month counter (programme 0).
    static func usage(_ dimension: TallyDimension, month: Month, departement: DepartementCode) -> TallyKey {
        TallyKey(programme: 0, dimension: dimension, code: "\(month) \(departement)")
    }
}

extension Transaction {
    /// The marks of people helped and places active for validated checks (`beneficiary`, the programme's département) at
    /// `place` and `instant`, in a fixed order: two validations claiming the same marks take their locks alike.
    func usageMarks(_ checks: [(beneficiary: Int64, departement: DepartementCode)], place: Int64, at instant: Date) -> [TallyKey] {
        let month = CivilDate(instant).calendarMonth
        var marks: Set<TallyKey> = []
        for check in checks {
            marks.insert(TallyKey(programme: 0, dimension: .people, ref: check.beneficiary, code: "\(month) \(check.departement)"))
            marks.insert(TallyKey(programme: 0, dimension: .activePlaces, ref: place, code: "\(month) \(check.departement)"))
        }
        return marks.sorted()
    }

    /// Claims `marks` (`usageMarks`) and returns the counters of the marks that were new. One statement.
    func claimMarks(_ marks: [TallyKey]) async throws -> TallyDeltas {
        var tallies = TallyDeltas()
        guard !marks.isEmpty else { return tallies }
        let rows: [SQLQueryString] = marks.map { "(\(bind: $0.dimension.rawValue), \(bind: $0.code), \(bind: $0.ref))" }
        for row in try await sql.raw("""
            INSERT INTO usage_marks (measure, code, ref) VALUES \(rows.joined(separator: ", ")) ON CONFLICT DO NOTHING RETURNING measure, code
            """).all() {
            let dimension = try TallyDimension(rawValue: try row.string("measure")).orThrow("usage_marks.measure")
            tallies.add(1, TallyKey(programme: 0, dimension: dimension, code: try row.string("code")))
        }
        return tallies
    }

    /// The département of a programme in SQL: the first of `p.departements` ("59|62" → "59").
    var programmeDepartement: SQLQueryString {
        kind == .postgres ? "split_part(p.departements, '|', 1)" : "substr(p.departements, 1, instr(p.departements || '|', '|') - 1)"
    }

    /// The marks of `dimension` (people or active places) recomputed from every redemption, undone ones included: columns
    /// `programme_id` (the département), `code` (the month), `n` (distinct people or places).
    func recountUsage(_ dimension: TallyDimension) async throws -> SQLQueryString {
        let who: SQLQueryString = dimension == .people ? "c.beneficiary_id" : "r.place_id"
        let byMonth = try await byMonth(
            of: "r.redeemed_at", from: "redemptions r JOIN checks c ON c.id = r.check_id JOIN programmes p ON p.id = c.programme_id",
            where: "c.beneficiary_id IS NOT NULL", programme: programmeDepartement, count: "COUNT(DISTINCT \(who))",
            // Every redemption's: without the joins to the checks and programmes (2.4 s against 0.1 s in `verify`, national).
            bounds: "SELECT MIN(redeemed_at) AS first, MAX(redeemed_at) AS last FROM redemptions")
        return "SELECT 0 AS programme_id, 0 AS ref, d.code || ' ' || d.programme_id AS code, d.n FROM (\(byMonth)) d"
    }

    /// Rewrites `usage_marks` from the redemptions (a seed, migration 74), before the counters are recounted: one
    /// statement per measure and month.
    func refillUsageMarks() async throws {
        try await sql.raw("DELETE FROM usage_marks").run()
        let range = try await sql.raw("SELECT MIN(redeemed_at) AS first, MAX(redeemed_at) AS last FROM redemptions").first()
        guard let first = try range?.optionalInt("first"), let last = try range?.optionalInt("last") else { return }
        var month = max(CivilDate(Date(millis: first)).calendarMonth, Month.earliest)
        let end = min(CivilDate(Date(millis: last)).calendarMonth, Month.latest)
        while month <= end {
            let (starts, ends) = month.interval
            for dimension in [TallyDimension.people, .activePlaces] {
                let who: SQLQueryString = dimension == .people ? "c.beneficiary_id" : "r.place_id"
                try await sql.raw("""
                    INSERT INTO usage_marks (measure, code, ref)
                    SELECT DISTINCT \(bind: dimension.rawValue), \(bind: "\(month) ") || \(programmeDepartement), \(who)
                    FROM redemptions r JOIN checks c ON c.id = r.check_id JOIN programmes p ON p.id = c.programme_id
                    WHERE r.redeemed_at >= \(bind: starts.millis) AND r.redeemed_at < \(bind: ends.millis) AND c.beneficiary_id IS NOT NULL
                    """).run()
            }
            if month == Month.latest { break }
            month = month.next
        }
    }
}

extension Store {
    /// The figures of every département (or one, chosen in the SQL) for each month of `months`: two statements over the
    /// counters.
    public func usageStatistics(months: ClosedRange<Month>, departement: DepartementCode? = nil) async throws -> [UsageRow] {
        try await read { tx in
            var figures: [String: [Month: UsageFigures]] = [:]
            let first = months.lowerBound.description, last = months.upperBound.description
            let ofProgramme: SQLQueryString = departement.map { " AND \(tx.programmeDepartement) = \(bind: $0.value)" } ?? ""
            // "YYYY-MM DEP": the département from the 9th character.
            let ofCode: SQLQueryString = departement.map { " AND substr(code, 9) = \(bind: $0.value)" } ?? ""
            // Programmes' counters, summed in SQL by département (the first of a programme's perimeter) and month: one row
            // per département and month, not one per programme, month and lane (8 000 rows nationally, whose decoding
            // was most of the page's time).
            func sum(_ dimension: TallyDimension, times factor: SQLQueryString = "1") -> SQLQueryString {
                "CAST(SUM(CASE WHEN t.dimension = \(bind: dimension.rawValue) THEN t.checks * \(factor) ELSE 0 END) AS BIGINT)"
            }
            for row in try await tx.sql.raw("""
                SELECT \(tx.programmeDepartement) AS departement, t.code, \(sum(.issuedMonth)) AS issued, \(sum(.handedOutMonth)) AS handed_out,
                  \(sum(.month)) AS used, \(sum(.month, times: "p.face_value_cents")) AS amount
                FROM tallies t JOIN programmes p ON p.id = t.programme_id
                WHERE t.dimension IN (\(binds: [TallyDimension.issuedMonth, .handedOutMonth, .month].map(\.rawValue)))
                  AND t.code >= \(bind: first) AND t.code <= \(bind: last)\(ofProgramme)
                GROUP BY 1, t.code
                """).all() {
                guard let month = Month(try row.string("code")) else { throw CorruptValue(column: "tallies.code") }
                // One row per département and month: the people and places are added below.
                figures[try row.string("departement"), default: [:]][month] = UsageFigures(
                    issued: try row.int("issued"), handedOut: try row.int("handed_out"), used: try row.int("used"),
                    amount: Money(cents: try row.int("amount")))
            }
            // Département-month counters ("YYYY-MM DEP"): the codes of the months sort before those of the next month.
            for row in try await tx.sql.raw("""
                SELECT dimension, code, CAST(SUM(checks) AS BIGINT) AS n FROM tallies
                WHERE dimension IN (\(binds: [TallyDimension.people, .activePlaces].map(\.rawValue)))
                  AND code >= \(bind: first) AND code < \(bind: months.upperBound == .latest ? "9999" : months.upperBound.next.description)\(ofCode)
                GROUP BY dimension, code
                """).all() {
                let parts = try row.string("code").split(separator: " ")
                guard parts.count == 2, let month = Month(String(parts[0])) else { throw CorruptValue(column: "tallies.code") }
                let n = try row.int("n"), code = String(parts[1])
                if try row.string("dimension") == TallyDimension.people.rawValue {
                    figures[code, default: [:]][month, default: .init()].people += n
                } else {
                    figures[code, default: [:]][month, default: .init()].places += n
                }
            }
            var rows: [UsageRow] = []
            for (code, byMonth) in figures {
                guard let found = DepartementCode(code) else { throw CorruptValue(column: "programmes.departements") }
                for (month, value) in byMonth where months.contains(month) && value != UsageFigures() {
                    rows.append(UsageRow(departement: found, month: month, figures: value))
                }
            }
            return rows.sorted { ($0.month, $0.departement) < ($1.month, $1.departement) }
        }
    }
}
