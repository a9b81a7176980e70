import Foundation
import PassnumDomain
import SQLKit

/// The numbers funders ask for, computed on aggregates (never on people).
public struct FunderDashboard: Sendable {
    public struct Line: Sendable, Equatable {
        public let label: String
        public let checks: Int
        public let amount: Money

        public init(label: String, checks: Int, amount: Money) {
            self.label = label
            self.checks = checks
            self.amount = amount
        }
    }

    public var bookletsIssued = 0
    public var bookletsHandedOut = 0
    public var bookletsStarted = 0
    public var checksHandedOut = 0
    public var checksValidated = 0
    public var amountValidated = Money.zero
    public var byShare: [Line] = []
    public var byPrescriber: [Line] = []
    public var byPlace: [Line] = []
    public var byCategory: [Line] = []
    public var byMonth: [(month: Month, checks: Int, amount: Money)] = []

    public var bookletsNotHandedOut: Int { bookletsIssued - bookletsHandedOut }

    /// Checks validated per 1 000 checks handed out (an integer: no floating point in reports).
    public var usagePerMille: Int { checksHandedOut == 0 ? 0 : checksValidated * 1000 / checksHandedOut }
}

extension Store {
    /// The dashboard of a funder, with `months` months of history up to the current one. Read from the tallies (never
    /// from `checks`) in six statements, whatever the number of programmes, months, places or prescribers.
    public func dashboard(of funder: FunderID, months: Int = 12) async throws -> FunderDashboard {
        let now = clock.now
        return try await read { tx in
            var board = FunderDashboard()
            let f = funder.rawValue
            let programmes = try await tx.programmes(of: funder)

            let counters: [TallyDimension] = [.state, .bookletsIssued, .bookletsHandedOut, .bookletsStarted, .checksHandedOut, .month]
            var validated: [Int64: Int64] = [:]
            var byMonth: [String: (checks: Int, amount: Money)] = [:]
            for row in try await tx.sql.raw("""
                SELECT t.programme_id, t.dimension, t.code, CAST(SUM(t.checks) AS BIGINT) AS n, p.face_value_cents
                FROM tallies t JOIN programmes p ON p.id = t.programme_id
                WHERE p.funder_id = \(bind: f) AND t.dimension IN (\(binds: counters.map(\.rawValue)))
                GROUP BY t.programme_id, t.dimension, t.code, p.face_value_cents
                """).all() {
                let n = try row.int("n"), programme = try row.int("programme_id"), code = try row.string("code")
                switch TallyDimension(rawValue: try row.string("dimension")) {
                case .state where CheckState(rawValue: code).map(CheckState.validated.contains) == true: validated[programme, default: 0] += n
                case .bookletsIssued: board.bookletsIssued += Int(n)
                case .bookletsHandedOut: board.bookletsHandedOut += Int(n)
                case .bookletsStarted: board.bookletsStarted += Int(n)
                case .checksHandedOut: board.checksHandedOut += Int(n)
                case .month:
                    byMonth[code, default: (0, .zero)].checks += Int(n)
                    byMonth[code, default: (0, .zero)].amount += Money(cents: try row.int("face_value_cents")) * n
                default: break
                }
            }
            var shareOrder: [String] = []
            var shareAmounts: [String: Money] = [:]
            for programme in programmes {
                guard let checks = validated[programme.id.rawValue], checks != 0 else { continue }
                let amount = programme.terms.faceValue * checks
                board.checksValidated += Int(checks)
                board.amountValidated += amount
                for part in programme.terms.split(amount) {
                    if shareAmounts[part.cofunder] == nil { shareOrder.append(part.cofunder) }
                    shareAmounts[part.cofunder, default: .zero] += part.amount
                }
            }
            board.byShare = shareOrder.map { FunderDashboard.Line(label: $0, checks: 0, amount: shareAmounts[$0] ?? .zero) }

            func lines(_ dimension: TallyDimension, label: SQLQueryString, join: SQLQueryString, group: SQLQueryString) async throws -> [FunderDashboard.Line] {
                try await tx.sql.raw("""
                    SELECT \(label) AS label, CAST(SUM(t.checks) AS BIGINT) AS checks, CAST(SUM(t.checks * p.face_value_cents) AS BIGINT) AS amount
                    FROM tallies t JOIN programmes p ON p.id = t.programme_id \(join)
                    WHERE p.funder_id = \(bind: f) AND t.dimension = \(bind: dimension.rawValue)
                    GROUP BY \(group) HAVING SUM(t.checks) <> 0 ORDER BY \(label)
                    """).all().map {
                    FunderDashboard.Line(label: try $0.string("label"), checks: Int(try $0.int("checks")), amount: Money(cents: try $0.int("amount")))
                }
            }
            board.byPrescriber = try await lines(.prescriber, label: "pr.name", join: "JOIN prescribers pr ON pr.id = t.ref", group: "pr.id, pr.name")
            board.byPlace = try await lines(.place, label: "pl.name", join: "JOIN places pl ON pl.id = t.ref", group: "pl.id, pl.name")
            board.byCategory = try await lines(.category, label: "t.code", join: "", group: "t.code")

            var month = CivilDate(now).calendarMonth
            var history: [(month: Month, checks: Int, amount: Money)] = []
            for _ in 0..<months {
                let line = byMonth[month.description]
                history.append((month, line?.checks ?? 0, line?.amount ?? .zero))
                month = month.previous
            }
            board.byMonth = history.reversed()
            return board
        }
    }
}
