import Foundation
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing

/// The journal's public witness: each day's head published once, and `verifyWitnesses` (behind `passnum verify --against`)
/// failing on the first day whose head the rows no longer give.
@Suite("Journal witnesses")
struct JournalWitnessTests {
    /// Three days of activity: the territory on 2 March, hand-outs and validations on 3 and 4 March.
    static func threeDays(_ store: Store, _ clock: ManualClock) async throws {
        let territory = try await Territory.make(store, booklets: 4)
        for _ in 0..<2 {
            clock.advance(seconds: 86_400)
            let serials = try await territory.handOut(store)
            _ = try await store.validate(territory.request(store, [serials[0], serials[1]]))
        }
    }

    @Test("Every day up to yesterday is published once, each day's cut moving forward, and the published list checks out",
          arguments: TestDatabase.allCases)
    func publishOnce(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            try await Self.threeDays(store, clock)
            clock.advance(seconds: 86_400)
            let yesterday = CivilDate(clock.now).adding(days: -1)
            #expect(try await store.publishWitnesses(through: yesterday) == 3)
            #expect(try await store.publishWitnesses(through: yesterday) == 0)
            let witnesses = try await store.witnesses()
            #expect(witnesses.map(\.day.description) == ["2026-03-04", "2026-03-03", "2026-03-02"])
            // Each cut is at or after the one before, lane by lane, and the last one is the journal's head.
            for (later, earlier) in zip(witnesses, witnesses.dropFirst()) {
                #expect(zip(later.sequences, earlier.sequences).allSatisfy { $0 >= $1 })
                #expect(later.hash != earlier.hash)
            }
            let heads = try await store.read { tx in
                try await tx.sql.raw("SELECT sequence FROM journal_head ORDER BY id").all().map { try $0.int("sequence") }
            }
            #expect(witnesses[0].sequences == heads)
            #expect(try await store.witness(atOrBefore: CivilDate("2026-03-03")!)?.day == CivilDate("2026-03-03"))
            #expect(try await store.witness(atOrBefore: CivilDate("2026-03-01")!) == nil)
            #expect(try await store.verifyWitnesses(witnesses.map { ($0.day, $0.hash) }).isEmpty)
            // A new day publishes only itself, from the last cut.
            _ = try await store.validate(try await Territory.anyDistributed(store))
            clock.advance(seconds: 86_400)
            #expect(try await store.publishWitnesses(through: CivilDate(clock.now).adding(days: -1)) == 1)
        }
    }

    @Test("A journal entry changed after publishing fails the check, re-chained or not, naming the first day that differs",
          arguments: TestDatabase.allCases)
    func tamperingAfterPublishing(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            try await Self.threeDays(store, clock)
            clock.advance(seconds: 86_400)
            try await store.publishWitnesses(through: CivilDate(clock.now).adding(days: -1))
            let published = try await store.witnesses().map { ($0.day, $0.hash) }
            #expect(try await store.verifyWitnesses(published).isEmpty)
            // The first redemption (3 March) gets another reference, in place: the chain breaks.
            let entry = try await store.read { tx in
                try await tx.sql.raw("SELECT id, lane FROM journal_transactions WHERE kind = 'redemption' ORDER BY id LIMIT 1").first()
            }
            let id = try #require(try entry?.int("id")), lane = try #require(try entry?.int("lane"))
            try await tamper(store, "UPDATE journal_transactions SET reference = 'checks:rewritten' WHERE id = \(id)")
            let broken = try await store.verifyWitnesses(published)
            #expect(broken.first?.contains("was changed after it was written") == true, "\(broken)")
            // Re-chained from there on, the chain holds again: the published head of 3 March no longer does.
            try await Self.rechain(store, lane: lane)
            #expect(try await store.verify().isEmpty)
            let forged = try await store.verifyWitnesses(published)
            #expect(forged.count == 1 && forged[0].hasPrefix("the journal's head of 2026-03-03 differs"), "\(forged)")
        }
    }

    /// What a forger with write access would do: recompute every hash of `lane` from its rows, as `post` does.
    static func rechain(_ store: Store, lane: Int64) async throws {
        try await store.transaction { tx in
            var previous = JournalChain.genesis
            var last: Int64 = 0
            for row in try await tx.sql.raw("""
                SELECT id, sequence, kind, reference, actor, occurred_at, reason FROM journal_transactions WHERE lane = \(bind: lane) ORDER BY sequence
                """).all() {
                let id = try row.int("id")
                let lines = try await tx.sql.raw("""
                    SELECT account, programme_id, place_id, funder_id, debit_cents, credit_cents FROM journal_lines WHERE transaction_id = \(bind: id) ORDER BY id
                    """).all().map { line in
                    (account: try line.string("account"), programme: try line.optionalInt("programme_id"), place: try line.optionalInt("place_id"),
                     funder: try line.optionalInt("funder_id"), debit: try line.int("debit_cents"), credit: try line.int("credit_cents"))
                }
                last = try row.int("sequence")
                let hash = Transaction.sha256(JournalChain.canonical(
                    lane: lane, sequence: last, kind: try row.string("kind"), reference: try row.string("reference"), actor: try row.string("actor"),
                    occurredAt: try row.int("occurred_at"), reason: try row.optionalString("reason"), lines: lines, previousHash: previous))
                try await tx.sql.raw("UPDATE journal_transactions SET previous_hash = \(bind: previous), hash = \(bind: hash) WHERE id = \(bind: id)").run()
                previous = hash
            }
            try await tx.sql.raw("UPDATE journal_head SET sequence = \(bind: last), hash = \(bind: previous) WHERE id = \(bind: lane)").run()
        }
    }
}

extension Territory {
    /// A validation of one check handed out and not used yet.
    static func anyDistributed(_ store: Store) async throws -> ValidationRequest {
        try await store.read { tx in
            let row = try await tx.sql.raw("""
                SELECT c.id, pl.id AS place FROM checks c, places pl WHERE c.state = 'distributed' ORDER BY c.id, pl.id LIMIT 1
                """).first()
            let id = try #require(try row?.int("id")), place = try #require(try row?.int("place"))
            let serial = try #require(CheckSerial(number: id))
            return ValidationRequest(place: PlaceID(place),
                                     checks: [PresentedCheck(serial: serial.grouped, code: store.secret.securityCode(for: serial).grouped)],
                                     category: .everydayTools, key: UUID().uuidString)
        }
    }
}
