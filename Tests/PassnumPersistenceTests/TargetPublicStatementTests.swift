import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

/// The publics a programme declares, the one a hand-out records on its checks, their tallies and the co-funding
/// statement's split.
@Suite("Target publics: hand-out, tallies, verify and the statement's split")
struct TargetPublicStatementTests {
    static func funderActor(_ funder: FunderID) -> Actor { Actor("financeur@example.fr", organisation: .funder(funder)) }

    /// The tallies of `dimension` for the programme, lanes summed, by code.
    static func tallies(_ store: Store, _ programme: ProgrammeID, _ dimension: TallyDimension) async throws -> [String: Int64] {
        try await store.read { tx in
            var counts: [String: Int64] = [:]
            for row in try await tx.sql.raw("""
                SELECT code, CAST(SUM(checks) AS BIGINT) AS n FROM tallies
                WHERE programme_id = \(bind: programme.rawValue) AND dimension = \(bind: dimension.rawValue) GROUP BY code
                """).all() where try row.int("n") != 0 {
                counts[try row.string("code")] = try row.int("n")
            }
            return counts
        }
    }

    @Test("a programme declares no public by default; its funder sets them, journaled; another funder cannot", arguments: TestDatabase.allCases)
    func declare(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            #expect(try await store.programme(territory.programme).targetPublics.isEmpty)
            try await store.setTargetPublics([.aged60AndOver, .jobSeekers], programme: territory.programme, actor: Self.funderActor(territory.funder))
            #expect(try await store.programme(territory.programme).targetPublics == [.jobSeekers, .aged60AndOver])
            // The same set again changes nothing and journals nothing.
            try await store.setTargetPublics([.jobSeekers, .aged60AndOver], programme: territory.programme, actor: Self.funderActor(territory.funder))
            #expect(try await count(store, """
                SELECT COUNT(*) AS n FROM journal_transactions WHERE kind = 'settings_changed'
                  AND reference = 'programme:\(territory.programme.rawValue):target_publics' AND actor = 'financeur@example.fr'
                  AND reason = 'target publics none -> job_seekers,aged_60_plus'
                """) == 1)
            let other = try await store.createFunder(name: "Autre financeur")
            await #expect(throws: DomainError.notFound("programme \(territory.programme)")) {
                try await store.setTargetPublics([], programme: territory.programme, actor: Self.funderActor(other))
            }
            try await store.setTargetPublics([], programme: territory.programme, actor: Self.funderActor(territory.funder))
            #expect(try await store.programme(territory.programme).targetPublics.isEmpty)
            try await expectInvariantsHold(store)
        }
    }

    @Test("a hand-out stores the ticked public on its checks only, refuses one the programme does not declare, and moves its tallies",
          arguments: TestDatabase.allCases)
    func handOut(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 2)
            let booklets = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 2, actor: .system)
            await #expect(throws: DomainError.invalid(field: .targetPublic, problem: .notAvailable)) {
                try await store.handOut(booklet: booklets[0], checks: 3, to: territory.beneficiary, by: territory.prescriber, targetPublic: .jobSeekers)
            }
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE beneficiary_id IS NOT NULL") == 0)
            try await store.setTargetPublics([.jobSeekers], programme: territory.programme, actor: Self.funderActor(territory.funder))
            await #expect(throws: DomainError.invalid(field: .targetPublic, problem: .notAvailable)) {
                try await store.handOut(booklet: booklets[0], checks: 3, to: territory.beneficiary, by: territory.prescriber, targetPublic: .rsaRecipients)
            }
            let ticked = try await store.handOut(booklet: booklets[0], checks: 3, to: territory.beneficiary, by: territory.prescriber,
                                                 targetPublic: .jobSeekers)
            _ = try await store.handOut(booklet: booklets[1], checks: 2, to: territory.beneficiary, by: territory.prescriber)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE target_public = 'job_seekers'") == 3)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE beneficiary_id IS NOT NULL AND target_public IS NULL") == 2)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE id = \(ticked[0].number) AND target_public = 'job_seekers'") == 1)
            let month = CivilDate(store.clock.now).calendarMonth
            #expect(try await Self.tallies(store, territory.programme, .handedOutPublic) == ["\(month) job_seekers": 3])
            #expect(try await Self.tallies(store, territory.programme, .handedOutMonth) == [month.description: 5])
            try await expectInvariantsHold(store)
        }
    }

    @Test("validation, undo and reversal move the used checks of the public in the same transaction; verify recounts them",
          arguments: TestDatabase.allCases)
    func usedTallies(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            try await store.setTargetPublics([.jobSeekers, .aged60AndOver], programme: territory.programme, actor: Self.funderActor(territory.funder))
            let serials = try await territory.handOut(store, checks: 4, targetPublic: .aged60AndOver)
            let month = CivilDate(store.clock.now).calendarMonth
            let code = "\(month) aged_60_plus"
            _ = try await store.validate(territory.request(store, Array(serials[0..<3])))
            #expect(try await Self.tallies(store, territory.programme, .usedPublic) == [code: 3])
            try await expectInvariantsHold(store)
            try await store.undoValidation(of: serials[0], at: territory.place)
            #expect(try await Self.tallies(store, territory.programme, .usedPublic) == [code: 2])
            try await expectInvariantsHold(store)
            _ = try await store.reverse(serials[1], reason: "validé par erreur", actor: Actor("operateur"))
            #expect(try await Self.tallies(store, territory.programme, .usedPublic) == [code: 1])
            // Handed out stays handed out, whatever became of the checks.
            #expect(try await Self.tallies(store, territory.programme, .handedOutPublic) == [code: 4])
            try await expectInvariantsHold(store)
            // A rebuild from the rows gives the same counters.
            try await store.rebuildTallies()
            #expect(try await Self.tallies(store, territory.programme, .usedPublic) == [code: 1])
            #expect(try await Self.tallies(store, territory.programme, .handedOutPublic) == [code: 4])
        }
    }

    @Test("verify names a drifting counter of a public", arguments: TestDatabase.allCases)
    func drift(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            try await store.setTargetPublics([.aged16To25], programme: territory.programme, actor: Self.funderActor(territory.funder))
            let serials = try await territory.handOut(store, checks: 2, targetPublic: .aged16To25)
            _ = try await store.validate(territory.request(store, [serials[0]]))
            try await expectInvariantsHold(store)
            try await tamper(store, "UPDATE tallies SET checks = checks + 5 WHERE dimension = 'checks_used_public'")
            let violations = try await store.verify()
            #expect(violations.map(\.invariant) == [.maintainedTallies])
            let month = CivilDate(store.clock.now).calendarMonth
            #expect(violations.first?.detail == "programme \(territory.programme.rawValue) checks_used_public \(month) aged_16_25 is 6, the rows say 1")
        }
    }

    @Test("the statement splits the checks handed out and used by public, with the unrecorded rest; the parts add up to the totals",
          arguments: TestDatabase.allCases)
    func statementSplit(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            var terms = Territory.standardTerms
            terms.faceValue = Money(cents: 333)
            let territory = try await Territory.make(store, booklets: 3, terms: terms)
            let funder = Self.funderActor(territory.funder)
            let before = try #require(try await store.coFundingStatement(programme: territory.programme, period: .year(2026), funder: territory.funder))
            #expect(before.publics.isEmpty)
            try await store.setTargetPublics([.jobSeekers, .rsaRecipients], programme: territory.programme, actor: funder)
            let booklets = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 3, actor: .system)
            // March: 4 to a job seeker (3 used), 3 with no public (1 used), 2 to an RSA recipient (none used).
            let seeker = try await store.handOut(booklet: booklets[0], checks: 4, to: territory.beneficiary, by: territory.prescriber,
                                                 targetPublic: .jobSeekers)
            let unknown = try await store.handOut(booklet: booklets[1], checks: 3, to: territory.beneficiary, by: territory.prescriber)
            _ = try await store.handOut(booklet: booklets[2], checks: 2, to: territory.beneficiary, by: territory.prescriber, targetPublic: .rsaRecipients)
            _ = try await store.validate(territory.request(store, Array(seeker[0..<3]) + [unknown[0]]))
            // The public is no longer declared: its checks still count under it.
            try await store.setTargetPublics([.rsaRecipients, .aged60AndOver], programme: territory.programme, actor: funder)
            // April: one more job seeker check used.
            clock.set(try #require(CivilDate("2026-04-10")).start.addingTimeInterval(10 * 3600))
            _ = try await store.validate(territory.request(store, [seeker[3]]))
            try await expectInvariantsHold(store)

            let march = try #require(try await store.coFundingStatement(programme: territory.programme, period: .month(Month(year: 2026, month: 3)!),
                                                                      funder: territory.funder))
            #expect(march.publics.map(\.targetPublic) == [.jobSeekers, .rsaRecipients, .aged60AndOver, nil])
            #expect(march.publics.map(\.handedOut) == [4, 2, 0, 3])
            #expect(march.publics.map(\.used) == [3, 0, 0, 1])
            #expect(march.publics.map(\.usedBasisPoints) == [7_500, 0, 0, 2_500])
            #expect(march.publics.map(\.usedValue.cents) == [999, 0, 0, 333])
            let year = try #require(try await store.coFundingStatement(programme: territory.programme, period: .year(2026), funder: territory.funder))
            #expect(year.publics.map(\.used) == [4, 0, 0, 1])
            // 4 of 5 and 1 of 5: 80 % and 20 %.
            #expect(year.publics.map(\.usedBasisPoints) == [8_000, 0, 0, 2_000])
            // The "not recorded" row is the totals' remainder: the checks with no public, counted from the rows, say it too.
            let unrecorded = try #require(year.publics.last)
            #expect(Int(unrecorded.handedOut) == (try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE beneficiary_id IS NOT NULL AND target_public IS NULL")))
            #expect(Int(unrecorded.used) == (try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE state IN ('redeemed', 'paid') AND target_public IS NULL")))
            for line in [march, year] {
                #expect(line.publics.reduce(0) { $0 + $1.handedOut } == line.handedOut)
                #expect(line.publics.reduce(0) { $0 + $1.used } == line.used)
                #expect(line.publics.reduce(Money.zero) { $0 + $1.usedValue } == line.usedValue)
                #expect(line.publics.reduce(Money.zero) { $0 + $1.handedOutValue } == line.handedOutValue)
                #expect(line.publics.reduce(0) { $0 + $1.usedBasisPoints } == 10_000)
            }
            // The operator's list reads the same split, one statement for the page's counts.
            #expect(try await store.coFundingStatements(period: .year(2026), funder: nil, .first).rows == [year])
        }
    }

    @Test("shares of the used checks always add up to 100 %, whatever the counts (largest remainders)")
    func sharesAddUp() {
        var generator = SplitMix64(seed: 16)
        for _ in 0..<500 {
            let used = (0..<Int.random(in: 1...6, using: &generator)).map { _ in Int.random(in: 0...1_000, using: &generator) }
            let total = used.reduce(0, +)
            let shares = CoFunding.split(Money(cents: total > 0 ? 10_000 : 0), basisPoints: used)
            #expect(shares.reduce(Money.zero, +).cents == (total > 0 ? 10_000 : 0), "\(used)")
        }
    }
}
