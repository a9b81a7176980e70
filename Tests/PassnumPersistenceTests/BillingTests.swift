import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Fees, invoices, credit notes, payout lifecycle and reversals")
struct BillingTests {
    @Test("A management fee rate bills the fee and its VAT on top of the face value, with invoices numbered without gaps per year",
          arguments: TestDatabase.allCases)
    func feesAndInvoices(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 1)
            // Territory.make invoiced its order before any fee was set: no fee, no VAT.
            let first = try await store.invoices(funder: territory.funder).rows
            #expect(first.map(\.number) == ["F-2026-00001"] && first[0].amounts == InvoiceAmounts(face: .euros(100), fee: .zero, vat: .zero))

            try await store.setFeeSchedule(FeeSchedule(managementFee: .rate(basisPoints: 250)), actor: Actor("operateur"), reason: "vote du 3 mars")
            let order = try await store.createOrder(programme: territory.programme, booklets: 7, actor: .system)
            let summary = try await store.order(order)
            // 70 checks = 700 €; 2.5 % = 17.50 €; VAT 20 % of that = 3.50 €.
            #expect(summary.amounts == InvoiceAmounts(face: .euros(700), fee: Money(cents: 1750), vat: Money(cents: 350)))
            try await store.carry(order, to: .invoiced)
            try await store.setFeeSchedule(FeeSchedule(managementFee: .fixed(.euros(50))), actor: Actor("operateur"))
            let fixed = try await store.createOrder(programme: territory.programme, booklets: 1, actor: .system)
            #expect(try await store.order(fixed).amounts == InvoiceAmounts(face: .euros(100), fee: .euros(50), vat: .euros(10)))
            try await store.carry(fixed, to: .invoiced)

            let invoices = try await store.invoices(funder: territory.funder).rows
            #expect(invoices.map(\.number) == ["F-2026-00003", "F-2026-00002", "F-2026-00001"])
            #expect(invoices[1].amounts.total == Money(cents: 72_100) && invoices[1].order == order && invoices[1].checks == 70)
            // Paying journals face value, fee and VAT on their own accounts; the invariants see the fee.
            try await store.carry(order, to: .paid)
            try await expectInvariantsHold(store)
            let vat = try await store.read { tx in
                try await tx.sql.raw("SELECT CAST(SUM(credit_cents) AS BIGINT) AS v FROM journal_lines WHERE account = 'vat_payable'").first(decodingColumn: "v", as: Int64.self)
            }
            #expect(vat == 350)

