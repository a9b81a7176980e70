import Foundation
import PassnumDomain
import SQLKit

extension Transaction {
    /// The highest id of a table, 0 when it is empty: bulk inserts number their rows from there, so that rows
    /// written in the same batch can point to each other.
    func maximumID(_ table: String) async throws -> Int64 {
        try await sql.raw("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS n FROM \(ident: table)")
            .first(decodingColumn: "n", as: Int64.self) ?? 0
    }

    /// On PostgreSQL, moves each table's identity sequence past the ids written explicitly, so that the business
    /// operations that insert afterwards get fresh ids. SQLite takes the next rowid by itself.
    func realignIdentities(_ tables: [String]) async throws {
        guard kind == .postgres else { return }
        for table in tables {
            try await sql.raw("""
                SELECT setval(pg_get_serial_sequence(\(bind: table), 'id'), (SELECT MAX(id) FROM \(ident: table)))
                WHERE EXISTS (SELECT 1 FROM \(ident: table))
                """).run()
        }
    }
}

/// Journal entries written in bulk: each is chained exactly as `Transaction.post` chains it (same lanes, sequence
/// numbers, canonical text and SHA-256), computed here in memory and inserted many rows per statement. Only for a
/// database nobody else writes to: the lanes' heads are read once by `load` and written back by `flush`.
struct BulkJournal: Sendable {
    private var heads: [(sequence: Int64, hash: String)]
    private var nextID: Int64
    private var random: SplitMix64
    private var entries: [BulkRow] = []
    private var lines: [BulkRow] = []
    private(set) var written = 0

    static func load(_ tx: Transaction, random: SplitMix64) async throws -> BulkJournal {
        var heads = Array(repeating: (sequence: Int64(0), hash: JournalChain.genesis), count: Int(JournalChain.lanes))
        for row in try await tx.sql.raw("SELECT id, sequence, hash FROM journal_head").all() {
            let lane = Int(try row.int("id"))
            guard heads.indices.contains(lane) else { throw Inconsistency("journal head \(lane) is outside the lanes") }
            heads[lane] = (try row.int("sequence"), try row.string("hash"))
        }
        return BulkJournal(heads: heads, nextID: try await tx.maximumID("journal_transactions") + 1, random: random)
    }

    private init(heads: [(sequence: Int64, hash: String)], nextID: Int64, random: SplitMix64) {
        self.heads = heads
        self.nextID = nextID
        self.random = random
    }

    /// Chains the entry in a lane drawn from the seeded generator (the business operations draw one at random).
    mutating func post(_ entry: JournalEntry, actor: String, at instant: Int64) {
        let lane = Int64(random.next() % UInt64(JournalChain.lanes))
        let head = heads[Int(lane)]
        let sequence = head.sequence + 1
        let entryLines = entry.storedLines
        let hash = Transaction.sha256(JournalChain.canonical(
            lane: lane, sequence: sequence, kind: entry.kind.rawValue, reference: entry.reference, actor: actor, occurredAt: instant,
            reason: entry.reason, lines: entryLines, previousHash: head.hash))
        let id = nextID
        nextID += 1
        entries.append([id, entry.kind.rawValue, entry.reference, actor, instant, entry.reason, lane, sequence, head.hash, hash])
        for line in entryLines {
            lines.append([id, line.account, line.programme, line.place, line.funder, line.debit, line.credit])
        }
        heads[Int(lane)] = (sequence, hash)
    }

    /// Flushes once many entries wait, to keep memory flat over a month of validations.
    mutating func flushIfLarge(_ tx: Transaction) async throws {
        if entries.count >= 20_000 { try await flush(tx) }
    }

    /// Writes the entries posted since the last flush and the lanes' new heads.
    mutating func flush(_ tx: Transaction) async throws {
        try await tx.insertRows("journal_transactions",
                                ["id", "kind", "reference", "actor", "occurred_at", "reason", "lane", "sequence", "previous_hash", "hash"], entries)
        try await tx.insertRows("journal_lines",
                                ["transaction_id", "account", "programme_id", "place_id", "funder_id", "debit_cents", "credit_cents"], lines)
        for (lane, head) in heads.enumerated() {
            try await tx.sql.raw("""
                UPDATE journal_head SET sequence = \(bind: head.sequence), hash = \(bind: head.hash) WHERE id = \(bind: Int64(lane))
                """).run()
        }
        written += entries.count
        entries.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
        try await tx.realignIdentities(["journal_transactions"])
    }
}
