import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

/// The co-funding statement from the tallies' monthly counts, and the diagnostic grid as a programme setting.
@Suite("Co-funding statement and diagnostic grid")
struct CoFundingStatementTests {
    /// 3,33 € checks shared 50/30/20: used values that do not divide evenly.
    static let terms: ProgrammeTerms = {
        var terms = Territory.standardTerms
        terms.faceValue = Money(cents: 333)
        terms.shares = [CoFundingShare(cofunder: "État", percent: 50), CoFundingShare(cofunder: "Département du Nord", percent: 30),
                        CoFundingShare(cofunder: "CAF", percent: 20)]
        return terms
    }()

    @Test("a story's statement counts the checks bought, handed out and used in each period and splits the used value to the cent",
          arguments: TestDatabase.allCases)
    func statementFigures(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            // March: 3 booklets of 10 bought, 7 checks handed out, 3 used.
            let territory = try await Territory.make(store, booklets: 3, terms: Self.terms)
            let march = try await territory.handOut(store, checks: 7)
            _ = try await store.validate(territory.request(store, Array(march[0..<3])))
            // April: 5 more handed out, 3 used (one of March's, two of April's), one more used then undone the same day.
            clock.set(try #require(CivilDate("2026-04-10")).start.addingTimeInterval(10 * 3600))
            let april = try await territory.handOut(store, checks: 5)
            _ = try await store.validate(territory.request(store, [march[3], april[0], april[1]]))
            _ = try await store.validate(territory.request(store, [april[2]]))
            try await store.undoValidation(of: april[2], at: territory.place)
            try await expectInvariantsHold(store)

            func statement(_ text: String) async throws -> CoFundingLine {
                let period = try #require(StatementPeriod(text))
                let line = try await store.coFundingStatement(programme: territory.programme, period: period, funder: territory.funder)
                return try #require(line)
            }
            let inMarch = try await statement("2026-03")
            #expect([inMarch.issued, inMarch.handedOut, inMarch.used] == [30, 7, 3])
            #expect(inMarch.issuedValue == Money(cents: 9_990) && inMarch.usedValue == Money(cents: 999))
            // 999 cents: 499,5 / 299,7 / 199,8 → the two cents left go to the largest remainders (CAF, then the département).
            #expect(inMarch.parts.map(\.amount.cents) == [499, 300, 200])
            #expect(inMarch.parts.map(\.cofunder) == ["État", "Département du Nord", "CAF"])
            let inApril = try await statement("2026-04")
            #expect([inApril.issued, inApril.handedOut, inApril.used] == [0, 5, 3])
            #expect(try await statement("2026-T1").used == 3)
            #expect(try await statement("2026-T2").handedOut == 5)
            #expect(try await statement("2026-05").used == 0)
            let year = try await statement("2026")
            #expect([year.issued, year.handedOut, year.used] == [30, 12, 6])
            // 1998 cents: 999 / 599,4 / 399,6 → the cent left to the CAF.
            #expect(year.parts.map(\.amount.cents) == [999, 599, 400])
            #expect(year.parts.reduce(Money.zero) { $0 + $1.amount } == year.usedValue)

            // Another funder does not see it; the operator sees every programme, one line each.
            let other = try await store.createFunder(name: "CAF du Nord")
            #expect(try await store.coFundingStatement(programme: territory.programme, period: .year(2026), funder: other) == nil)
            let all = try await store.coFundingStatements(period: .year(2026), funder: nil, .first)
            #expect(all.rows == [year])
            #expect(try await store.coFundingStatements(period: .year(2026), funder: other, .first).rows.isEmpty)
        }
    }

    @Test("a statement is sealed by the published witness of its last day, else by the journal's head now", arguments: TestDatabase.allCases)
    func seal(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 1, terms: Self.terms)
            let serials = try await territory.handOut(store, checks: 2)
            let lastDay = try #require(CivilDate("2026-03-31"))
            let current = try await store.journalSeal(endingOn: lastDay)
            #expect(current.day == nil && current.hash.count == 64)
            // A new entry moves the head.
            _ = try await store.validate(territory.request(store, [serials[0]]))
            #expect(try await store.journalSeal(endingOn: lastDay).hash != current.hash)
            clock.set(try #require(CivilDate("2026-04-02")).start.addingTimeInterval(3600))
            try await store.publishWitnesses(through: lastDay)
            let published = try await store.journalSeal(endingOn: lastDay)
            #expect(published.day == lastDay)
            let witness = try await store.witness(atOrBefore: lastDay)
            #expect(published.hash == witness?.hash)
        }
    }
}

