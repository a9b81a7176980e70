import Foundation
@testable import PassnumApp
import PassnumDomain
import PassnumPersistence
import Testing

@Suite("Payouts command")
struct PayoutsCommandTests {
    @Test("payouts asks for the month, refuses a month that is not over, and runs one that is over like the page does")
    func payoutsCommand() async throws {
        await #expect(throws: UsageError.self) { try await CommandTests.run(["payouts"]) }
        let current = CivilDate(Date()).calendarMonth
        await #expect(throws: DomainError.monthNotOver(current)) { try await CommandTests.run(["payouts", "--month", current.description]) }
        // On the demo (which paid last month itself), running last month again pays nothing more and the ledger holds.
        let previous = current.previous
        try await CommandTests.run(["payouts", "--month", previous.description], prepare: { store in
            _ = try await DemoScenario(store: store).run()
        }, then: { store in
            let violations = try await store.verify()
            let batches = try await store.payoutBatches(month: previous)
            #expect(violations.isEmpty)
            #expect(batches.count == 1)
        })
    }
}
