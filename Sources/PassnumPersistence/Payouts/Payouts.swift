import Foundation
import PassnumDomain
import SQLKit

public struct PayoutRunResult: Sendable, Equatable {
    public let month: Month
    /// False when the month had already been run: nothing was changed.
    public let ran: Bool
    public let payouts: Int
    public let checks: Int
    public let total: Money
}

extension Store {
    /// Pays every place for its checks redeemed during `month` and not yet paid: one payout per place,
    /// its checks marked paid, one journal entry each. Running a month a second time changes nothing.
    public func runPayouts(for month: Month, actor: Actor = .system) async throws -> PayoutRunResult {
        let now = clock.now
        guard month.next.firstDay <= CivilDate(now) else { throw DomainError.monthNotOver(month) }
        let (start, end) = month.interval
        return try await transaction { tx in
            // The run's row is the lock: a concurrent run of the same month waits on it, then does nothing.
            let claimed = try await tx.sql.raw("""
                INSERT INTO payout_runs (period, ran_at, payouts, checks, total_cents)
                VALUES (\(bind: month.description), \(bind: now.millis), 0, 0, 0)
                ON CONFLICT (period) DO NOTHING RETURNING period
                """).all()
            guard !claimed.isEmpty else { return try await tx.payoutRun(month) }

            let due = try await tx.sql.raw("""
                SELECT c.place_id, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount
                FROM checks c JOIN programmes p ON p.id = c.programme_id
                WHERE c.state = 'redeemed' AND c.redeemed_at >= \(bind: start.millis) AND c.redeemed_at < \(bind: end.millis)
                GROUP BY c.place_id ORDER BY c.place_id
                """).all().map { (place: PlaceID(try $0.int("place_id")), checks: try $0.int("checks"), amount: Money(cents: try $0.int("amount"))) }
            var total = Money.zero
            var checks: Int64 = 0
            for payout in due {
                let id = try await tx.insertReturningID("""
                    INSERT INTO payouts (place_id, period, checks, amount_cents, created_at)
                    VALUES (\(bind: payout.place.rawValue), \(bind: month.description), \(bind: payout.checks),
                      \(bind: payout.amount.cents), \(bind: now.millis))
                    """)
                let paid = try await tx.sql.raw("""
                    UPDATE checks SET state = 'paid', payout_id = \(bind: id)
                    WHERE place_id = \(bind: payout.place.rawValue) AND state = 'redeemed'
                      AND redeemed_at >= \(bind: start.millis) AND redeemed_at < \(bind: end.millis)
                    RETURNING id
                    """).all()
                guard Int64(paid.count) == payout.checks else {
                    throw DomainError.invalid(field: "payout", reason: "checks of place \(payout.place) changed during the run")
                }
                try await tx.post(
                    try .transfer(.payout, reference: "payout:\(id):\(month)", amount: payout.amount,
                                  from: .placePayable(payout.place), to: .bank),
                    actor: actor, at: now)
                total += payout.amount
                checks += payout.checks
            }
            try await tx.sql.raw("""
                UPDATE payout_runs SET payouts = \(bind: Int64(due.count)), checks = \(bind: checks), total_cents = \(bind: total.cents)
                WHERE period = \(bind: month.description)
                """).run()
            return PayoutRunResult(month: month, ran: true, payouts: due.count, checks: Int(checks), total: total)
        }
    }
}

extension Transaction {
    func payoutRun(_ month: Month) async throws -> PayoutRunResult {
        guard let row = try await sql.raw("""
            SELECT payouts, checks, total_cents FROM payout_runs WHERE period = \(bind: month.description)
            """).first()
        else { throw DomainError.notFound("payout run \(month)") }
        return PayoutRunResult(
            month: month, ran: false, payouts: Int(try row.int("payouts")), checks: Int(try row.int("checks")),
            total: Money(cents: try row.int("total_cents")))
    }
}
