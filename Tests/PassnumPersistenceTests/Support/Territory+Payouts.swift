import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

extension Territory {
    /// The start of the tests about paid checks: the booklets handed out, the first `checks` validated at the
    /// territory's place in March, then March's payouts run on 2 April at 9:00.
    func paidInMarch(_ store: Store, clock: ManualClock, checks: Int) async throws -> (serials: [CheckSerial], run: PayoutRunResult) {
        let serials = try await handOut(store)
        #expect(try await store.validate(request(store, Array(serials.prefix(checks)))).accepted)
        clock.set(CivilDate("2026-04-02")!.start.addingTimeInterval(3600 * 9))
        return (serials, try await store.runPayouts(for: Month("2026-03")!))
    }
}
