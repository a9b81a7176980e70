import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

/// Heavy operations stay bounded: what a payout run sends to the database does not grow with what it pays.
@Suite("Payout runs at scale")
struct PayoutScaleTests {
    /// March at `places` paid places (plus one held back, without verified bank details), each validating `checks`
    /// checks; the statements the run for March sent, and its result.
    static func marchRun(_ database: TestDatabase, places: Int, checks: Int) async throws -> (statements: Int, run: PayoutRunResult) {
        var outcome: (statements: Int, run: PayoutRunResult)?
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: places + 1)
            var paid = [territory.place]
            for _ in 1..<places { paid.append(try await territory.place(store)) }
            let unverified = try await store.createPlace(NewPlace(name: "Sans RIB vérifié", commune: CommuneCode("59350")!, postcode: "59000",
                                                                  bank: Territory.bank("Sans RIB vérifié")))
            try await store.changePlaceState(unverified, to: .qualified)
            try await store.requestAffiliation(place: unverified, funder: territory.funder)
            try await store.decideAffiliation(place: unverified, funder: territory.funder, approve: true)
            for place in paid + [unverified] {
                let serials = try await territory.handOut(store)
                #expect(try await store.validate(territory.request(store, Array(serials.prefix(checks)), at: place)).accepted)
            }
            clock.set(CivilDate("2026-04-02")!.start.addingTimeInterval(3600 * 9))
            let before = store.statementsExecuted
            let run = try await store.runPayouts(for: Month("2026-03")!)
            outcome = (store.statementsExecuted - before, run)
            try await expectInvariantsHold(store)
        }
        return try #require(outcome)
    }

    @Test("A payout run sends as many statements for one check a place as for eight, and for two places as for five",
          arguments: TestDatabase.allCases)
    func statementsDoNotGrowWithTheRun(database: TestDatabase) async throws {
        let few = try await Self.marchRun(database, places: 2, checks: 1)
        let moreChecks = try await Self.marchRun(database, places: 2, checks: 8)
        let morePlaces = try await Self.marchRun(database, places: 5, checks: 8)
        #expect(few.run.payouts == 2 && few.run.checks == 2 && few.run.heldBack.map(\.checks) == [1])
        #expect(moreChecks.run.payouts == 2 && moreChecks.run.checks == 16 && moreChecks.run.heldBack.map(\.checks) == [8])
        #expect(morePlaces.run.payouts == 5 && morePlaces.run.checks == 40 && morePlaces.run.heldBack.map(\.checks) == [8])
        #expect(morePlaces.run.total == Money(cents: 40 * Territory.standardTerms.faceValue.cents))
        // The SEPA file and one statement per place paid.
        #expect(morePlaces.run.files.count == 6)
        #expect(few.statements == moreChecks.statements, "one check: \(few.statements), eight: \(moreChecks.statements)")
        #expect(few.statements == morePlaces.statements, "two places: \(few.statements), five: \(morePlaces.statements)")
    }
}
