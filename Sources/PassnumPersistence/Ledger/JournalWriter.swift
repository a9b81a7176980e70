import Foundation
import PassnumDomain
import SQLKit

extension Transaction {
    /// Appends an entry to the journal and chains it: in this transaction's lane, it takes the next sequence
    /// number and the previous entry's hash from the lane's head row, whose lock (PostgreSQL) orders writers of
    /// the same lane until they commit. Entries are never updated or deleted.
    @discardableResult
    func post(_ entry: JournalEntry, actor: Actor, at instant: Date) async throws -> JournalTransactionID {
        guard let id = try await post([entry], actor: actor, at: instant).first else { throw Inconsistency("the journal entry got no id") }
        return id
    }

    /// Appends `entries` in this order, chained one after the other in this transaction's lane as `post` chains one: the
    /// head is read and written once, and the entries and their lines go in multi-row inserts, so a payout run over
    /// thousands of places sends a few statements, not four per place. Returns the entries' ids in the same order.
    @discardableResult
    func post(_ entries: [JournalEntry], actor: Actor, at instant: Date) async throws -> [JournalTransactionID] {
        guard !entries.isEmpty else { return [] }
        guard let head = try await sql.raw("SELECT sequence, hash FROM journal_head WHERE id = \(bind: lane)" + SQLQueryString(forUpdate)).first() else {
            throw DomainError.notFound("journal head \(lane)")
        }
        var sequence = try head.int("sequence")
        var previous = try head.string("hash")
        var chained: [(sequence: Int64, entry: JournalEntry, lines: [JournalChain.Line], previous: String, hash: String)] = []
        for entry in entries {
            sequence += 1
            let lines = entry.storedLines
            let hash = Self.sha256(JournalChain.canonical(
                lane: lane, sequence: sequence, kind: entry.kind.rawValue, reference: entry.reference, actor: actor.name, occurredAt: instant.millis,
                reason: entry.reason, lines: lines, previousHash: previous))
            chained.append((sequence, entry, lines, previous, hash))
            previous = hash
        }
        // 9 parameters an entry, 7 a line: chunks stay far below SQLite's 32 766 parameters.
        var ids: [Int64: Int64] = [:]
        for start in stride(from: 0, to: chained.count, by: 1_000) {
            let rows: [SQLQueryString] = chained[start..<min(start + 1_000, chained.count)].map { link in
                """
                (\(bind: link.entry.kind.rawValue), \(bind: link.entry.reference), \(bind: actor.name), \(bind: instant.millis), \(bind: link.entry.reason), \
                \(bind: lane), \(bind: link.sequence), \(bind: link.previous), \(bind: link.hash))
                """
            }
            for row in try await sql.raw("""
                INSERT INTO journal_transactions (kind, reference, actor, occurred_at, reason, lane, sequence, previous_hash, hash)
                VALUES \(rows.joined(separator: ", ")) RETURNING id, sequence
                """).all() {
                ids[try row.int("sequence")] = try row.int("id")
            }
        }
        // Rows of a multi-row insert come back in no promised order: each id is matched to its entry by its link.
        let entryIDs = try chained.map { try ids[$0.sequence].orThrow("journal_transactions.id") }
        let lines: [SQLQueryString] = zip(entryIDs, chained).flatMap { id, link in
            link.lines.map { line in
                "(\(bind: id), \(bind: line.account), \(bind: line.programme), \(bind: line.place), \(bind: line.funder), \(bind: line.debit), \(bind: line.credit))"
            }
        }
        for start in stride(from: 0, to: lines.count, by: 2_000) {
            try await sql.raw("""
                INSERT INTO journal_lines (transaction_id, account, programme_id, place_id, funder_id, debit_cents, credit_cents)
                VALUES \(lines[start..<min(start + 2_000, lines.count)].joined(separator: ", "))
                """).run()
        }
        try await sql.raw("UPDATE journal_head SET sequence = \(bind: sequence), hash = \(bind: previous) WHERE id = \(bind: lane)").run()
        return entryIDs.map(JournalTransactionID.init)
    }

    static func sha256(_ text: String) -> String { sha256Hex(Data(text.utf8)) }
}

extension JournalEntry {
    /// Its lines as `journal_lines` stores them and the chain hashes them.
    var storedLines: [JournalChain.Line] {
        lines.map { line in
            let (programme, place, funder) = line.account.keys
            return (line.account.code, programme, place, funder, line.debit.cents, line.credit.cents)
        }
    }
}

extension Account {
    /// The account's key columns in `journal_lines`.
    var keys: (programme: Int64?, place: Int64?, funder: Int64?) {
        switch self {
        case .bank, .feeRevenue, .vatPayable, .payoutsInTransit: (nil, nil, nil)
        case .programmeFunds(let programme): (programme.rawValue, nil, nil)
        case .placePayable(let place): (nil, place.rawValue, nil)
        case .funderRefunds(let funder), .funderAdvances(let funder): (nil, nil, funder.rawValue)
        }
    }
}
