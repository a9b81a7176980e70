import SQLKit

/// A set of ids said as a few closed ranges instead of one bound parameter per id. Booklets are numbered in
/// order and each booklet's checks are a range, so forty thousand booklets are usually one or two ranges: the
/// statements stay short and under the databases' parameter limits (PostgreSQL 65 535, SQLite 32 766) at any size.
struct IDRanges: Sendable, Equatable {
    /// Sorted, disjoint, and never adjacent (adjacent ranges are merged).
    private(set) var ranges: [ClosedRange<Int64>] = []

    init(_ input: some Sequence<ClosedRange<Int64>>) {
        for range in input.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = ranges.last, range.lowerBound <= last.upperBound &+ 1 {
                ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                ranges.append(range)
            }
        }
    }

    init(ids: some Sequence<Int64>) {
        self.init(ids.map { $0...$0 })
    }

    /// Conditions on `column` (a name written by the code, never by a user), each covering at most `chunk`
    /// ranges, to be run one statement each. Empty when there is no id.
    func conditions(on column: String, chunk: Int = 1_000) -> [SQLQueryString] {
        stride(from: 0, to: ranges.count, by: chunk).map { start in
            var condition: SQLQueryString = "("
            for (offset, range) in ranges[start..<min(start + chunk, ranges.count)].enumerated() {
                if offset > 0 { condition += " OR " }
                condition += "\(unsafeRaw: column) BETWEEN \(bind: range.lowerBound) AND \(bind: range.upperBound)"
            }
            return condition + ")"
        }
    }
}
