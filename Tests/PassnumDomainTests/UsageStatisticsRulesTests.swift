import Foundation
import PassnumDomain
import Testing

@Suite("Statistical secrecy and the journal's witness")
struct UsageStatisticsRulesTests {
    @Test("A cell hides 1 to 4 people with their used checks, amount and rate, and 1 to 4 handed-out checks with the rate; 0 and 5 are shown")
    func primary() {
        let small = StatisticalSecrecy.publish(UsageFigures(issued: 3, handedOut: 4, used: 3, people: 4, places: 1, amount: Money(cents: 3_000)))
        #expect(small.people == nil && small.handedOut == nil && small.usageRate == nil)
        #expect(small.used == nil && small.amount == nil, "what those 4 people used is about them")
        #expect(small.issued == 3 && small.places == 1)
        // A few people among many handed-out checks: what they used is hidden, the checks handed out are not.
        let fewPeople = StatisticalSecrecy.publish(UsageFigures(handedOut: 40, used: 2, people: 2, amount: Money(cents: 2_000)))
        #expect(fewPeople.handedOut == 40 && fewPeople.used == nil && fewPeople.usageRate == nil && fewPeople.amount == nil && fewPeople.people == nil)
        // A few checks handed out among many people helped: the count and its rate are hidden, what was used is not.
        let fewChecks = StatisticalSecrecy.publish(UsageFigures(handedOut: 3, used: 9, people: 6, amount: Money(cents: 9_000)))
        #expect(fewChecks.handedOut == nil && fewChecks.usageRate == nil)
        #expect(fewChecks.used == 9 && fewChecks.people == 6 && fewChecks.amount == Money(cents: 9_000))
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
        // One secret cell: the total of people, and of what they used (used, amount, rate), would give it back.
        let total = StatisticalSecrecy.publishTotal(of: [UsageFigures(handedOut: 20, used: 5, people: 3, amount: Money(cents: 5_000)),
                                                         UsageFigures(handedOut: 30, used: 10, people: 9, amount: Money(cents: 10_000))])
        #expect(total.people == nil && total.used == nil && total.amount == nil && total.usageRate == nil)
        #expect(total.handedOut == 50 && total.issued == 0)
        // Two secret cells of 5 people together: the total is shown, and no single cell can be recovered from it.
        let kept = StatisticalSecrecy.publishTotal(of: [UsageFigures(handedOut: 20, used: 5, people: 3, amount: Money(cents: 5_000)),
                                                        UsageFigures(handedOut: 30, used: 4, people: 2, amount: Money(cents: 4_000)),
                                                        UsageFigures(handedOut: 50, used: 20, people: 12, amount: Money(cents: 20_000))])
        #expect(kept.people == 17 && kept.used == 29 && kept.amount == Money(cents: 29_000) && kept.usageRate == 290 && kept.handedOut == 100)
        // A secret count of handed-out checks hides the total of checks handed out and its rate, not what was used.
        let checks = StatisticalSecrecy.publishTotal(of: [UsageFigures(handedOut: 2, used: 6, people: 6), UsageFigures(handedOut: 30, used: 10, people: 9)])
        #expect(checks.handedOut == nil && checks.usageRate == nil && checks.used == 16 && checks.people == 15)
        // Any cell, secret or not, published alone or in a total, never shows a figure of 1 to 4 people.
        var random = SplitMix64(seed: 16)
        for _ in 0..<2_000 {
            let cells = (0..<Int(1 + random.next() % 4)).map { _ in
                let people = Int64(random.next() % 8), handedOut = Int64(random.next() % 8)
                return UsageFigures(handedOut: handedOut, used: people == 0 ? 0 : Int64(random.next() % 8), people: people)
            }
            for (cell, published) in zip(cells, cells.map(StatisticalSecrecy.publish)) where StatisticalSecrecy.isSecret(cell.people) {
                #expect(published.used == nil && published.amount == nil && published.usageRate == nil && published.people == nil)
            }
            let total = StatisticalSecrecy.publishTotal(of: cells)
            if total.used != nil {
                // The published cells subtracted from the total leave the secret ones, which must hold 5 people or more.
                let hidden = cells.filter { StatisticalSecrecy.isSecret($0.people) }
                #expect(hidden.isEmpty || hidden.reduce(0) { $0 + $1.people } >= 5, "\(cells)")
            }
        }
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
