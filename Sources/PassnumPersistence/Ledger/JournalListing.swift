import Foundation
import PassnumDomain
import SQLKit

// The journal as the operator's page lists it.

public struct JournalRow: Sendable, Equatable {
    public let id: JournalTransactionID
    public let kind: String
    public let reference: String
    public let actor: String
    public let occurredAt: Date
    public let amount: Money
}

extension Store {
    /// The journal, newest first, a page at a time. Each entry's amount is summed from its own lines (a subquery on
    /// `journal_lines_transaction`), so the page reads the primary key backwards and stops at the limit.
    public func journal(_ page: PageRequest = .first) async throws -> Page<JournalRow> {
        try await read { tx in
            try await tx.page("""
                SELECT t.id, t.kind, t.reference, t.actor, t.occurred_at,
                  CAST(COALESCE((SELECT SUM(l.debit_cents) FROM journal_lines l WHERE l.transaction_id = t.id), 0) AS BIGINT) AS amount
                FROM journal_transactions t WHERE 1 = 1
                """, keyset: Keyset(.journal, id: "t.id", descending: true), page) {
                JournalRow(id: try $0.id("id"), kind: try $0.string("kind"), reference: try $0.string("reference"),
                           actor: try $0.string("actor"), occurredAt: Date(millis: try $0.int("occurred_at")),
                           amount: Money(cents: try $0.int("amount")))
            }
        }
    }

    /// The latest `limit` entries of the journal (at most `PageRequest.maximumLimit`).
    public func journal(limit: Int) async throws -> [JournalRow] {
        try await journal(PageRequest(limit: limit)).rows
    }
}
