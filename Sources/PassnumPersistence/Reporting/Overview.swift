import Foundation
import PassnumDomain
import SQLKit

/// What the database holds, in a few numbers: the home page and `passnum demo` show it.
public struct Overview: Sendable, Equatable {
    public var funders = 0
    public var prescribers = 0
    public var places = 0
    public var programmes = 0
    public var orders = 0
    public var booklets = 0
    public var beneficiaries = 0
    public var checksByState: [CheckState: Int] = [:]
    public var payouts = 0
    public var paidOut = Money.zero
    public var creditNotes = 0
    public var journalTransactions = 0

    public init() {}

    public var checks: Int { checksByState.values.reduce(0, +) }
}

extension Store {
    /// Read from small tables and the tallies, never from `checks`, `booklets`, `beneficiaries` nor the journal's rows, in
    /// two statements: the public home page shows it on every visit.
    public func overview() async throws -> Overview {
        try await read { tx in
            func tally(_ dimension: TallyDimension) -> SQLQueryString {
                "(SELECT COALESCE(SUM(checks), 0) FROM tallies WHERE dimension = \(bind: dimension.rawValue))"
            }
            var overview = Overview()
            guard let row = try await tx.sql.raw("""
                SELECT CAST((SELECT COUNT(*) FROM funders) AS BIGINT) AS funders, CAST((SELECT COUNT(*) FROM prescribers) AS BIGINT) AS prescribers,
                  CAST((SELECT COUNT(*) FROM places) AS BIGINT) AS places, CAST((SELECT COUNT(*) FROM programmes) AS BIGINT) AS programmes,
                  CAST((SELECT COUNT(*) FROM orders) AS BIGINT) AS orders, CAST((SELECT COUNT(*) FROM credit_notes) AS BIGINT) AS credit_notes,
                  CAST(\(tally(.bookletsIssued)) AS BIGINT) AS booklets, CAST(\(tally(.beneficiaries)) AS BIGINT) AS beneficiaries,
                  -- Every entry is a link of its lane's chain (`verify` checks it): the heads' sequence numbers count them.
                  CAST((SELECT COALESCE(SUM(sequence), 0) FROM journal_head) AS BIGINT) AS journal,
                  -- One row per month run, with its payouts' count and total (`verify` checks them against the payouts).
                  CAST((SELECT COALESCE(SUM(payouts), 0) FROM payout_runs) AS BIGINT) AS payouts,
                  CAST((SELECT COALESCE(SUM(total_cents), 0) FROM payout_runs) AS BIGINT) AS paid_out
                """).first() else { throw Inconsistency("the overview's query returned no row") }
            overview.funders = Int(try row.int("funders"))
            overview.prescribers = Int(try row.int("prescribers"))
            overview.places = Int(try row.int("places"))
            overview.programmes = Int(try row.int("programmes"))
            overview.orders = Int(try row.int("orders"))
            overview.creditNotes = Int(try row.int("credit_notes"))
            overview.booklets = Int(try row.int("booklets"))
            overview.beneficiaries = Int(try row.int("beneficiaries"))
            overview.journalTransactions = Int(try row.int("journal"))
            overview.payouts = Int(try row.int("payouts"))
            overview.paidOut = Money(cents: try row.int("paid_out"))
            for row in try await tx.sql.raw("""
                SELECT code, CAST(SUM(checks) AS BIGINT) AS n FROM tallies WHERE dimension = \(bind: TallyDimension.state.rawValue)
                GROUP BY code HAVING SUM(checks) <> 0
                """).all() {
                if let state = CheckState(rawValue: try row.string("code")) {
                    overview.checksByState[state] = Int(try row.int("n"))
                }
            }
            return overview
        }
    }
}
