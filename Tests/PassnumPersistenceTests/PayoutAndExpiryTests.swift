import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Monthly payouts and programme expiry")
struct PayoutAndExpiryTests {
    @Test("A payout run pays each place for last month's checks only, once", arguments: TestDatabase.allCases)
    func payoutRun(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 2)
            let second = try await territory.place(store)
            let serials = try await territory.handOut(store)
            #expect(try await store.validate(territory.request(store, [serials[0], serials[1]])).accepted)
            #expect(try await store.validate(territory.request(store, [serials[2]], at: second)).accepted)
            clock.set(CivilDate("2026-04-01")!.start.addingTimeInterval(60))
            #expect(try await store.validate(territory.request(store, [serials[3]])).accepted)
            await #expect(throws: DomainError.monthNotOver(Month("2026-04")!)) { try await store.runPayouts(for: Month("2026-04")!) }

            let run = try await store.runPayouts(for: Month("2026-03")!)
            #expect(run.ran && run.payouts == 2 && run.checks == 3 && run.total == Money(cents: 3000) && run.heldBack.isEmpty)
            #expect(run.files.count == 3)
            let overview = try await store.overview()
            #expect(overview.checksByState[.paid] == 3)
            #expect(overview.checksByState[.redeemed] == 1)
            await #expect(throws: DomainError.undoRefused(.alreadyPaid)) {
                try await store.undoValidation(of: serials[0], at: territory.place)
            }
            let again = try await store.runPayouts(for: Month("2026-03")!)
            #expect(!again.ran && again.payouts == 2 && again.total == Money(cents: 3000))
            #expect(try await store.overview() == overview)
            try await expectInvariantsHold(store)
        }
    }

    @Test("After end and grace, unused checks expire and one credit note returns their value", arguments: TestDatabase.allCases)
    func expiry(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 3)
            let serials = try await territory.handOut(store)
            #expect(try await store.validate(territory.request(store, Array(serials.prefix(4)))).accepted)
            try await store.oppose([serials[4]], reason: .lost, actor: .system)
            _ = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 1, actor: .system)
            // The last day of grace: nothing expires yet, a distributed check can still be used.
            clock.set(CivilDate("2026-07-31")!.start.addingTimeInterval(3600 * 12))
            #expect(try await store.expireProgrammes().isEmpty)
            #expect(try await store.validate(territory.request(store, [serials[5]])).accepted)
            clock.set(CivilDate("2026-08-01")!.start.addingTimeInterval(60))
            let notes = try await store.expireProgrammes()
            // 30 checks: 5 redeemed, 1 voided, 24 expired (4 distributed, 10 allocated, 10 issued).
            #expect(notes == [CreditNote(number: "A-2026-00001", programme: territory.programme, funder: territory.funder, checks: 24, amount: Money(cents: 24_000))])
            #expect(try await store.overview().checksByState[.expired] == 24)
            #expect(try await store.expireProgrammes().isEmpty)
            #expect(try await store.validate(territory.request(store, [serials[6]])).items[0].refusal == .expired)
            try await expectInvariantsHold(store)
        }
    }
}
