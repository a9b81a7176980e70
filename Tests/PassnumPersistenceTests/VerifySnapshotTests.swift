import Foundation
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing

@Suite("Verify reads one snapshot and records its runs")
struct VerifySnapshotTests {
    @Test("Verify never reports a violation while validations and undos commit around it", arguments: TestDatabase.allCases)
    func consistentUnderLoad(_ database: TestDatabase) async throws {
        try await withStore(database, connections: 8) { store, _ in
            let territory = try await Territory.make(store, booklets: 6)
            var serials: [CheckSerial] = []
            for _ in 0..<6 { serials += try await territory.handOut(store) }
            let checks = serials
            let done = Flag()
            // Writers: each check validated, every third one undone then validated again, six at a time.
            let writers = Task {
                defer { done.set() }
                for chunk in stride(from: 0, to: checks.count, by: 6).map({ Array(checks.enumerated())[$0..<min($0 + 6, checks.count)] }) {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for (index, serial) in chunk {
                            group.addTask {
                                _ = try await store.validate(territory.request(store, [serial]))
                                if index % 3 == 0 {
                                    try await store.undoValidation(of: serial, at: territory.place)
                                    _ = try await store.validate(territory.request(store, [serial]))
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                }
            }
            // The reader: verify over and over until the writers are done (one at a time: on SQLite each holds the
            // file's read lock, which a writer's commit waits for).
            var runs = 0
            var found: [InvariantViolation] = []
            while true {
                let finished = done.value
                found += try await store.verify()
                runs += 1
                if finished { break }
            }
            try await writers.value
            #expect(found.isEmpty, "\(found.prefix(3))")
            #expect(runs >= 2)
            // The writers did commit: every check ends redeemed.
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE state = 'redeemed'") == checks.count)
            try await expectInvariantsHold(store)
        }
    }

    /// Set once, read from any task.
    final class Flag: @unchecked Sendable {
        // @unchecked: `raised` is only read and written under `lock`.
        private let lock = NSLock()
        private var raised = false
        func set() { lock.withLock { raised = true } }
        var value: Bool { lock.withLock { raised } }
    }

    @Test("On PostgreSQL the chain's second connection sees the snapshot the first exported, not what committed since")
    func exportedSnapshot() async throws {
        try await withStore(.postgres) { store, _ in
            _ = try await Territory.make(store, booklets: 2)
            let sum: SQLQueryString = "SELECT CAST(SUM(validated_checks) AS BIGINT) AS n FROM booklets"
            let seen = try await store.snapshot { tx in
                let before = try await tx.sql.raw(sum).first(decodingColumn: "n", as: Int64.self)
                let name = try await tx.sql.raw("SELECT pg_export_snapshot() AS name").first(decodingColumn: "name", as: String.self).orThrow("name")
                // Committed on another connection after the export.
                try await tamper(store, "UPDATE booklets SET validated_checks = validated_checks + 1")
                let shared = try await store.onExportedSnapshot(name) { try await $0.sql.raw(sum).first(decodingColumn: "n", as: Int64.self) }
                let now = try await store.read { try await $0.sql.raw(sum).first(decodingColumn: "n", as: Int64.self) }
                return (before, shared, now)
            }
            #expect(seen.0 == 0 && seen.1 == 0 && seen.2 == 2)
        }
    }

    @Test("Violations come in the invariants' order, the chain's (walked beside the others on PostgreSQL) among them",
          arguments: TestDatabase.allCases)
    func violationsInOrder(_ database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            _ = try await Territory.make(store, booklets: 1)
            try await expectInvariantsHold(store)
            try await tamper(store, "UPDATE journal_transactions SET actor = actor || 'x' WHERE id = (SELECT MAX(id) FROM journal_transactions)")
            try await tamper(store, "UPDATE checks SET state = 'lost' WHERE id = (SELECT MIN(id) FROM checks)")
            let violations = try await store.verify()
            #expect(violations.map(\.invariant) == [.programmeConservation, .tamperEvidentJournal, .maintainedTallies], "\(violations)")
            #expect(violations.first?.detail.contains("unknown state lost") == true)
            #expect(violations.dropFirst().first?.detail.contains("was changed after it was written") == true)
        }
    }

    @Test("Each run is recorded with who ran it, when, and what it found; the last one is read back", arguments: TestDatabase.allCases)
    func recordedRuns(_ database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            #expect(try await store.lastVerifyRun() == nil)
            _ = try await Territory.make(store, booklets: 1)
            let first = try await store.verifyAndRecord(actor: Actor("cli"))
            #expect(first.holds && first.actor == "cli")
            #expect(try await store.lastVerifyRun()?.id == first.id)

            // A tampered journal line: the next run records the violation, its text intact.
            clock.advance(seconds: 3600)
            try await tamper(store, "UPDATE journal_lines SET debit_cents = debit_cents + 1 WHERE id = (SELECT MIN(id) FROM journal_lines WHERE debit_cents > 0)")
            let second = try await store.verifyAndRecord(actor: Actor("operateur@exemple.fr"))
            #expect(!second.holds)
            #expect(second.violations.contains { $0.invariant == .balancedTransactions })
            let last = try #require(try await store.lastVerifyRun())
            #expect(last.id == second.id && last.id > first.id)
            #expect(last.actor == "operateur@exemple.fr")
            #expect(last.finishedAt == clock.now && last.startedAt == clock.now)
            #expect(last.violations.map(\.invariant) == second.violations.map(\.invariant))
            #expect(last.violations.map(\.detail) == second.violations.map(\.detail))
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM verify_runs WHERE outcome = 'violation'") == 1)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM verify_runs WHERE outcome = 'ok'") == 1)
        }
    }

    @Test("A violation's text survives the round trip through the table, tabs and newlines included")
    func violationsText() {
        let violations = [InvariantViolation(.placePayable, "place 3:\tline\nbreak"), InvariantViolation(.tamperEvidentJournal, "lane 2")]
        let back = Store.violations(from: Store.violationsText(violations))
        #expect(back.map(\.invariant) == [.placePayable, .tamperEvidentJournal])
        #expect(back.map(\.detail) == ["place 3: line break", "lane 2"])
        #expect(Store.violations(from: "").isEmpty)
    }
}
