import Foundation
import PassnumDomain
import Testing

@Suite("Statistical secrecy and the journal's witness")
struct UsageStatisticsRulesTests {
    @Test("A cell hides 1 to 4 people, and 1 to 4 handed-out checks with the rate they give; 0 and 5 are shown")
    func primary() {
        let small = StatisticalSecrecy.publish(UsageFigures(issued: 3, handedOut: 4, used: 3, people: 4, places: 1, amount: Money(cents: 3_000)))
        #expect(small.people == nil && small.handedOut == nil && small.usageRate == nil)
        #expect(small.issued == 3 && small.used == 3 && small.places == 1 && small.amount == Money(cents: 3_000))
        let shown = StatisticalSecrecy.publish(UsageFigures(handedOut: 5, used: 2, people: 5))
        #expect(shown.people == 5 && shown.handedOut == 5 && shown.usageRate == 400)
        let none = StatisticalSecrecy.publish(UsageFigures())
        #expect(none.people == 0 && none.handedOut == 0 && none.usageRate == nil)
    }

    @Test("The usage rate is in tenths of a percent, rounded half up, from integers")
    func rate() {
        #expect(StatisticalSecrecy.usageRate(used: 1, handedOut: 3) == 333)
        #expect(StatisticalSecrecy.usageRate(used: 2, handedOut: 3) == 667)
        #expect(StatisticalSecrecy.usageRate(used: 7, handedOut: 5) == 1_400)
        #expect(StatisticalSecrecy.usageRate(used: 1, handedOut: 0) == nil)
    }

    @Test("A total is hidden when it would give back one secret cell, shown when none or at least two summing to 5 are secret")
    func secondary() {
        #expect(StatisticalSecrecy.totalKeepsSecrets([0, 12, 40]))
        #expect(!StatisticalSecrecy.totalKeepsSecrets([3, 12, 40]))
        #expect(!StatisticalSecrecy.totalKeepsSecrets([1, 2, 40]))
        #expect(StatisticalSecrecy.totalKeepsSecrets([3, 2, 40]))
        let total = StatisticalSecrecy.publishTotal(of: [UsageFigures(handedOut: 20, used: 5, people: 3), UsageFigures(handedOut: 30, used: 10, people: 9)])
        #expect(total.people == nil && total.handedOut == 50 && total.usageRate == 300 && total.used == 15)
    }

    @Test("The witness hashes its canonical text, lanes without an entry at sequence 0 and the genesis hash")
    func witness() {
        let witness = JournalWitness(day: CivilDate("2026-11-28")!, heads: [.init(lane: 0, sequence: 7, hash: String(repeating: "ab", count: 32))])
        #expect(witness.heads.count == 16)
        #expect(witness.canonical.hasPrefix("passnum-journal-witness-v1\n2026-11-28\n0 7 abab"))
        #expect(witness.canonical.hasSuffix("\n15 0 " + JournalChain.genesis + "\n"))
        // Computed independently: python3 hashlib.sha256 over the same text.
        #expect(witness.hash == "5afd84f3dfe45942ae2f577dbb038a26ee4cdb1fe31173576c0e31be0cafdbc1")
        #expect(witness.sequences == "7" + String(repeating: " 0", count: 15))
    }
}