            // A new year starts a new sequence.
            clock.set(CivilDate("2027-01-04")!.start.addingTimeInterval(3600 * 10))
            let nextYear = try await store.createOrder(programme: territory.programme, booklets: 1, actor: .system)
            try await store.carry(nextYear, to: .invoiced)
            #expect(try await store.invoices(funder: territory.funder).rows.first?.number == "F-2027-00001")
            // The fee change is in the journal, with who and why.
            let reasons = try await store.read { tx in
                try await tx.sql.raw("SELECT actor, reason FROM journal_transactions WHERE kind = 'settings_changed' ORDER BY id").all()
                    .map { "\(try $0.string("actor")): \(try $0.optionalString("reason") ?? "")" }
            }
            #expect(reasons == ["operateur: management fee rate:250, place subscription 0 cents: vote du 3 mars",
                                "operateur: management fee fixed:5000, place subscription 0 cents"])
            await #expect(throws: DomainError.self) {
                try await store.setFeeSchedule(FeeSchedule(managementFee: .rate(basisPoints: 10_001)), actor: Actor("operateur"))
            }
        }
    }

    @Test("Invoices invoiced concurrently get consecutive numbers, none twice, none skipped", arguments: TestDatabase.allCases)
    func gaplessNumbers(database: TestDatabase) async throws {
        try await withStore(database, connections: 8) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            var orders: [OrderID] = []
            for _ in 0..<12 {
                let order = try await store.createOrder(programme: territory.programme, booklets: 1, actor: .system)
                try await store.carry(order, to: .signed)
                orders.append(order)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Each order is invoiced twice at once: one move wins, the other is refused and rolls back.
                for order in orders {
                    group.addTask { _ = try? await store.moveOrder(order, to: .invoiced, actor: .system) }
                    group.addTask { _ = try? await store.moveOrder(order, to: .invoiced, actor: .system) }
                }
                try await group.waitForAll()
            }
            for order in orders { #expect(try await store.order(order).state == .invoiced) }
            let numbers = try await store.invoices().rows.map(\.number).sorted()
            #expect(numbers == (1...13).map { DocumentNumber(series: .invoice, year: 2026, sequence: Int64($0)).description })
            try await expectInvariantsHold(store)
        }
    }

    @Test("A payout batch goes prepared → exported → settled; the money leaves the bank account on the bank's date",
          arguments: TestDatabase.allCases)
    func payoutLifecycle(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 1)
            let run = try await territory.paidInMarch(store, clock: clock, checks: 3).run
            let batch = try #require(run.batch)
            #expect(try await store.payoutBatches().map(\.state) == [.prepared])
            await #expect(throws: DomainError.invalidTransition(entity: "payout batch \(batch)", from: "prepared", to: "settled")) {
                try await store.settle(batch: batch, bankDate: CivilDate("2026-04-02")!, actor: Actor("operateur"))
            }
            try await expectInvariantsHold(store)
            try await store.markExported(batch: batch, actor: Actor("operateur"))
            await #expect(throws: DomainError.self) { try await store.markExported(batch: batch, actor: Actor("operateur")) }
            await #expect(throws: DomainError.self) {
                try await store.settle(batch: batch, bankDate: CivilDate("2026-04-03")!, actor: Actor("operateur"))  // tomorrow
            }
            await #expect(throws: DomainError.self) {
                try await store.settle(batch: batch, bankDate: CivilDate("2026-03-31")!, actor: Actor("operateur"))  // before the run
            }
            var balances = try await accountBalances(store)
            #expect(balances["payouts_in_transit"] == 3000 && balances["bank"] == -10_000)
            try await store.settle(batch: batch, bankDate: CivilDate("2026-04-02")!, actor: Actor("operateur"))
            let settled = try await store.payoutBatches()[0]
            #expect(settled.state == .settled && settled.settledOn == CivilDate("2026-04-02") && settled.total == .euros(30))
            balances = try await accountBalances(store)
            #expect(balances["payouts_in_transit"] == 0 && balances["bank"] == -7000)
            #expect(try await store.statement(payout: try await store.payouts(of: territory.place).rows[0].id, place: territory.place)?.state == .settled)
            try await expectInvariantsHold(store)
            // Tampering with a batch's total is caught.
            try await tamper(store, "UPDATE payout_batches SET state = 'exported' WHERE id = \(batch)")
            #expect(try await store.verify().first?.invariant == .placePayable)
        }
    }

    @Test("A paid check reversed for fraud is voided and deducted from the place's next payouts, over several if needed",
          arguments: TestDatabase.allCases)
    func reversal(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 2)
            let serials = try await territory.paidInMarch(store, clock: clock, checks: 4).serials
            // Three paid checks turn out to be fraudulent; one redeemed check (not yet paid) too.
            #expect(try await store.validate(territory.request(store, [serials[4]])).accepted)
            for serial in serials.prefix(3) {
                let reversal = try await store.reverse(serial, reason: "chèques volés", actor: Actor("operateur"))
                #expect(reversal.deducted && reversal.amount == .euros(10))
                try await expectInvariantsHold(store)
            }
            clock.set(CivilDate("2026-04-03")!.start.addingTimeInterval(3600 * 9))
            let unpaid = try await store.reverse(serials[4], reason: "validé par erreur", actor: Actor("operateur"))
            #expect(!unpaid.deducted)
            await #expect(throws: DomainError.self) { try await store.reverse(serials[4], reason: "deux fois", actor: Actor("operateur")) }
            await #expect(throws: DomainError.self) { try await store.reverse(serials[5], reason: "", actor: Actor("operateur")) }
            #expect(try await store.validate(territory.request(store, [serials[0]])).items[0].refusal == .voided)
            try await expectInvariantsHold(store)

            // April: 2 checks (20 €) against 30 € owed: all of it is taken, 10 € wait for May.
            #expect(try await store.validate(territory.request(store, [serials[5], serials[6]])).accepted)
            clock.set(CivilDate("2026-05-04")!.start.addingTimeInterval(3600 * 9))
            let april = try await store.runPayouts(for: Month("2026-04")!)
            #expect(april.total == .zero && april.checks == 2 && april.files.count == 1)  // a statement, no SEPA file
            #expect(try await store.payoutBatches(month: Month("2026-04")!).first?.state == .settled)
            let aprilPayout = try await store.payouts(of: territory.place).rows[0]
            let aprilStatement = try #require(try await store.statement(payout: aprilPayout.id, place: territory.place))
            #expect(aprilStatement.gross == .euros(20) && aprilStatement.net == .zero && aprilStatement.deductions.count == 2)
            #expect(aprilStatement.deductions[0] == StatementDeduction(kind: .reversal, reference: serials[0].grouped, detail: "chèques volés",
                                                                       amount: .euros(10)))
            try await expectInvariantsHold(store)
            // May: 3 checks (30 €) less the 10 € still owed.
            #expect(try await store.validate(territory.request(store, Array(serials[7...9]))).accepted)
            clock.set(CivilDate("2026-06-01")!.start.addingTimeInterval(3600 * 9))
            let may = try await store.runPayouts(for: Month("2026-05")!)
            #expect(may.total == .euros(20) && may.files.count == 2)
            let sepa = try SEPAReader.read(try String(contentsOf: store.configuration.dataDirectory.appendingPathComponent(may.files[0]), encoding: .utf8))
            #expect(sepa.amounts == ["20.00"])
            try await expectInvariantsHold(store)
            // Nothing was deleted: the reversed checks keep their payout and their redemption.
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE state = 'voided' AND payout_id IS NOT NULL") == 3)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM redemptions") == 10)
        }
    }

    @Test("The yearly place subscription is invoiced once per place and year, with VAT, and taken from its payouts",
          arguments: TestDatabase.allCases)
    func subscription(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 3)
            #expect(try await store.chargeSubscriptions().isEmpty)  // zero by default
            try await store.setFeeSchedule(FeeSchedule(placeSubscription: .euros(12)), actor: Actor("operateur"))
            let invoices = try await store.chargeSubscriptions(actor: Actor("tick"))
            #expect(invoices.count == 1 && invoices[0].place == territory.place && invoices[0].number == "F-2026-00002")
            #expect(invoices[0].amounts == InvoiceAmounts(face: .zero, fee: .euros(12), vat: Money(cents: 240)))
            #expect(try await store.chargeSubscriptions().isEmpty)
            try await expectInvariantsHold(store)
            let run = try await territory.paidInMarch(store, clock: clock, checks: 2).run
            #expect(run.total == Money(cents: 2000 - 1440))
            let payout = try await store.payouts(of: territory.place).rows[0]
            let statement = try #require(try await store.statement(payout: payout.id, place: territory.place))
            #expect(statement.deductions == [StatementDeduction(kind: .subscription, reference: "F-2026-00002", detail: "2026",
                                                                amount: Money(cents: 1440))])
            try await expectInvariantsHold(store)
            clock.set(CivilDate("2027-01-02")!.start)
            #expect(try await store.chargeSubscriptions().map(\.number) == ["F-2027-00001"])
        }
    }

    @Test("A credit note is numbered and split by co-funding share to the cent", arguments: TestDatabase.allCases)
    func creditNote(database: TestDatabase) async throws {
        var terms = Territory.standardTerms
        terms.shares = [CoFundingShare(cofunder: "État", basisPoints: 3333), CoFundingShare(cofunder: "CAF", basisPoints: 3333),
                        CoFundingShare(cofunder: "Département du Nord", basisPoints: 3334)]
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 1, terms: terms)
            clock.set(CivilDate("2026-08-01")!.start.addingTimeInterval(60))
            let notes = try await store.expireProgrammes()
            #expect(notes.map(\.number) == ["A-2026-00001"])
            let document = try #require(try await store.creditNotes(funder: territory.funder).rows.first)
            #expect(document.amount == .euros(100) && document.checks == 10)
            #expect(document.shares.map(\.amount).reduce(.zero, +) == .euros(100))
            #expect(document.shares.map(\.percent) == ["33,33\u{00A0}%", "33,33\u{00A0}%", "33,34\u{00A0}%"])
            #expect(document.shares.map(\.amount) == [Money(cents: 3333), Money(cents: 3333), Money(cents: 3334)])
        }
    }

    func accountBalances(_ store: Store) async throws -> [String: Int64] {
        try await store.read { tx in
            var balances: [String: Int64] = [:]
            for row in try await tx.sql.raw("""
                SELECT account, CAST(SUM(credit_cents) - SUM(debit_cents) AS BIGINT) AS v FROM journal_lines GROUP BY account
                """).all() {
                balances[try row.string("account")] = try row.int("v")
            }
            return balances
        }
    }
}

