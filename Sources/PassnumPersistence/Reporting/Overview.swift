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
    public func overview() async throws -> Overview {
        try await read { tx in
            func count(_ table: String) async throws -> Int {
                Int(try await tx.sql.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM \(ident: table)")
                    .first(decodingColumn: "n", as: Int64.self) ?? 0)
            }
            var overview = Overview()
            overview.funders = try await count("funders")
            overview.prescribers = try await count("prescribers")
            overview.places = try await count("places")
            overview.programmes = try await count("programmes")
            overview.orders = try await count("orders")
            overview.booklets = try await count("booklets")
            overview.beneficiaries = try await count("beneficiaries")
            overview.payouts = try await count("payouts")
            overview.creditNotes = try await count("credit_notes")
            overview.journalTransactions = try await count("journal_transactions")
            for row in try await tx.sql.raw("SELECT state, CAST(COUNT(*) AS BIGINT) AS n FROM checks GROUP BY state").all() {
                if let state = CheckState(rawValue: try row.string("state")) {
                    overview.checksByState[state] = Int(try row.int("n"))
                }
            }
            overview.paidOut = Money(cents: try await tx.sql.raw("SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) AS n FROM payouts")
                .first(decodingColumn: "n", as: Int64.self) ?? 0)
            return overview
        }
    }
}
