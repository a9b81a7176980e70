import PassnumDomain
import Testing

@Suite("People reached: age brackets and the secrecy of a breakdown")
struct PeopleReachedRulesTests {
    @Test("The age bracket is the age reached in the year of the hand-out; no birth year is unknown")
    func brackets() {
        #expect(AgeBracket(birthYear: 2002, in: 2026) == .under25)
        #expect(AgeBracket(birthYear: 2001, in: 2026) == .from25To44)
        #expect(AgeBracket(birthYear: 1982, in: 2026) == .from25To44)
        #expect(AgeBracket(birthYear: 1981, in: 2026) == .from45To64)
        #expect(AgeBracket(birthYear: 1962, in: 2026) == .from45To64)
        #expect(AgeBracket(birthYear: 1961, in: 2026) == .from65)
        #expect(AgeBracket(birthYear: nil, in: 2026) == .unknown)
        #expect(AgeBracket(birthYear: 2027, in: 2026) == .unknown)
    }

    @Test("A breakdown hides its cells of 1 to 4, and the smallest other cell when one hidden cell could be found from the total")
    func suppression() {
        // Nothing small: everything shown.
        #expect(StatisticalSecrecy.suppress([12, 5, 0]) == [12, 5, 0])
        // One small cell: the total minus the others would give it back, so the smallest other cell goes too.
        #expect(StatisticalSecrecy.suppress([12, 3, 7]) == [12, nil, nil])
        // Two small cells summing under 5: still recoverable together; the smallest other cell goes too.
        #expect(StatisticalSecrecy.suppress([1, 2, 9, 20]) == [nil, nil, nil, 20])
        // Two small cells summing to 5 or more: neither can be told from the other.
        #expect(StatisticalSecrecy.suppress([3, 4, 9]) == [nil, nil, 9])
        // A total under 5: every cell is small, all hidden.
        #expect(StatisticalSecrecy.suppress([1, 2]) == [nil, nil])
        #expect(StatisticalSecrecy.suppress([4]) == [nil])
        // Zeros single nobody out and are never picked to hide another cell.
        #expect(StatisticalSecrecy.suppress([0, 2, 6]) == [0, nil, nil])
    }

    @Test("Whatever the cells, no hidden cell can be recovered from the total and the cells shown")
    func suppressionProperty() {
        var random = SplitMix64(seed: 17)
        for _ in 0..<2_000 {
            let cells = (0..<Int(random.next() % 6 + 1)).map { _ in Int64(random.next() % 12) }
            let shown = StatisticalSecrecy.suppress(cells)
            let hidden = zip(cells, shown).filter { $0.1 == nil }.map(\.0)
            // Every small cell is hidden.
            #expect(zip(cells, shown).allSatisfy { !StatisticalSecrecy.isSecret($0.0) || $0.1 == nil }, "\(cells)")
            // The hidden ones are none, or several whose sum is 5 or more, or all of a total under 5.
            let total = cells.reduce(0, +)
            #expect(hidden.filter { $0 > 0 }.isEmpty || (hidden.count >= 2 && hidden.reduce(0, +) >= 5) || total < 5, "\(cells) → \(shown)")
        }
    }
}