@Suite("Payout runs under concurrency")
struct PayoutConcurrencyTests {
    @Test("A payout run, reversals of the month's checks and new validations at the same time all go through, and the ledger stays true",
          arguments: TestDatabase.allCases)
    func concurrentRunReversalsAndValidations(database: TestDatabase) async throws {
        try await withStore(database, connections: 8) { store, clock in
            let territory = try await Territory.make(store, booklets: 4)
            let second = try await territory.place(store)
            var serials: [CheckSerial] = []
            for _ in 0..<3 { serials += try await territory.handOut(store) }
            for (index, serial) in serials.prefix(16).enumerated() {
                #expect(try await store.validate(territory.request(store, [serial], at: index % 2 == 0 ? territory.place : second)).accepted)
            }
            clock.set(CivilDate("2026-04-02")!.start.addingTimeInterval(3600 * 9))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await store.runPayouts(for: Month("2026-03")!) }
                for serial in serials.prefix(4) {
                    group.addTask { _ = try await store.reverse(serial, reason: "erreur", actor: Actor("operateur")) }
                }
                for (index, serial) in serials[16...].enumerated() {
                    group.addTask {
                        _ = try await store.validate(territory.request(store, [serial], at: index % 2 == 0 ? territory.place : second))
                    }
                }
                try await group.waitForAll()
            }
            try await expectInvariantsHold(store)
            // Every March check is either reversed or paid, whichever came first; reversed paid ones are owed back.
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE state = 'redeemed' AND redeemed_at < \(CivilDate("2026-04-01")!.start.millis)") == 0)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE state = 'voided'") == 4)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE state = 'redeemed'") == 14)
        }
    }
}