@Suite("The diagnostic grid of a programme")
struct DiagnosticGridTests {
    static func funderActor(_ funder: FunderID) -> Actor { Actor("financeur@example.fr", organisation: .funder(funder)) }

    @Test("without a change the standard grid applies; an edited grid changes the level recorded and is journaled",
          arguments: TestDatabase.allCases)
    func editedGridChangesTheLevel(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 2)
            _ = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 1, actor: .system)
            let answers = Array(repeating: Diagnostic.Answer.withHelp, count: Diagnostic.questions.count)
            #expect(try await store.programme(territory.programme).diagnosticGrid == .standard)
            #expect(try await store.recordDiagnostic(beneficiary: territory.beneficiary, prescriber: territory.prescriber, answers: answers) == 2)
            #expect(try await store.diagnosticGridEditable(programme: territory.programme))

            let grid = DiagnosticGrid(ceilings: [2, 4, 19], recommended: [6, 5, 4, 3])
            try await store.setDiagnosticGrid(grid, programme: territory.programme, actor: Self.funderActor(territory.funder))
            #expect(try await store.programme(territory.programme).diagnosticGrid == grid)
            #expect(try await store.diagnosticProgramme(of: territory.prescriber)?.id == territory.programme)
            #expect(try await store.recordDiagnostic(beneficiary: territory.beneficiary, prescriber: territory.prescriber, answers: answers) == 3)
            #expect(try await count(store, """
                SELECT COUNT(*) AS n FROM journal_transactions WHERE kind = 'settings_changed'
                  AND reference = 'programme:\(territory.programme.rawValue):diagnostic_grid' AND actor = 'financeur@example.fr'
                """) == 1)
            try await expectInvariantsHold(store)
        }
    }

    @Test("the grid is refused after the first hand-out, out of bounds, or by another funder", arguments: TestDatabase.allCases)
    func refusals(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            var terms = Territory.standardTerms
            terms.minChecksPerBeneficiary = 2
            terms.maxChecksPerBeneficiary = 8
            let territory = try await Territory.make(store, booklets: 2, terms: terms)
            let owner = Self.funderActor(territory.funder)
            await #expect(throws: DomainError.invalid(field: .recommendedChecks, problem: .outOfRange(min: 2, max: 8))) {
                try await store.setDiagnosticGrid(.standard, programme: territory.programme, actor: owner)
            }
            await #expect(throws: DomainError.invalid(field: .diagnosticThresholds, problem: .notIncreasing)) {
                try await store.setDiagnosticGrid(DiagnosticGrid(ceilings: [8, 6, 15], recommended: [8, 6, 4, 2]), programme: territory.programme, actor: owner)
            }
            let other = try await store.createFunder(name: "Autre financeur")
            await #expect(throws: DomainError.notFound("programme \(territory.programme)")) {
                try await store.setDiagnosticGrid(DiagnosticGrid(ceilings: [5, 10, 15], recommended: [8, 6, 4, 2]), programme: territory.programme,
                                                  actor: Self.funderActor(other))
            }
            let fitting = DiagnosticGrid(ceilings: [5, 10, 15], recommended: [8, 6, 4, 2])
            try await store.setDiagnosticGrid(fitting, programme: territory.programme, actor: owner)
            _ = try await territory.handOut(store, checks: 1)
            #expect(try await store.diagnosticGridEditable(programme: territory.programme) == false)
            await #expect(throws: DomainError.self) {
                try await store.setDiagnosticGrid(DiagnosticGrid(ceilings: [4, 10, 15], recommended: [8, 6, 4, 2]), programme: territory.programme, actor: owner)
            }
            #expect(try await store.programme(territory.programme).diagnosticGrid == fitting)
        }
    }
}
