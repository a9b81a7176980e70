import Foundation
import PassnumDomain
import SQLKit

/// A published witness: the day, its hash (`JournalWitness.hash`) and the cut's sequences, lanes 0…15.
public struct PublishedWitness: Hashable, Sendable {
    public let day: CivilDate
    public let hash: String
    public let sequences: [Int64]
}

extension Store {
    /// Publishes the witness of every day not yet published up to `through` (yesterday for the daily job), from the day
    /// after the last one published (or the journal's first day). Each lane is walked once from the last cut, a page at a
    /// time: an entry counts for its own day, or for the first day not yet published if it is older (a clock set back),
    /// so that the cuts only move forward. Returns how many days were published; a second run publishes nothing.
    @discardableResult
    public func publishWitnesses(through last: CivilDate) async throws -> Int {
        let now = clock.now.millis
        return try await transaction { tx in
            let previous = try await tx.sql.raw("SELECT day, sequences FROM journal_witnesses ORDER BY day DESC LIMIT 1").first()
            var from: CivilDate
            var cut: [Int64: (sequence: Int64, hash: String)] = [:]
            if let previous {
                let day = try CivilDate(try previous.string("day")).orThrow("journal_witnesses.day")
                from = day.adding(days: 1)
                let sequences = try Self.sequences(try previous.string("sequences"))
                for head in try await tx.journalHeads(atCut: sequences) { cut[head.lane] = (head.sequence, head.hash) }
            } else {
                guard let first = try await tx.sql.raw("""
                    SELECT occurred_at FROM journal_transactions WHERE id = (SELECT MIN(id) FROM journal_transactions)
                    """).first() else { return 0 }
                from = CivilDate(Date(millis: try first.int("occurred_at")))
            }
            guard from <= last else { return 0 }
            // The latest entry of each lane by day, days before `from` counted as `from`.
            var byDay: [CivilDate: [Int64: (sequence: Int64, hash: String)]] = [:]
            let limit = last.adding(days: 1).start.millis
            for lane in 0..<JournalChain.lanes {
                var after = cut[lane]?.sequence ?? 0
                while true {
                    let page = try await tx.sql.raw("""
                        SELECT sequence, hash, occurred_at FROM journal_transactions WHERE lane = \(bind: lane) AND sequence > \(bind: after)
                        ORDER BY sequence LIMIT 5000
                        """).all()
                    for row in page {
                        let at = try row.int("occurred_at")
                        after = try row.int("sequence")
                        guard at < limit else { continue }
                        let day = max(CivilDate(Date(millis: at)), from)
                        byDay[day, default: [:]][lane] = (after, try row.string("hash"))
                    }
                    if page.count < 5000 { break }
                }
            }
            var day = from, published = 0
            while day <= last {
                for (lane, head) in byDay[day] ?? [:] where head.sequence > (cut[lane]?.sequence ?? 0) { cut[lane] = head }
                let witness = JournalWitness(day: day, heads: cut.map { .init(lane: $0.key, sequence: $0.value.sequence, hash: $0.value.hash) })
                let inserted = try await tx.sql.raw("""
                    INSERT INTO journal_witnesses (day, hash, sequences, published_at)
                    VALUES (\(bind: day.description), \(bind: witness.hash), \(bind: witness.sequences), \(bind: now))
                    ON CONFLICT (day) DO NOTHING RETURNING day
                    """).all()
                published += inserted.count
                day = day.adding(days: 1)
            }
            return published
        }
    }

    /// The witnesses published, newest first: `limit` of them, or all (the open-data file: one row a day, a few
    /// thousand over years).
    public func witnesses(limit: Int? = nil) async throws -> [PublishedWitness] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT day, hash, sequences FROM journal_witnesses ORDER BY day DESC\(unsafeRaw: limit.map { " LIMIT \(max(0, $0))" } ?? "")
                """).all().map(PublishedWitness.init)
        }
    }

    /// The latest witness at or before `day` (printed on a document of that day), nil before the first one.
    public func witness(atOrBefore day: CivilDate) async throws -> PublishedWitness? {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT day, hash, sequences FROM journal_witnesses WHERE day <= \(bind: day.description) ORDER BY day DESC LIMIT 1
                """).first().map(PublishedWitness.init)
        }
    }

    /// Checks heads published elsewhere (day, hash) against this database: the chain first (a rewritten entry breaks it
    /// unless the whole lane after it was re-chained), then each day's head recomputed from the entries at the day's cut.
    /// Returns the problems found, the first differing day named first; empty when every day matches.
    public func verifyWitnesses(_ published: [(day: CivilDate, hash: String)]) async throws -> [String] {
        try await snapshot { tx in
            var problems: [String] = []
            if let broken = try await tx.verifyChain() { problems.append(broken.detail) }
            for (day, hash) in published.sorted(by: { $0.day < $1.day }) {
                guard let row = try await tx.sql.raw("SELECT sequences FROM journal_witnesses WHERE day = \(bind: day.description)").first() else {
                    problems.append("the journal's head of \(day) was published but this database has no witness of that day")
                    break
                }
                let sequences = try Self.sequences(try row.string("sequences"))
                let heads = try await tx.journalHeads(atCut: sequences)
                let found = heads.count == sequences.filter({ $0 > 0 }).count ? JournalWitness(day: day, heads: heads).hash : "(entries missing)"
                if found != hash.lowercased() {
                    problems.append("the journal's head of \(day) differs: published \(hash), recomputed \(found)")
                    break
                }
            }
            return problems
        }
    }

    /// "s0 s1 … s15" → the sequences of lanes 0…15.
    static func sequences(_ text: String) throws -> [Int64] {
        let values = text.split(separator: " ").compactMap { Int64($0) }
        guard values.count == Int(JournalChain.lanes) else { throw CorruptValue(column: "journal_witnesses.sequences") }
        return values
    }

    /// The entries at a cut (lanes with sequence 0 have none): a lookup on `journal_transactions_chain` per lane.
    static func atCut(_ sequences: [Int64]) -> SQLQueryString {
        let conditions: [SQLQueryString] = sequences.enumerated().filter { $0.element > 0 }.map {
            "(lane = \(bind: Int64($0.offset)) AND sequence = \(bind: $0.element))"
        }
        return conditions.isEmpty ? "1 = 0" : "(" + conditions.joined(separator: " OR ") + ")"
    }
}

extension Transaction {
    /// Every lane's head now (`journal_head`), in lane order.
    func journalHeads() async throws -> [JournalWitness.LaneHead] {
        try await sql.raw("SELECT id, sequence, hash FROM journal_head ORDER BY id").all().map {
            JournalWitness.LaneHead(lane: try $0.int("id"), sequence: try $0.int("sequence"), hash: try $0.string("hash"))
        }
    }

    /// The entries at a published cut, one for each lane that had one.
    func journalHeads(atCut sequences: [Int64]) async throws -> [JournalWitness.LaneHead] {
        try await sql.raw("SELECT lane, sequence, hash FROM journal_transactions WHERE \(Store.atCut(sequences))").all().map {
            JournalWitness.LaneHead(lane: try $0.int("lane"), sequence: try $0.int("sequence"), hash: try $0.string("hash"))
        }
    }
}

extension PublishedWitness {
    init(_ row: any SQLRow) throws {
        day = try CivilDate(try row.string("day")).orThrow("journal_witnesses.day")
        hash = try row.string("hash")
        sequences = try Store.sequences(try row.string("sequences"))
    }
}
