import Foundation
import PassnumDomain
import SQLKit

// The journal as the operator's page lists it.

public struct JournalRow: Sendable {
    public let id: Int64
    public let kind: String
    public let reference: String
    public let actor: String
    public let occurredAt: Date
    public let amount: Money
}

extension Store {
    public func journal(limit: Int) async throws -> [JournalRow] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT t.id, t.kind, t.reference, t.actor, t.occurred_at, CAST(COALESCE(SUM(l.debit_cents), 0) AS BIGINT) AS amount
                FROM journal_transactions t LEFT JOIN journal_lines l ON l.transaction_id = t.id
                GROUP BY t.id, t.kind, t.reference, t.actor, t.occurred_at ORDER BY t.id DESC LIMIT \(bind: Int64(limit))
                """).all().map {
                JournalRow(id: try $0.int("id"), kind: try $0.string("kind"), reference: try $0.string("reference"),
                           actor: try $0.string("actor"), occurredAt: Date(millis: try $0.int("occurred_at")),
                           amount: Money(cents: try $0.int("amount")))
            }
        }
    }
}
