import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

/// People reached by a funder's programmes: counted once per programme at the first hand-out, with the commune, age and
/// level of that day, from maintained counters that `verify` recounts.
@Suite("People reached: the funder's report")
struct PeopleReachedTests {
    static let march = Month("2026-03")!, april = Month("2026-04")!, may = Month("2026-05")!

    /// Another person of the territory's prescriber.
    static func person(_ store: Store, _ territory: Territory, birthYear: Int?, commune: String) async throws -> BeneficiaryID {
        try await store.createBeneficiary(NewBeneficiary(firstName: "Jean", lastName: "Dupont", birthYear: birthYear, commune: CommuneCode(commune)!,
                                                         consentDate: CivilDate(store.clock.now)), prescriber: territory.prescriber)
    }

    /// The three breakdowns as text, for one comparison.
    static func breakdowns(_ report: FunderReport?) -> [String] {
        guard let report else { return ["no report"] }
        return report.byCommune.map { "commune \($0.key) \($0.people)" } + report.byAge.map { "age \($0.key.rawValue) \($0.people)" }
            + report.byLevel.map { "level \($0.key) \($0.people)" }
    }

    @Test("A second hand-out of the same programme counts the person once, in the month, commune, age and level of the first", arguments: TestDatabase.allCases)
    func firstHandOutCounts(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store)
            // Marie, born 1950, in Lille, no diagnostic yet: 2 checks in March.
            _ = try await territory.handOut(store, checks: 2)
            // Her level is recorded, and she gets more checks in April: still one person, as in March.
            try await store.recordDiagnostic(beneficiary: territory.beneficiary, prescriber: territory.prescriber, level: 3)
            clock.set(Self.april.firstDay.start.addingTimeInterval(12 * 3600))
            _ = try await territory.handOut(store, checks: 3)
            // Jean, born 2000, in Arras, level 2, first served in April.
            let jean = try await Self.person(store, territory, birthYear: 2000, commune: "62041")
            try await store.recordDiagnostic(beneficiary: jean, prescriber: territory.prescriber, level: 2)
            try await territory.handOut(store, checks: 2, to: jean)

