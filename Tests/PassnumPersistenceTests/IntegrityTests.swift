import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Invariants, concurrency and opening the store")
struct IntegrityTests {
    /// A territory with money everywhere: payment, redemptions, a payout, an expiry.
    static func busyTerritory(_ store: Store, _ clock: ManualClock) async throws -> (Territory, [CheckSerial]) {
        let territory = try await Territory.make(store, booklets: 3)
        let serials = try await territory.handOut(store)
        #expect(try await store.validate(territory.request(store, Array(serials.prefix(3)))).accepted)
        clock.set(CivilDate("2026-04-02")!.start)
        #expect(try await store.validate(territory.request(store, [serials[3]])).accepted)
        _ = try await store.runPayouts(for: Month("2026-03")!)
        return (territory, serials)
    }

    @Test("verify names the invariant a row edited in SQL breaks", arguments: TestDatabase.allCases, [
        ("UPDATE journal_lines SET debit_cents = debit_cents + 1 WHERE id = (SELECT MIN(id) FROM journal_lines WHERE debit_cents > 0)",
         LedgerInvariant.balancedTransactions),
        ("DELETE FROM checks WHERE id = (SELECT MAX(id) FROM checks)", .programmeConservation),
        ("UPDATE checks SET state = 'voided' WHERE id = (SELECT MIN(id) FROM checks WHERE state = 'redeemed')", .programmeConservation),
        ("UPDATE journal_lines SET credit_cents = 500 WHERE account = 'place_payable' AND id = (SELECT MAX(id) FROM journal_lines WHERE account = 'place_payable')",
         .balancedTransactions),
        ("UPDATE orders SET fee_cents = 100", .funderMoney),
        ("UPDATE booklets SET order_id = 999 WHERE id = (SELECT MAX(id) FROM booklets)", .programmeConservation),
        ("UPDATE checks SET beneficiary_id = 999 WHERE id = (SELECT MIN(id) FROM checks WHERE beneficiary_id IS NOT NULL)",
         .programmeConservation),
        ("UPDATE redemptions SET undone_at = 1 WHERE id = (SELECT MIN(id) FROM redemptions)", .redeemedAtMostOnce),
    ])
    func verifyCatchesTampering(database: TestDatabase, tampering: (String, LedgerInvariant)) async throws {
        try await withStore(database) { store, clock in
            _ = try await Self.busyTerritory(store, clock)
            try await expectInvariantsHold(store)
            if tampering.0.hasPrefix("DELETE FROM checks") {
                // The row is referenced by nothing yet (the last check of the last booklet is in stock).
                #expect(try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE id = (SELECT MAX(id) FROM checks) AND state = 'issued'") == 1)
            }
            try await tamper(store, tampering.0)
            let violations = try await store.verify()
            #expect(violations.first?.invariant == tampering.1, "\(violations)")
        }
    }

    @Test("verify names the first broken link when an old journal entry is edited or the last one removed", arguments: TestDatabase.allCases)
    func verifyCatchesBrokenChain(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            _ = try await Self.busyTerritory(store, clock)
            try await expectInvariantsHold(store)
            let entries = try await count(store, "SELECT COUNT(*) AS n FROM journal_transactions")
            #expect(entries > 5)
            let old = try await count(store, "SELECT MIN(id) + 1 AS n FROM journal_transactions")
            let actor = try await store.read { tx in
                try await tx.sql.raw("SELECT actor FROM journal_transactions WHERE id = \(bind: Int64(old))").first(decodingColumn: "actor", as: String.self)
            } ?? ""
            try await tamper(store, "UPDATE journal_transactions SET actor = 'quelqu''un d''autre' WHERE id = \(old)")
            var violations = try await store.verify()
            #expect(violations.map(\.invariant) == [.tamperEvidentJournal])
            #expect(violations.first?.detail.hasPrefix("journal entry \(old) ") == true, "\(violations)")
            // Putting the original value back mends the link: the chain is checked, not stored verdicts.
            try await tamper(store, "UPDATE journal_transactions SET actor = '\(actor.replacingOccurrences(of: "'", with: "''"))' WHERE id = \(old)")
            #expect(try await store.verify().isEmpty)
            let last = try await count(store, "SELECT MAX(id) AS n FROM journal_transactions")
            try await tamper(store, "DELETE FROM journal_lines WHERE transaction_id = \(last)")
            try await tamper(store, "DELETE FROM journal_transactions WHERE id = \(last)")
            violations = try await store.verify()
            #expect(violations.contains { $0.invariant == .tamperEvidentJournal && $0.detail.contains("removed") }, "\(violations)")
        }
    }

