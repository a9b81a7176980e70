import Foundation
import PassnumDomain
import SQLKit

/// A place's statement for one payout: every check paid, what was deducted, what was transferred.
public struct Statement: Sendable {
    public let period: String
    public let state: PayoutBatch.State
    public let lines: [StatementLine]
    public let deductions: [StatementDeduction]

    public var gross: Money { lines.reduce(Money.zero) { $0 + $1.amount } }
    public var net: Money { deductions.reduce(gross) { $0 - $1.amount } }

    /// The checks' value by funder, sorted by funder name.
    public var totalsByFunder: [(funder: String, amount: Money)] {
        var byFunder: [String: Money] = [:]
        for line in lines { byFunder[line.funder, default: .zero] += line.amount }
        return byFunder.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// What one payout took of a deduction. `detail` is what the deduction row stores for its kind (the operator's
/// reason, the year); rows written before that store the whole French sentence, which the app shows as is.
public struct StatementDeduction: Sendable, Equatable {
    public let kind: DeductionKind
    public let reference: String
    public let detail: String
    public let amount: Money

    public init(kind: DeductionKind, reference: String, detail: String, amount: Money) {
        self.kind = kind
        self.reference = reference
        self.detail = detail
        self.amount = amount
    }
}

/// One check on a place's statement.
public struct StatementLine: Sendable {
    public let serial: CheckSerial
    public let redeemedAt: Date
    public let category: ServiceCategory?
    public let funder: String
    public let amount: Money
}

extension Store {
    /// A place's statement for one payout: every check paid, with totals by funder, and what was deducted.
    public func statement(payout: PayoutID, place: PlaceID) async throws -> Statement? {
        try await read { tx in
            guard let row = try await tx.sql.raw("""
                SELECT po.period, b.state FROM payouts po LEFT JOIN payout_batches b ON b.id = po.batch_id
                WHERE po.id = \(bind: payout.rawValue) AND po.place_id = \(bind: place.rawValue)
                """).first() else { return nil }
            let lines = try await tx.sql.raw(StatementLine.selection + " WHERE c.payout_id = \(bind: payout.rawValue) ORDER BY c.redeemed_at, c.id")
                .all().compactMap(StatementLine.init(row:))
            let deductions = try await tx.sql.raw(StatementDeduction.selection + " WHERE a.payout_id = \(bind: payout.rawValue) ORDER BY d.id")
                .all().map(StatementDeduction.init(row:))
            return Statement(period: try row.string("period"),
                             state: try row.optionalString("state").flatMap(PayoutBatch.State.init(rawValue:)) ?? .settled,
                             lines: lines, deductions: deductions)
        }
    }
}

extension StatementLine {
    /// A statement's lines, over the checks `c` (with their payout); the caller says which and in what order.
    static var selection: SQLQueryString {
        """
        SELECT c.payout_id, c.id, c.redeemed_at, r.category, f.name AS funder, p.face_value_cents
        FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN funders f ON f.id = p.funder_id
        LEFT JOIN redemptions r ON r.check_id = c.id AND r.redeemed_at = c.redeemed_at AND r.place_id = c.place_id
        """
    }

    /// Nil for a check whose number is not a serial (never written by the platform).
    init?(row: any SQLRow) throws {
        guard let serial = CheckSerial(number: try row.int("id")) else { return nil }
        self.init(serial: serial, redeemedAt: Date(millis: try row.optionalInt("redeemed_at") ?? 0),
                  category: try row.optionalString("category").flatMap(ServiceCategory.init(code:)),
                  funder: try row.string("funder"), amount: Money(cents: try row.int("face_value_cents")))
    }
}

extension StatementDeduction {
    /// What payouts took of deductions, over the applications `a` and their deductions `d`.
    static var selection: SQLQueryString {
        """
        SELECT a.payout_id, d.kind, d.reference, d.reason, a.amount_cents FROM deduction_applications a JOIN deductions d ON d.id = a.deduction_id
        """
    }

    init(row: any SQLRow) throws {
        self.init(kind: try DeductionKind(rawValue: try row.string("kind")).orThrow("deductions.kind"),
                  reference: try row.string("reference"), detail: try row.string("reason"), amount: Money(cents: try row.int("amount_cents")))
    }
}
