import PassnumDomain
import Testing

@Suite("Co-funding splits, statement periods and the diagnostic grid")
struct CoFundingTests {
    @Test("the parts of a split add up to the amount exactly, for random shares and amounts")
    func splitAddsUp() {
        var random = SplitMix64(seed: 16)
        for _ in 0..<2_000 {
            // 1 to 6 shares, each at least one basis point, adding up to 10 000.
            let count = Int(random.next() % 6) + 1
            var cuts = (0..<(count - 1)).map { _ in Int(random.next() % 9_999) + 1 }
            cuts = Array(Set(cuts)).sorted()
            let bounds = [0] + cuts + [10_000]
            let shares = zip(bounds.dropFirst(), bounds).map { $0 - $1 }
            let amount = Money(cents: Int64(random.next() % 100_000_000_000) - 1_000_000)
            let parts = CoFunding.split(amount, basisPoints: shares)
            #expect(parts.count == shares.count)
            #expect(parts.reduce(Money.zero, +) == amount, "shares \(shares) of \(amount.cents)")
            for (part, share) in zip(parts, shares) {
                // Each part is its exact share rounded down or up by less than a cent.
                let exact = Double(amount.cents) * Double(share) / 10_000
                #expect(abs(Double(part.cents) - exact) < 1.000_001, "shares \(shares) of \(amount.cents)")
            }
        }
    }

    @Test("50/30/20 of 10,01 € gives the leftover cent to the largest remainder, ties to the earlier share")
    func largestRemainder() {
        // 1001 cents: 500,5 / 300,3 / 200,2 → 500 / 300 / 200 and the cent to the first (remainder ,5).
        #expect(CoFunding.split(Money(cents: 1001), basisPoints: [5_000, 3_000, 2_000]) == [Money(cents: 501), Money(cents: 300), Money(cents: 200)])
        // 100 cents in thirds: 33,33… each, one cent left: the tie goes to the first share.
        #expect(CoFunding.split(Money(cents: 100), basisPoints: [3_334, 3_333, 3_333]) == [Money(cents: 34), Money(cents: 33), Money(cents: 33)])
        #expect(CoFunding.split(Money(cents: 2), basisPoints: [3_333, 3_333, 3_334]) == [Money(cents: 1), Money(cents: 0), Money(cents: 1)])
        #expect(CoFunding.split(Money(cents: -1001), basisPoints: [5_000, 5_000]) == [Money(cents: -501), Money(cents: -500)])
        #expect(CoFunding.split(Money(cents: 5), basisPoints: []).isEmpty)
    }

    @Test("a programme's split is the co-funding split, named by co-funder")
    func programmeSplit() throws {
        let terms = ProgrammeTerms(name: "P", validFrom: try #require(CivilDate("2026-01-01")), validUntil: try #require(CivilDate("2026-12-31")),
                                   perimeter: Perimeter(departements: [try #require(DepartementCode("33"))]),
                                   shares: [CoFundingShare(cofunder: "État", percent: 50), CoFundingShare(cofunder: "Département", percent: 30),
                                            CoFundingShare(cofunder: "CAF", percent: 20)])
        let parts = terms.split(Money(cents: 7_777))
        #expect(parts.map(\.cofunder) == ["État", "Département", "CAF"])
        #expect(parts.map(\.amount.cents) == [3_889, 2_333, 1_555])
    }

    @Test("periods read as a month, a quarter or a year, within the years a date may take")
    func periods() throws {
        #expect(StatementPeriod("2026-10") == .month(try #require(Month("2026-10"))))
        #expect(StatementPeriod("2026-T4") == .quarter(year: 2026, quarter: 4))
        #expect(StatementPeriod("2026-t1") == .quarter(year: 2026, quarter: 1))
        #expect(StatementPeriod("2026") == .year(2026))
        for bad in ["", "26", "2026-13", "2026-T5", "2026-T0", "1999", "2101", "2026-Q4", "99999999999999999999", "2026-1O", "２０２６", "-2026"] {
            #expect(StatementPeriod(bad) == nil, "\(bad)")
        }
        #expect(StatementPeriod("2026-T4")?.months.map(\.description) == ["2026-10", "2026-11", "2026-12"])
        #expect(StatementPeriod("2026")?.months.count == 12)
        #expect(StatementPeriod("2026-T1")?.lastDay == CivilDate("2026-03-31"))
        #expect(StatementPeriod("2028-02")?.lastDay == CivilDate("2028-02-29"))
        #expect(StatementPeriod("2100")?.lastDay == CivilDate("2100-12-31"))
        #expect(StatementPeriod("2026-T4")?.description == "2026-T4")
    }

    @Test("the standard grid gives today's levels and counts")
    func standardGrid() {
        let grid = DiagnosticGrid.standard
        #expect((0...20).map(grid.level(score:)) == [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4])
        #expect((1...4).map { grid.recommendedChecks(level: $0, minimum: nil, maximum: nil) } == [10, 8, 5, 2])
        #expect(DiagnosticGrid(code: grid.code) == grid)
        #expect(throws: Never.self) { try grid.validate(minimum: nil, maximum: nil) }
    }

    @Test("an adjusted grid moves the levels; bad thresholds and counts are refused")
    func adjustedGrid() throws {
        let grid = DiagnosticGrid(ceilings: [2, 4, 19], recommended: [6, 5, 4, 3])
        #expect(grid.level(score: 3) == 2)
        #expect(grid.level(score: 19) == 3)
        #expect(grid.level(score: 20) == 4)
        #expect(try grid.level(for: Array(repeating: .withHelp, count: Diagnostic.questions.count)) == 3)
        #expect(throws: DomainError.invalid(field: .diagnosticThresholds, problem: .notIncreasing)) {
            try DiagnosticGrid(ceilings: [5, 5, 15], recommended: [10, 8, 5, 2]).validate(minimum: nil, maximum: nil)
        }
        #expect(throws: DomainError.invalid(field: .diagnosticThresholds, problem: .outOfRange(min: 0, max: 19))) {
            try DiagnosticGrid(ceilings: [5, 10, 20], recommended: [10, 8, 5, 2]).validate(minimum: nil, maximum: nil)
        }
        #expect(throws: DomainError.invalid(field: .recommendedChecks, problem: .outOfRange(min: 3, max: 8))) {
            try DiagnosticGrid(ceilings: [5, 10, 15], recommended: [10, 8, 5, 2]).validate(minimum: 3, maximum: 8)
        }
        #expect(throws: Never.self) { try DiagnosticGrid(ceilings: [0, 1, 19], recommended: [8, 8, 3, 3]).validate(minimum: 3, maximum: 8) }
        #expect(DiagnosticGrid(code: "5,10;1,2,3,4") == nil)
        #expect(DiagnosticGrid(code: "junk") == nil)
    }
}
