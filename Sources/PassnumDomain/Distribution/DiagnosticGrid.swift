/// A programme's diagnostic grid: the scores that end levels 1 to 3 (level 4 is above the last) and the checks
/// recommended for each level. The funder adjusts it until the programme's first hand-out; `standard` is the grid
/// every programme starts with.
public struct DiagnosticGrid: Hashable, Sendable, Codable {
    /// The highest score of levels 1, 2 and 3, strictly increasing, below `maximumScore`.
    public var ceilings: [Int]
    /// The checks recommended for levels 1 to 4.
    public var recommended: [Int]

    public init(ceilings: [Int], recommended: [Int]) {
        self.ceilings = ceilings
        self.recommended = recommended
    }

    public static let standard = DiagnosticGrid(ceilings: [5, 10, 15], recommended: [10, 8, 5, 2])

    /// Every answer "alone".
    public static let maximumScore = Diagnostic.questions.count * Diagnostic.Answer.alone.rawValue

    /// The most checks a level may recommend when the programme sets no maximum.
    public static let largestRecommendation = 100

    public func level(score: Int) -> Int {
        (ceilings.firstIndex { score <= $0 } ?? ceilings.count) + 1
    }

    /// The level for a complete set of answers.
    public func level(for answers: [Diagnostic.Answer]) throws(DomainError) -> Int {
        guard answers.count == Diagnostic.questions.count else {
            throw .invalid(field: .answers, problem: .answerCount(expected: Diagnostic.questions.count))
        }
        return level(score: answers.reduce(0) { $0 + $1.rawValue })
    }

    /// The checks the grid recommends for a level, within the programme's minimum and maximum.
    public func recommendedChecks(level: Int, minimum: Int?, maximum: Int?) -> Int {
        let base = recommended.indices.contains(level - 1) ? recommended[level - 1] : (recommended.last ?? 1)
        return Swift.min(Swift.max(base, minimum ?? 1), maximum ?? Int.max)
    }

    /// Thresholds strictly increasing within the score range (every level reachable), each recommendation within
    /// the programme's minimum (or 1) and maximum (or `largestRecommendation`).
    public func validate(minimum: Int?, maximum: Int?) throws(DomainError) {
        guard ceilings.count == Diagnostic.levels.count - 1 else {
            throw .invalid(field: .diagnosticThresholds, problem: .outOfRange(min: 0, max: Self.maximumScore - 1))
        }
        var previous = -1
        for ceiling in ceilings {
            guard (0..<Self.maximumScore).contains(ceiling) else {
                throw .invalid(field: .diagnosticThresholds, problem: .outOfRange(min: 0, max: Self.maximumScore - 1))
            }
            guard ceiling > previous else { throw .invalid(field: .diagnosticThresholds, problem: .notIncreasing) }
            previous = ceiling
        }
        let low = minimum ?? 1, high = maximum ?? Self.largestRecommendation
        guard recommended.count == Diagnostic.levels.count, recommended.allSatisfy({ (low...Swift.max(low, high)).contains($0) }) else {
            throw .invalid(field: .recommendedChecks, problem: .outOfRange(min: low, max: Swift.max(low, high)))
        }
    }

    /// How the grid is stored: "5,10,15;10,8,5,2".
    public var code: String {
        ceilings.map(String.init).joined(separator: ",") + ";" + recommended.map(String.init).joined(separator: ",")
    }

    public init?(code: String) {
        let halves = code.split(separator: ";", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        let ceilings = halves[0].split(separator: ",").compactMap { Int($0) }
        let recommended = halves[1].split(separator: ",").compactMap { Int($0) }
        guard ceilings.count == Diagnostic.levels.count - 1, recommended.count == Diagnostic.levels.count else { return nil }
        self.init(ceilings: ceilings, recommended: recommended)
    }
}