            let whole = try await store.funderReport(of: territory.funder, from: Self.march, to: Self.april)
            #expect(whole?.people == 2)
            #expect(Self.breakdowns(whole) == ["commune 59350 1", "commune 62041 1", "age 25-44 1", "age 65+ 1", "level  1", "level 2 1"])
            #expect(whole?.byMonth.map(\.handedOut) == [2, 5] && whole?.handedOut == 7)
            let april = try await store.funderReport(of: territory.funder, from: Self.april, to: Self.april)
            #expect(Self.breakdowns(april) == ["commune 62041 1", "age 25-44 1", "level 2 1"], "Marie was reached in March")
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM reach_marks") == 2)
            try await expectInvariantsHold(store)
        }
    }

    @Test("The report's checks, period and programme filters, and another funder's programme refused", arguments: TestDatabase.allCases)
    func figuresAndFilters(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store)
            var terms = Territory.standardTerms
            terms.name = "Pass numérique Nord 2"
            terms.validFrom = CivilDate("2026-04-01")!
            let second = try await store.createProgramme(funder: territory.funder, terms: terms)
            try await store.setQuota(programme: second, prescriber: territory.prescriber, booklets: 10, actor: .system)
            try await store.carry(try await store.createOrder(programme: second, booklets: 2, actor: .system), to: .fulfilled)
            let serials = try await territory.handOut(store, checks: 4)
            _ = try await store.validate(territory.request(store, Array(serials.prefix(3))))
            clock.set(Self.may.firstDay.start.addingTimeInterval(12 * 3600))
            try await territory.handOut(store, checks: 5, programme: second)

            let all = try #require(try await store.funderReport(of: territory.funder))
            // From the first programme's start to this month, every month listed.
            #expect(all.months == Self.march...Self.may && all.byMonth.map(\.month) == [Self.march, Self.april, Self.may])
            #expect(all.byMonth.map(\.handedOut) == [4, 0, 5] && all.byMonth.map(\.used) == [3, 0, 0])
            #expect(all.used == 3 && all.amount == territory.terms.faceValue * 3)
            #expect(all.people == 2, "one person, reached by two programmes, counts in each")
            #expect(all.programmes.map(\.id) == [second, territory.programme])

            let first = try #require(try await store.funderReport(of: territory.funder, programme: territory.programme))
            #expect(first.handedOut == 4 && first.people == 1 && first.months == Self.march...Self.may)
            let secondOnly = try #require(try await store.funderReport(of: territory.funder, programme: second))
            #expect(secondOnly.months == Self.april...Self.may, "the chart starts at the programme's start")
            #expect(secondOnly.handedOut == 5 && secondOnly.used == 0 && secondOnly.people == 1)
            let may = try #require(try await store.funderReport(of: territory.funder, from: Self.may))
            #expect(may.byMonth.count == 1 && may.handedOut == 5 && Self.breakdowns(may) == ["commune 59350 1", "age 65+ 1", "level  1"])

            let other = try await store.createFunder(name: "Région")
            #expect(try await store.funderReport(of: other, programme: territory.programme) == nil)
            #expect(try await store.funderReport(of: other)?.handedOut == 0)
        }
    }

    @Test("verify names a drifting reach counter and a missing mark; a rebuild mends both", arguments: TestDatabase.allCases)
    func verifyNamesDrift(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store)
            _ = try await territory.handOut(store, checks: 2)
            try await expectInvariantsHold(store)
            let programme = territory.programme.rawValue
            try await tamper(store, "UPDATE tallies SET checks = checks + 1 WHERE dimension = 'reach_age' AND programme_id = \(programme)")
            var violations = try await store.verify()
            #expect(violations.map(\.invariant) == [.maintainedTallies])
            #expect(violations.first?.detail.contains("programme \(programme) reach_age 2026-03 65+ is 2, the rows say 1") == true, "\(violations)")
            try await store.rebuildTallies()
            try await expectInvariantsHold(store)

            try await tamper(store, "DELETE FROM reach_marks")
            violations = try await store.verify()
            #expect(violations.first?.detail.contains("programme \(programme) beneficiary \(territory.beneficiary.rawValue) holds checks but has no reach mark") == true,
                    "\(violations)")
            try await store.rebuildTallies()
            try await expectInvariantsHold(store)
            #expect(try await store.funderReport(of: territory.funder)?.people == 1)
        }
    }

    @Test("The migration's fill gives the marks and counters the hand-outs kept, and keeps marks that exist", arguments: TestDatabase.allCases)
    func refillEqualsMaintained(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store)
            _ = try await territory.handOut(store, checks: 2)
            clock.set(Self.april.firstDay.start.addingTimeInterval(12 * 3600))
            let jean = try await Self.person(store, territory, birthYear: nil, commune: "62041")
            try await territory.handOut(store, checks: 2, to: jean)
            // Marie's level is recorded after her first hand-out: her mark keeps "no diagnostic".
            try await store.recordDiagnostic(beneficiary: territory.beneficiary, prescriber: territory.prescriber, level: 4)
            let kept = Self.breakdowns(try await store.funderReport(of: territory.funder, from: Self.march))
            try await store.transaction { tx in
                try await tx.sql.raw("DELETE FROM reach_marks WHERE beneficiary_id = \(bind: jean.rawValue)").run()
                try await tx.sql.raw("DELETE FROM tallies WHERE dimension IN (\(binds: TallyDimension.reach.map(\.rawValue)))").run()
                try await tx.refillReachMarks()
                try await tx.refillTallies(TallyDimension.reach)
            }
            #expect(Self.breakdowns(try await store.funderReport(of: territory.funder, from: Self.march)) == kept)
            #expect(kept.contains("age  1") && kept.contains("level  2"))
            try await expectInvariantsHold(store)
        }
    }

    @Test("Pseudonymising the people changes no count", arguments: TestDatabase.allCases)
    func erasureKeepsCounts(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store)
            _ = try await territory.handOut(store, checks: 2)
            let before = Self.breakdowns(try await store.funderReport(of: territory.funder, from: Self.march, to: Self.march))
            let later = CivilDate("2029-01-15")!.start
            #expect(try await store.purgePersonalData(now: later) == 1)
            #expect(Self.breakdowns(try await store.funderReport(of: territory.funder, from: Self.march, to: Self.march)) == before)
            try await expectInvariantsHold(store)
        }
    }

    @Test("Concurrent hand-outs of two booklets to one person count them once", arguments: TestDatabase.allCases)
    func concurrentFirstHandOuts(database: TestDatabase) async throws {
        try await withStore(database, connections: 8) { store, _ in
            let territory = try await Territory.make(store)
            let booklets = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 4, actor: .system)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for booklet in booklets {
                    group.addTask { _ = try await store.handOut(booklet: booklet, checks: 1, to: territory.beneficiary, by: territory.prescriber) }
                }
                try await group.waitForAll()
            }
            let report = try await store.funderReport(of: territory.funder, from: Self.march)
            #expect(report?.people == 1 && report?.handedOut == 4)
            try await expectInvariantsHold(store)
        }
    }

    @Test("The report runs as many statements on a small and on a larger territory", arguments: TestDatabase.allCases)
    func statementCountDoesNotGrow(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store)
            _ = try await territory.handOut(store, checks: 2)
            func statements() async throws -> Int {
                let before = store.statementsExecuted
                _ = try await store.funderReport(of: territory.funder)
                return store.statementsExecuted - before
            }
            let small = try await statements()
            for (index, commune) in ["62041", "59009", "59183"].enumerated() {
                clock.advance(seconds: 25 * 86_400)
                let person = try await Self.person(store, territory, birthYear: 1960 + index * 20, commune: commune)
                try await territory.handOut(store, checks: 2, to: person)
            }
            #expect(try await store.funderReport(of: territory.funder)?.byCommune.count == 4)
            #expect(try await statements() == small)
        }
    }

    @Test("The report names the communes the platform knows, in the statement that reads their counters", arguments: TestDatabase.allCases)
    func communeNames(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store)
            _ = try await territory.handOut(store, checks: 2)
            let jean = try await Self.person(store, territory, birthYear: 2000, commune: "62041")
            try await territory.handOut(store, checks: 2, to: jean)
            try await tamper(store, "INSERT INTO communes (code, name, name_key) VALUES ('62041', 'Arras', 'arras'), ('2', 'Pas une commune', 'pasunecommune')")
            try await tamper(store, "INSERT INTO communes (code, name, name_key) VALUES ('59350', NULL, NULL) ON CONFLICT (code) DO NOTHING")
            let before = store.statementsExecuted
            let report = try #require(try await store.funderReport(of: territory.funder, from: Self.march))
            #expect(store.statementsExecuted - before == 5)
            #expect(report.communeNames == ["62041": "Arras"], "a code without a name, and the other breakdowns' keys, name nothing")
            #expect(Self.breakdowns(report) == ["commune 59350 1", "commune 62041 1", "age 25-44 1", "age 65+ 1", "level  2"])
        }
    }
}
