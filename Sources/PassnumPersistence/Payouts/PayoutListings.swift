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

/// What a month's payout run would pay one place (the operator's preview).
public struct PayoutPreviewRow: Sendable, Equatable {
    public let place: NamedRow<PlaceTag>
    public let checks: Int
    public let amount: Money
    /// What the place still owes (deductions), which the run takes from `amount`.
    public let owed: Money
    public let hasBankDetails: Bool
}

extension Store {
    /// What a payout run for `month` would pay each place, without paying anything: the checks' value, and what
    /// it still owes (deductions), which the run takes from it. By place name, a page at a time: one statement, which
    /// walks `places_by_name` and reads each place's checks of the month on `checks_payable` (never the whole month).
    public func payoutPreview(for month: Month, _ page: PageRequest = .first) async throws -> Page<PayoutPreviewRow> {
        let payable = PayoutSQL.payable("c", in: month)
        return try await read { tx in
            try await tx.page("""
                SELECT pl.id, pl.name,
                  (SELECT CAST(COUNT(*) AS BIGINT) FROM checks c WHERE c.place_id = pl.id AND \(payable)) AS checks,
                  CAST(\(Self.payableAmount(ofPlace: "pl.id", payable)) AS BIGINT) AS amount,
                  CAST(CASE WHEN EXISTS (\(PayoutSQL.verifiedBankDetails(ofPlace: "pl.id"))) THEN 1 ELSE 0 END AS BIGINT) AS bank,
                  CAST(\(Self.owed(byPlace: "pl.id")) AS BIGINT) AS owed
                FROM places pl WHERE \(PayoutSQL.hasCheckToPay(place: "pl.id", in: month))
                """, keyset: Keyset(.payoutPreview, sort: ["pl.name"], keyColumns: ["name"], id: "pl.id", descending: false), page) {
                PayoutPreviewRow(place: NamedRow(id: try $0.id("id"), name: try $0.string("name")), checks: Int(try $0.int("checks")),
                                 amount: Money(cents: try $0.int("amount")), owed: Money(cents: try $0.int("owed")), hasBankDetails: try $0.int("bank") > 0)
            }
        }
    }

    /// The totals of a month's preview over every place: its checks, their value, and what the run would transfer once
    /// it takes what places owe (`Deductions.take`: at most a place's amount). One statement that never reads the month's
    /// checks: by programme, the validated checks of the month less the paid ones (tallies `month` and
    /// `checks_paid_month`, one seek on their key), then the few places that owe something.
    public func payoutPreviewTotals(for month: Month) async throws -> (checks: Int, amount: Money, net: Money) {
        let payable = PayoutSQL.payable("c", in: month)
        return try await read { tx in
            let row = try await tx.sql.raw("""
                SELECT CAST(COALESCE(SUM(t.checks), 0) AS BIGINT) AS checks, CAST(COALESCE(SUM(t.checks * t.face_value_cents), 0) AS BIGINT) AS amount,
                  (SELECT CAST(COALESCE(SUM(CASE WHEN o.owed < o.amount THEN o.owed ELSE o.amount END), 0) AS BIGINT)
                   FROM (SELECT dp.place_id, \(Self.owed(byPlace: "dp.place_id")) AS owed,
                           \(Self.payableAmount(ofPlace: "dp.place_id", payable)) AS amount
                         FROM deductions dp GROUP BY dp.place_id) o WHERE o.owed > 0) AS taken
                FROM (SELECT p.face_value_cents,
                        (SELECT COALESCE(SUM(CASE WHEN m.dimension = \(bind: TallyDimension.month.rawValue) THEN m.checks ELSE -m.checks END), 0)
                         FROM tallies m WHERE m.dimension IN (\(binds: [TallyDimension.month, .paidMonth].map(\.rawValue)))
                           AND m.programme_id = p.id AND m.ref = 0 AND m.code = \(bind: month.description)) AS checks
                      FROM programmes p) t
                """).first()
            let amount = Money(cents: try row?.int("amount") ?? 0)
            return (Int(try row?.int("checks") ?? 0), amount, amount - Money(cents: try row?.int("taken") ?? 0))
        }
    }

    /// How many places a month's run would pay (those with a check to pay, held back or not), for its confirmation: one
    /// probe of `checks_payable` per place, so its cost follows the number of places, not the month's checks.
    public func payoutPlaces(for month: Month) async throws -> Int {
        try await read { tx in
            Int(try await tx.sql.raw("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM places pl WHERE \(PayoutSQL.hasCheckToPay(place: "pl.id", in: month))
                """).first()?.int("n") ?? 0)
        }
    }

    /// The face value of the place `place`'s (an SQL expression) checks matching `payable`: what the preview shows
    /// for one place and what its totals take deductions from.
    static func payableAmount(ofPlace place: SQLQueryString, _ payable: SQLQueryString) -> SQLQueryString {
        """
        (SELECT COALESCE(SUM(pa.face_value_cents), 0) FROM checks c JOIN programmes pa ON pa.id = c.programme_id
          WHERE c.place_id = \(place) AND \(payable))
        """
    }

    /// What the place `place` (an SQL expression) still owes: its deductions less what payouts already took.
    static func owed(byPlace place: SQLQueryString) -> SQLQueryString {
        """
        (SELECT COALESCE(SUM(d.amount_cents), 0) FROM deductions d WHERE d.place_id = \(place))
          - (SELECT COALESCE(SUM(a.amount_cents), 0) FROM deduction_applications a JOIN deductions d ON d.id = a.deduction_id
             WHERE d.place_id = \(place))
        """
    }

    /// The payout runs made, newest month first. Not paged: one a month, a few dozen over the platform's life.
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
