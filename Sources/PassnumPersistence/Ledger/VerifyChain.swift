import FluentPostgresDriver
import Foundation
import PassnumDomain
import SQLKit

extension Transaction {
    /// The first broken link, walking each lane in order, or nil when every entry's hash matches its content
    /// and the previous entry's hash, and every lane's head matches its last entry.
    func verifyChain() async throws -> InvariantViolation? {
        for lane in 0..<JournalChain.lanes {
            if let violation = try await verifyLane(lane) { return violation }
        }
        if let unchained = try await sql.raw("""
            SELECT id FROM journal_transactions WHERE sequence IS NULL OR lane IS NULL OR lane < 0 OR lane >= \(bind: JournalChain.lanes) ORDER BY id LIMIT 1
            """).first() {
            return InvariantViolation(.tamperEvidentJournal, "journal entry id \(try unchained.int("id")) is outside the chain")
        }
        return nil
    }

    private func verifyLane(_ lane: Int64) async throws -> InvariantViolation? {
        var previous = JournalChain.genesis
        var expected: Int64 = 1
        var page = try await chainPage(lane: lane, from: expected)
        while let last = page.last {
            // The next page is read while this one is hashed: the database's time and the hashing overlap. A short page
            // was the lane's last.
            let more = page.count == Self.chainPageSize
            async let following = more ? chainPage(lane: lane, from: last.sequence + 1) : []
            for entry in page {
                let name = "journal entry \(entry.id) (lane \(lane), link \(entry.sequence))"
                guard entry.sequence == expected else {
                    return InvariantViolation(.tamperEvidentJournal, "lane \(lane): link \(expected) is missing (the next is \(entry.sequence))")
                }
                guard entry.previousHash == previous else {
                    return InvariantViolation(.tamperEvidentJournal, "\(name) does not follow the link before it: the chain is broken")
                }
                let hash = Self.sha256(JournalChain.canonical(
                    lane: lane, sequence: entry.sequence, kind: entry.kind, reference: entry.reference, actor: entry.actor,
                    occurredAt: entry.occurredAt, reason: entry.reason, lines: entry.lines, previousHash: previous))
                guard entry.hash == hash else {
                    return InvariantViolation(.tamperEvidentJournal, "\(name) was changed after it was written: its hash does not match")
                }
                previous = hash
                expected += 1
            }
            page = try await following
        }
        if let head = try await sql.raw("SELECT sequence, hash FROM journal_head WHERE id = \(bind: lane)").first(),
           try head.int("sequence") != expected - 1 || head.string("hash") != previous {
            return InvariantViolation(.tamperEvidentJournal,
                                      "lane \(lane): its last entries were removed (the head says link \(try head.int("sequence")), the chain ends at \(expected - 1))")
        }
        return nil
    }

    /// Up to `chainPageSize` entries of a lane from link `sequence` on, each with its lines in id order: one statement (the
    /// entries on the index `journal_transactions_chain`, their lines on `journal_lines_transaction`), memory bounded by the
    /// page whatever the journal's size. On PostgreSQL a prepared statement whose cells are decoded by position, an
    /// entry's once, not on each of its lines' rows: read by column name through `SQLRow`, the decoding took half of
    /// the walk's time.
    private func chainPage(lane: Int64, from sequence: Int64) async throws -> [ChainEntry] {
        if let postgres {
            return try ChainEntry.grouped(try await postgres.execute(ChainPage(lane: lane, sequence: sequence)).map { $0.makeRandomAccess() },
                id: { try $0[0].decode(Int64.self) },
                entry: { row, id in
                    ChainEntry(id: id, sequence: try row[1].decode(Int64.self), kind: try row[2].decode(String.self),
                               reference: try row[3].decode(String.self), actor: try row[4].decode(String.self),
                               occurredAt: try row[5].decode(Int64.self), reason: try row[6].decode(String?.self),
                               previousHash: try row[7].decode(String?.self), hash: try row[8].decode(String?.self), lines: [])
                },
                line: { row in
                    guard let account = try row[9].decode(String?.self) else { return nil }
                    return (account, try row[10].decode(Int64?.self), try row[11].decode(Int64?.self), try row[12].decode(Int64?.self),
                            try row[13].decode(Int64.self), try row[14].decode(Int64.self))
                })
        }
        // Both are numbers this walk computed: written into the text as they are.
        return try ChainEntry.grouped(try await sql.raw(SQLQueryString(ChainPage.text(lane: String(lane), sequence: String(sequence)))).all(),
            id: { try $0.int("id") },
            entry: { row, id in
                ChainEntry(id: id, sequence: try row.int("sequence"), kind: try row.string("kind"), reference: try row.string("reference"),
                           actor: try row.string("actor"), occurredAt: try row.int("occurred_at"), reason: try row.optionalString("reason"),
                           previousHash: try row.optionalString("previous_hash"), hash: try row.optionalString("hash"), lines: [])
            },
            line: { row in
                guard let account = try row.optionalString("account") else { return nil }
                return (account, try row.optionalInt("programme_id"), try row.optionalInt("place_id"), try row.optionalInt("funder_id"),
                        try row.int("debit_cents"), try row.int("credit_cents"))
            })
    }

    static let chainPageSize = 2_000
}

/// The statement of `chainPage`: an entry's columns, then one of its lines' (none for an event), a row per line.
private struct ChainPage: PostgresPreparedStatement {
    static func text(lane: String, sequence: String) -> String {
        """
        SELECT t.id, t.sequence, t.kind, t.reference, t.actor, t.occurred_at, t.reason, t.previous_hash, t.hash,
          l.account, l.programme_id, l.place_id, l.funder_id, l.debit_cents, l.credit_cents
        FROM (SELECT id, sequence, kind, reference, actor, occurred_at, reason, previous_hash, hash FROM journal_transactions
              WHERE lane = \(lane) AND sequence >= \(sequence) ORDER BY sequence LIMIT \(Transaction.chainPageSize)) t
        LEFT JOIN journal_lines l ON l.transaction_id = t.id
        ORDER BY t.sequence, l.id
        """
    }
    static let sql = text(lane: "$1", sequence: "$2")
    static let bindingDataTypes: [PostgresDataType] = [.int8, .int8]
    let lane: Int64
    let sequence: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(lane)
        bindings.append(sequence)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// One journal entry as the chain walk reads it.
private struct ChainEntry: Sendable {
    let id: Int64
    let sequence: Int64
    let kind: String
    let reference: String
    let actor: String
    let occurredAt: Int64
    let reason: String?
    let previousHash: String?
    let hash: String?
    var lines: [JournalChain.Line]

    /// The entries of a page's rows, in order: a row per line (one without a line for an event), the entry's columns read
    /// on its first row only.
    static func grouped<Row>(_ rows: [Row], id: (Row) throws -> Int64, entry: (Row, Int64) throws -> ChainEntry,
                             line: (Row) throws -> JournalChain.Line?) throws -> [ChainEntry] {
        var entries: [ChainEntry] = []
        for row in rows {
            let id = try id(row)
            if entries.last?.id != id { entries.append(try entry(row, id)) }
            if let line = try line(row) { entries[entries.count - 1].lines.append(line) }
        }
        return entries
    }
}
