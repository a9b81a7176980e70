import Foundation
import PassnumDomain
import SQLKit

extension Transaction {
    /// Appends a balanced entry to the journal. Entries are never updated or deleted.
    @discardableResult
    func post(_ entry: JournalEntry, actor: Actor, at instant: Date) async throws -> JournalTransactionID {
        let id = try await insertReturningID("""
            INSERT INTO journal_transactions (kind, reference, actor, occurred_at)
            VALUES (\(bind: entry.kind.rawValue), \(bind: entry.reference), \(bind: actor.name), \(bind: instant.millis))
            """)
        let rows: [SQLQueryString] = entry.lines.map { line in
            let (programme, place, funder) = line.account.keys
            return """
                (\(bind: id), \(bind: line.account.code), \(bind: programme), \(bind: place), \(bind: funder),
                 \(bind: line.debit.cents), \(bind: line.credit.cents))
                """
        }
        try await sql.raw("""
            INSERT INTO journal_lines (transaction_id, account, programme_id, place_id, funder_id, debit_cents, credit_cents)
            VALUES \(rows.joined(separator: ", "))
            """).run()
        return JournalTransactionID(id)
    }
}

extension Account {
    /// The account's key columns in `journal_lines`.
    var keys: (programme: Int64?, place: Int64?, funder: Int64?) {
        switch self {
        case .bank, .feeRevenue: (nil, nil, nil)
        case .programmeFunds(let programme): (programme.rawValue, nil, nil)
        case .placePayable(let place): (nil, place.rawValue, nil)
        case .funderRefunds(let funder): (nil, nil, funder.rawValue)
        }
    }
}
