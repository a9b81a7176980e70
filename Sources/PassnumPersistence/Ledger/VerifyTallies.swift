import Foundation
import PassnumDomain
import SQLKit

extension Transaction {
    /// The maintained counters against the rows: every tally (lanes summed) against its GROUP BY recount, each booklet's
    /// `validated_checks` against its checks, each payout run's totals against its payouts. Names the counters that drift.
    /// The recounts are aggregates: what comes back is one row per counter, never one per check.
    func verifyTallies() async throws -> InvariantViolation? {
        var drifts: [String] = []
        var more = 0
        let shown = 20
        for dimension in TallyDimension.allCases {
            // Compared by the database: only the drifting counters come back (the first `shown` and how many there are),
            // so memory does not grow with the number of counters (places × programmes on the national dataset).
            var found: [(key: TallyKey, kept: Int64, expected: Int64)] = []
            var drifting = 0
            for row in try await sql.raw("""
                SELECT programme_id, ref, code, CAST(SUM(expected) AS BIGINT) AS expected, CAST(SUM(kept) AS BIGINT) AS kept,
                  CAST(COUNT(*) OVER () AS BIGINT) AS drifting
                FROM (SELECT programme_id, ref, code, n AS expected, 0 AS kept FROM (\(try await recount(dimension))) recounted
                      UNION ALL
                      SELECT programme_id, ref, code, 0 AS expected, checks AS kept FROM tallies WHERE dimension = \(bind: dimension.rawValue)) compared
                GROUP BY programme_id, ref, code HAVING SUM(expected) <> SUM(kept)
                ORDER BY programme_id, ref, code LIMIT \(unsafeRaw: String(shown))
                """).all() {
                found.append((try TallyKey(row, dimension), try row.int("kept"), try row.int("expected")))
                drifting = Int(try row.int("drifting"))
            }
            drifts += found.sorted { $0.key < $1.key }.map { "\($0.key) is \($0.kept), the rows say \($0.expected)" }
            more += drifting - found.count
        }
        for row in try await sql.raw("""
            SELECT b.id, b.validated_checks, CAST(COALESCE(v.n, 0) AS BIGINT) AS n FROM booklets b
            LEFT JOIN (SELECT booklet_id, COUNT(*) AS n FROM checks WHERE state IN (\(binds: CheckState.validated.binds)) GROUP BY booklet_id) v
              ON v.booklet_id = b.id
            WHERE b.validated_checks <> COALESCE(v.n, 0) ORDER BY b.id LIMIT 20
            """).all() {
            drifts.append("booklet \(try row.int("id")) counts \(try row.int("validated_checks")) validated checks, the rows say \(try row.int("n"))")
        }
        for row in try await sql.raw("""
            SELECT r.period, r.payouts, r.total_cents, CAST(COUNT(po.id) AS BIGINT) AS n, CAST(COALESCE(SUM(po.amount_cents), 0) AS BIGINT) AS total
            FROM payout_runs r LEFT JOIN payouts po ON po.period = r.period GROUP BY r.period, r.payouts, r.total_cents
            HAVING r.payouts <> COUNT(po.id) OR r.total_cents <> COALESCE(SUM(po.amount_cents), 0) ORDER BY r.period
            """).all() {
            drifts.append("""
                payout run \(try row.string("period")) counts \(try row.int("payouts")) payouts of \(Money(cents: try row.int("total_cents"))), \
                the payouts say \(try row.int("n")) of \(Money(cents: try row.int("total")))
                """)
        }
        if let row = try await sql.raw("""
            SELECT po.period FROM payouts po WHERE NOT EXISTS (SELECT 1 FROM payout_runs r WHERE r.period = po.period) ORDER BY po.period LIMIT 1
            """).first() {
            drifts.append("payouts of \(try row.string("period")) have no payout run")
        }
        // The reach tallies are recounted from their marks above; the marks themselves are held to the checks here.
        drifts += try await verifyReachMarks()
        guard !drifts.isEmpty else { return nil }
        more += max(0, drifts.count - shown)
        return InvariantViolation(.maintainedTallies, drifts.prefix(shown).joined(separator: "; ")
            + (more > 0 ? "; and \(more) more" : ""))
    }
}

extension TallyKey {
    fileprivate init(_ row: any SQLRow, _ dimension: TallyDimension) throws {
        self.init(programme: try row.int("programme_id"), dimension: dimension, ref: try row.int("ref"), code: try row.string("code"))
    }
}
