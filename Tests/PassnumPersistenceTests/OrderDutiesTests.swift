import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Orders: segregation of duties and payments received")
struct OrderDutiesTests {
    /// Every kind of actor that could try to move an order.
    static func actors(funder: FunderID, otherFunder: FunderID, prescriber: PrescriberID, place: PlaceID) -> [(String, Actor)] {
        [("operator", Actor("operateur@test.fr", organisation: .operator)),
         ("own funder", Actor("financeur@test.fr", organisation: .funder(funder))),
         ("other funder", Actor("autre@test.fr", organisation: .funder(otherFunder))),
         ("prescriber", Actor("prescripteur@test.fr", organisation: .prescriber(prescriber))),
         ("place", Actor("lieu@test.fr", organisation: .place(place))),
         ("nobody said who", Actor("oubli"))]
    }

    @Test("Every transition × every actor: only the party whose duty it is moves an order, and nobody moves it to paid",
          arguments: TestDatabase.allCases)
    func everyTransitionByEveryActor(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let otherFunder = try await store.createFunder(name: "Autre financeur")
            let actors = Self.actors(funder: territory.funder, otherFunder: otherFunder, prescriber: territory.prescriber, place: territory.place)
            var allowedMoves = 0
            for from in OrderState.allCases where from != .paid && from != .fulfilled && from != .cancelled {
                for target in OrderState.allCases {
                    for (name, actor) in actors {
                        // A fresh order in state `from`, brought there by the rightful parties.
                        let order = try await store.createOrder(programme: territory.programme, booklets: 1, actor: .system)
                        try await store.carry(order, to: from)
                        let expected = from.movers(to: target)
                        let rightful = (name == "operator" && expected.contains(.operator)) || (name == "own funder" && expected.contains(.funder))
                        if rightful {
                            try await store.moveOrder(order, to: target, actor: actor)
                            #expect(try await store.order(order).state == target)
                            allowedMoves += 1
                        } else {
                            await #expect(throws: DomainError.self, "\(name) moved an order \(from) → \(target)") {
                                try await store.moveOrder(order, to: target, actor: actor)
                            }
                            #expect(try await store.order(order).state == from)
                        }
                    }
                }
            }
            // draft→quoted, quoted→signed, signed→invoiced, and cancel from draft, quoted and signed by two parties.
            #expect(allowedMoves == 3 + 3 * 2)
            // From paid only the operator fulfils.
            let paid = try await store.createOrder(programme: territory.programme, booklets: 1, actor: .system)
            try await store.carry(paid, to: .paid)
            for (name, actor) in actors where name != "operator" {
                await #expect(throws: DomainError.self) { try await store.moveOrder(paid, to: .fulfilled, actor: actor) }
            }
            try await store.moveOrder(paid, to: .fulfilled, actor: actors[0].1)
            try await expectInvariantsHold(store)
        }
    }

    @Test("Only the operator records payments; a part payment waits, the total pays the order, a surplus stays with the funder",
          arguments: TestDatabase.allCases)
    func payments(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let otherFunder = try await store.createFunder(name: "Autre financeur")
            let actors = Self.actors(funder: territory.funder, otherFunder: otherFunder, prescriber: territory.prescriber, place: territory.place)
            let order = try await store.createOrder(programme: territory.programme, booklets: 2, actor: actors[1].1)
            let today = CivilDate(store.clock.now)
            let total = try await store.order(order).amounts.total
            // Not invoiced yet: no payment can be recorded.
            await #expect(throws: DomainError.self) {
                try await store.recordPayment(order, try OrderPayment(amount: total, valueDate: today, bankReference: "VIR 1", today: today),
                                              actor: actors[0].1)
            }
            try await store.carry(order, to: .invoiced)
            for (name, actor) in actors where name != "operator" {
                await #expect(throws: DomainError.notAllowed(action: "only the operator records payments received"), "\(name)") {
                    try await store.recordPayment(order, try OrderPayment(amount: total, valueDate: today, bankReference: "VIR 1", today: today),
                                                  actor: actor)
                }
            }
            #expect(try await store.payments(of: order).isEmpty)
            // The payment's own checks.
            #expect(throws: DomainError.self) { try OrderPayment(amount: .zero, valueDate: today, bankReference: "VIR", today: today) }
            #expect(throws: DomainError.self) { try OrderPayment(amount: total, valueDate: today.adding(days: 1), bankReference: "VIR", today: today) }
            #expect(throws: DomainError.self) { try OrderPayment(amount: total, valueDate: today, bankReference: " ", today: today) }
            #expect(throws: DomainError.self) { try OrderPayment(amount: total, valueDate: today, bankReference: "A\nB", today: today) }

            // The same payment sent twice at once (a double click on the confirmation): recorded once, the other refused.
            let part = Money(cents: 5_000)
            let first = try OrderPayment(amount: part, valueDate: today, bankReference: "VIR 1", today: today)
            let outcomes = try await withThrowingTaskGroup(of: DomainError?.self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        do { try await store.recordPayment(order, first, actor: actors[0].1); return nil } catch let error as DomainError { return error }
                    }
                }
                return try await group.reduce(into: [DomainError?]()) { $0.append($1) }
            }
            #expect(outcomes.compactMap { $0 } == [.invalid(field: .bankReference, problem: .alreadyRecorded)])
            #expect(try await store.payments(of: order).count == 1)
            #expect(try await store.order(order).state == .invoiced)
            try await expectInvariantsHold(store)
            // The rest and 1 € more: paid, and the euro stays in the funder's advances.
            let rest = total - part + .euros(1)
            try await store.recordPayment(order, try OrderPayment(amount: rest, valueDate: today, bankReference: "VIR 2", today: today),
                                          actor: actors[0].1)
            #expect(try await store.order(order).state == .paid)
            #expect(try await store.payments(of: order).map(\.bankReference) == ["VIR 1", "VIR 2"])
            let advances = try await store.read { tx in
                try await tx.sql.raw("""
                    SELECT CAST(SUM(credit_cents) - SUM(debit_cents) AS BIGINT) AS v FROM journal_lines
                    WHERE account = 'funder_advances' AND funder_id = \(bind: territory.funder.rawValue)
                    """).first(decodingColumn: "v", as: Int64.self)
            }
            #expect(advances == 100)
            // A paid order takes no more payments.
            await #expect(throws: DomainError.self) {
                try await store.recordPayment(order, try OrderPayment(amount: part, valueDate: today, bankReference: "VIR 3", today: today),
                                              actor: actors[0].1)
            }
            try await expectInvariantsHold(store)
        }
    }

    @Test("verify catches an order marked paid in SQL without the money, and a payment missing from the journal",
          arguments: TestDatabase.allCases)
    func verifyCatchesMoneyThatNeverCame(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let order = try await store.createOrder(programme: territory.programme, booklets: 1, actor: .system)
            try await store.carry(order, to: .invoiced)
            try await tamper(store, "UPDATE orders SET state = 'paid' WHERE id = \(order.rawValue)")
            let violations = try await store.verify()
            // Invariant 2 sees the programme's money short too; invariant 4 names the order's funder.
            #expect(violations.map(\.invariant).contains(.funderMoney), "\(violations)")
            try await tamper(store, "UPDATE orders SET state = 'invoiced' WHERE id = \(order.rawValue)")
            try await expectInvariantsHold(store)
            try await tamper(store, """
                INSERT INTO order_payments (order_id, funder_id, amount_cents, value_date, bank_reference, recorded_by, recorded_at)
                VALUES (\(order.rawValue), \(territory.funder.rawValue), 100, '2026-03-02', 'X', 'sql', 0)
                """)
            #expect(try await store.verify().map(\.invariant) == [.funderMoney])
        }
    }

    @Test("An order paid before payments were recorded is carried over by the migration, and verify still holds",
          arguments: TestDatabase.allCases)
    func upgradeFromPaymentsWithoutRecords(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let order = try await store.createOrder(programme: territory.programme, booklets: 2, actor: .system)
            try await store.carry(order, to: .invoiced)
            // What the code before segregation of duties wrote: the order paid, and one entry from the bank.
            let summary = try await store.order(order)
            try await store.transaction { tx in
                try await tx.setOrderState(summary, to: .paid, at: store.clock.now)
                try await tx.post(try JournalEntry(kind: .orderPayment, reference: "order:\(order)", lines: [
                    .debit(.bank, summary.amounts.total), .credit(.programmeFunds(summary.programme), summary.faceTotal),
                    .credit(.feeRevenue, summary.fee), .credit(.vatPayable, summary.vat),
                ]), actor: Actor("avant"), at: store.clock.now)
            }
            #expect(try await store.verify().map(\.invariant) == [.funderMoney])
            try await store.transaction { tx in try await OrderPaymentsMigration.recordEarlierPayments(tx) }
            let payments = try await store.payments(of: order)
            #expect(payments.map(\.amount) == [summary.amounts.total] && payments.first?.recordedBy == "avant")
            try await expectInvariantsHold(store)
            try await store.moveOrder(order, to: .fulfilled, actor: .system)
            try await expectInvariantsHold(store)
        }
    }
}
