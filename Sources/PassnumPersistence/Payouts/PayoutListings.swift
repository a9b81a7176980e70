import Foundation
import PassnumDomain
import SQLKit

// Read-only queries behind the pages. Each takes the organisation it is scoped to: a page can only ever
// ask for its own organisation's rows.

public struct PayoutRow: Sendable, Equatable {
    public let id: PayoutID
    public let period: String
    public let checks: Int
    /// What was transferred: the checks' value less any deduction.
    public let amount: Money
    public let createdAt: Date
    public let state: PayoutBatch.State
}

extension Store {
    /// What a payout run for `month` would pay each place, without paying anything: the checks' value, and what
    /// it still owes (deductions), which the run takes from it.
    public func payoutPreview(for month: Month) async throws -> [(place: NamedRow<PlaceTag>, checks: Int, amount: Money, owed: Money, hasBankDetails: Bool)] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT pl.id, pl.name, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount,
                  CAST(CASE WHEN EXISTS (\(PayoutSQL.verifiedBankDetails(ofPlace: "pl.id"))) THEN 1 ELSE 0 END AS BIGINT) AS bank,
                  CAST((SELECT COALESCE(SUM(d.amount_cents), 0) FROM deductions d WHERE d.place_id = pl.id)
                    - (SELECT COALESCE(SUM(a.amount_cents), 0) FROM deduction_applications a JOIN deductions d ON d.id = a.deduction_id
                       WHERE d.place_id = pl.id) AS BIGINT) AS owed
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN places pl ON pl.id = c.place_id
                WHERE \(PayoutSQL.payable("c", in: month))
                GROUP BY pl.id, pl.name ORDER BY pl.name
                """).all().map {
                (NamedRow(id: try $0.id("id"), name: try $0.string("name")), Int(try $0.int("checks")), Money(cents: try $0.int("amount")),
                 Money(cents: try $0.int("owed")), try $0.int("bank") > 0)
            }
        }
    }

    public func payoutRuns() async throws -> [PayoutRunResult] {
        try await read { tx in
            try await tx.sql.raw("SELECT period, payouts, checks, total_cents FROM payout_runs ORDER BY period DESC").all().compactMap {
                guard let month = Month(try $0.string("period")) else { return nil }
                return PayoutRunResult(month: month, ran: true, payouts: Int(try $0.int("payouts")), checks: Int(try $0.int("checks")),
                                       total: Money(cents: try $0.int("total_cents")))
            }
        }
    }

    /// A place's payouts, newest month first, a page at a time (on `payouts_place_page`).
    public func payouts(of place: PlaceID, _ page: PageRequest = .first) async throws -> Page<PayoutRow> {
        try await read { tx in
            try await tx.page("""
                SELECT po.id, po.period, po.checks, po.amount_cents, po.created_at, b.state FROM payouts po
                LEFT JOIN payout_batches b ON b.id = po.batch_id WHERE po.place_id = \(bind: place.rawValue)
                """, keyset: Keyset(.payouts, sort: ["po.period"], keyColumns: ["period"], id: "po.id", descending: true), page) {
                PayoutRow(id: try $0.id("id"), period: try $0.string("period"), checks: Int(try $0.int("checks")),
                          amount: Money(cents: try $0.int("amount_cents")), createdAt: Date(millis: try $0.int("created_at")),
                          state: try $0.optionalString("state").flatMap(PayoutBatch.State.init(rawValue:)) ?? .settled)
            }
        }
    }
}
