/// The people a funder's programmes reached: a person counts once per programme, in the month of their first hand-out
/// of that programme, with their commune, age bracket and diagnostic level on that day. Counts are anonymous
/// aggregates: erasing a person later does not change them.

/// A person's age at a hand-out, in the brackets elected officials read (the year of the hand-out minus the birth year).
public enum AgeBracket: String, CaseIterable, Sendable {
    case under25 = "0-24"
    case from25To44 = "25-44"
    case from45To64 = "45-64"
    case from65 = "65+"
    /// No birth year recorded.
    case unknown = ""

    /// The youngest age of each known bracket, oldest first: the first one the age reaches is the bracket.
    public static let lowestAges: [(bracket: AgeBracket, age: Int)] = [(.from65, 65), (.from45To64, 45), (.from25To44, 25), (.under25, 0)]

    public init(birthYear: Int?, in year: Int) {
        guard let birthYear else { self = .unknown; return }
        let age = year - birthYear
        self = Self.lowestAges.first { age >= $0.age }?.bracket ?? .unknown
    }
}

extension StatisticalSecrecy {
    /// The cells of one breakdown of a published total, nil where hidden. A cell of 1 to 4 is hidden (primary); then, as
    /// long as the hidden cells would let someone recover one of them from the total (a single one, or several summing
    /// under the threshold), the smallest cell still shown is hidden too (secondary). A total under the threshold hides
    /// every cell. Cells of 0 are never hidden: they single nobody out.
    public static func suppress(_ cells: [Int64]) -> [Int64?] {
        var hidden = Set(cells.indices.filter { isSecret(cells[$0]) })
        while !hiddenAreSafe(hidden.map { cells[$0] }) {
            guard let smallest = cells.indices.filter({ !hidden.contains($0) && cells[$0] > 0 })
                .min(by: { (cells[$0], $0) < (cells[$1], $1) }) else { break }
            hidden.insert(smallest)
        }
        return cells.indices.map { hidden.contains($0) ? nil : cells[$0] }
    }
}