    @Test("Decisions on places and new accounts are in the journal with actor and reason", arguments: TestDatabase.allCases)
    func decisionsAreJournaled(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            try await store.changePlaceState(territory.place, to: .suspended, reason: "Contrôle sur place", actor: Actor("operateur@example.fr"))
            try await store.createUser(email: "agent@example.fr", name: "Agent", passwordHash: "x", role: .placeAgent,
                                       organisation: .place(territory.place), actor: Actor("operateur@example.fr"))
            let rows = try await store.read { tx in
                try await tx.sql.raw("""
                    SELECT kind, actor, reason FROM journal_transactions WHERE kind IN ('place_decision', 'account_created') ORDER BY id DESC LIMIT 2
                    """).all().map { (try $0.string("kind"), try $0.string("actor"), try $0.optionalString("reason")) }
            }
            #expect(rows.map(\.0) == ["account_created", "place_decision"])
            #expect(rows.map(\.1) == ["operateur@example.fr", "operateur@example.fr"])
            #expect(rows[1].2 == "Contrôle sur place")
            try await expectInvariantsHold(store)
        }
    }

    @Test("verify catches a redeemed check whose payable was never recorded", arguments: TestDatabase.allCases)
    func verifyCatchesUnrecordedRedemption(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let (territory, serials) = try await Self.busyTerritory(store, clock)
            try await tamper(store, "UPDATE checks SET state = 'redeemed', place_id = \(territory.place), redeemed_at = 0 WHERE id = \(serials[8].number)")
            let violations = try await store.verify()
            // The check's state also moved behind the tallies' back: they no longer match the rows either.
            #expect(violations.map(\.invariant) == [.programmeConservation, .placePayable, .redeemedAtMostOnce, .maintainedTallies])
        }
    }

    @Test("50 concurrent validations of one check: exactly one succeeds, 49 are told it is already used", arguments: TestDatabase.allCases)
    func concurrentValidations(database: TestDatabase) async throws {
        try await withStore(database, connections: 8) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let serial = try await territory.handOut(store)[0]
            let outcomes = try await concurrently(50) { attempt in
                try await store.validate(territory.request(store, [serial], key: "concurrent-\(attempt)"))
            }
            #expect(outcomes.filter(\.accepted).count == 1)
            #expect(outcomes.filter { $0.items.first?.refusal == .alreadyRedeemed }.count == 49)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM redemptions") == 1)
            try await expectInvariantsHold(store)
        }
    }

    @Test("50 concurrent requests with the same key redeem once and all get the same answer", arguments: TestDatabase.allCases)
    func concurrentSameKey(database: TestDatabase) async throws {
        try await withStore(database, connections: 8) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let serials = try await territory.handOut(store)
            let request = territory.request(store, [serials[0], serials[1]], key: "same-key")
            let outcomes = try await concurrently(50) { _ in try await store.validate(request) }
            #expect(outcomes.allSatisfy { $0 == outcomes[0] && $0.accepted })
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM redemptions") == 2)
            try await expectInvariantsHold(store)
        }
    }

    @Test("50 concurrent payout runs for one month make one payout per place", arguments: TestDatabase.allCases)
    func concurrentPayoutRuns(database: TestDatabase) async throws {
        try await withStore(database, connections: 8) { store, clock in
            let territory = try await Territory.make(store, booklets: 2)
            let second = try await territory.place(store)
            let serials = try await territory.handOut(store)
            #expect(try await store.validate(territory.request(store, Array(serials.prefix(4)))).accepted)
            #expect(try await store.validate(territory.request(store, Array(serials[4...6]), at: second)).accepted)
            clock.set(CivilDate("2026-04-01")!.start.addingTimeInterval(3600))
            let runs = try await concurrently(50) { _ in try await store.runPayouts(for: Month("2026-03")!) }
            #expect(runs.filter(\.ran).count == 1)
            #expect(runs.allSatisfy { $0.payouts == 2 && $0.checks == 7 && $0.total == Money(cents: 7000) })
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM payouts") == 2)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM journal_transactions WHERE kind = 'payout'") == 2)
            try await expectInvariantsHold(store)
        }
    }

    @Test("Opening on an unwritable data directory says so")
    func unwritableDataDirectory() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-not-a-dir-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        await #expect {
            try await Store.open(StoreConfiguration(dataDirectory: file.appendingPathComponent("data")))
        } throws: { error in
            guard case StoreError.dataDirectoryNotWritable = error else { return false }
            return "\(error)".contains("cannot be written")
        }
    }

    @Test("A malformed DATABASE_URL is refused with an example of the right form", arguments: [
        "mysql://user@localhost/db", "postgres://localhost/db", "postgres://user@/db", "postgres://user@localhost", "not a url",
    ])
    func badDatabaseURL(url: String) throws {
        #expect {
            try StoreConfiguration.fromEnvironment(dataDirectory: "/tmp/x", environment: ["DATABASE_URL": url])
        } throws: { error in
            guard case StoreError.badDatabaseURL(let message) = error else { return false }
            return message.contains("DATABASE_URL")
        }
    }

    @Test("PASSNUM_DB_CONNECTIONS_PER_LOOP sets the pool, within 1 to 64, and says its bounds when out of them")
    func connectionsPerLoop() throws {
        #expect(try StoreConfiguration.fromEnvironment(dataDirectory: "/tmp/x", environment: [:]).connectionsPerEventLoop == 4)
        #expect(try StoreConfiguration.fromEnvironment(dataDirectory: "/tmp/x", environment: ["PASSNUM_DB_CONNECTIONS_PER_LOOP": "2"])
            .connectionsPerEventLoop == 2)
        for bad in ["0", "65", "-1", "two", "4.5"] {
            #expect {
                try StoreConfiguration.fromEnvironment(dataDirectory: "/tmp/x", environment: ["PASSNUM_DB_CONNECTIONS_PER_LOOP": bad])
            } throws: { error in
                guard case StoreError.badSetting(let message) = error else { return false }
                return message.contains("PASSNUM_DB_CONNECTIONS_PER_LOOP") && message.contains("1 to 64")
            }
        }
    }

    @Test("An unreachable PostgreSQL is reported as such, with the password hidden")
    func unreachableDatabase() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        await #expect {
            try await Store.open(StoreConfiguration(
                dataDirectory: directory, location: .postgres(url: "postgres://passnum:hunter2@127.0.0.1:1/passnum?tlsmode=disable")))
        } throws: { error in
            guard case StoreError.databaseUnreachable(let location, _) = error else { return false }
            return location.contains("127.0.0.1") && !"\(error)".contains("hunter2")
        }
    }

    @Test("The installation secret is created once, private, and reused")
    func secretPersists() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try await Store.open(StoreConfiguration(dataDirectory: directory))
        let serial = CheckSerial(number: 10_000_000_001)!
        let code = first.secret.securityCode(for: serial)
        await first.close()
        let path = directory.appendingPathComponent(StoreConfiguration.secretFileName).path
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let second = try await Store.open(StoreConfiguration(dataDirectory: directory))
        #expect(second.secret.securityCode(for: serial) == code)
        await second.close()
        // A different secret next to the same database is refused: its codes would not match the printed ones.
        try Data(repeating: 7, count: 32).write(to: URL(fileURLWithPath: path))
        await #expect(throws: StoreError.self) { try await Store.open(StoreConfiguration(dataDirectory: directory)) }
    }
}
