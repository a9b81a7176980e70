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
    /// The dashboard of a funder, with `months` months of history up to the current one.
    public func dashboard(of funder: FunderID, months: Int = 12) async throws -> FunderDashboard {
        let now = clock.now
        return try await read { tx in
            var board = FunderDashboard()
            let f = funder.rawValue
            func number(_ query: SQLQueryString) async throws -> Int {
                Int(try await tx.sql.raw(query).first(decodingColumn: "n", as: Int64.self) ?? 0)
            }
            board.bookletsIssued = try await number("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM booklets b JOIN programmes p ON p.id = b.programme_id WHERE p.funder_id = \(bind: f)
                """)
            board.bookletsHandedOut = try await number("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM booklets b JOIN programmes p ON p.id = b.programme_id WHERE p.funder_id = \(bind: f)
                  AND EXISTS (SELECT 1 FROM checks c WHERE c.id BETWEEN b.first_check_id AND b.last_check_id AND c.beneficiary_id IS NOT NULL)
                """)
            board.bookletsStarted = try await number("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM booklets b JOIN programmes p ON p.id = b.programme_id WHERE p.funder_id = \(bind: f)
                  AND EXISTS (SELECT 1 FROM checks c WHERE c.id BETWEEN b.first_check_id AND b.last_check_id
                    AND c.state IN (\(binds: CheckState.validated.binds)))
                """)
            board.checksHandedOut = try await number("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM checks c JOIN programmes p ON p.id = c.programme_id
                WHERE p.funder_id = \(bind: f) AND c.beneficiary_id IS NOT NULL
                """)
            func lines(_ query: SQLQueryString) async throws -> [FunderDashboard.Line] {
                try await tx.sql.raw(query).all().map {
                    FunderDashboard.Line(label: try $0.string("label"), checks: Int(try $0.int("checks")), amount: Money(cents: try $0.int("amount")))
                }
            }
            let validated: SQLQueryString = "p.funder_id = \(bind: f) AND c.state IN (\(binds: CheckState.validated.binds))"
            let perProgramme = try await tx.sql.raw("""
                SELECT p.id AS programme_id, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount
                FROM checks c JOIN programmes p ON p.id = c.programme_id WHERE \(validated) GROUP BY p.id ORDER BY p.id
                """).all()
            var shares: [String: Money] = [:]
            var shareOrder: [String] = []
            for row in perProgramme {
                let amount = Money(cents: try row.int("amount"))
                board.checksValidated += Int(try row.int("checks"))
                board.amountValidated += amount
                for part in try await tx.programme(ProgrammeID(try row.int("programme_id"))).terms.split(amount) {
                    if shares[part.cofunder] == nil { shareOrder.append(part.cofunder) }
                    shares[part.cofunder, default: .zero] += part.amount
                }
            }
            board.byShare = shareOrder.map { FunderDashboard.Line(label: $0, checks: 0, amount: shares[$0] ?? .zero) }
            board.byPrescriber = try await lines("""
                SELECT pr.name AS label, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN booklets b ON b.id = c.booklet_id
                JOIN prescribers pr ON pr.id = b.prescriber_id WHERE \(validated) GROUP BY pr.id, pr.name ORDER BY pr.name
                """)
            board.byPlace = try await lines("""
                SELECT pl.name AS label, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN places pl ON pl.id = c.place_id
                WHERE \(validated) GROUP BY pl.id, pl.name ORDER BY pl.name
                """)
            board.byCategory = try await lines("""
                SELECT r.category AS label, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount
                FROM redemptions r JOIN checks c ON c.id = r.check_id JOIN programmes p ON p.id = c.programme_id
                WHERE r.undone_at IS NULL AND \(validated) GROUP BY r.category ORDER BY r.category
                """)
            var month = CivilDate(now).calendarMonth
            var history: [(Month, Int, Money)] = []
            for _ in 0..<months {
                let (start, end) = month.interval
                let row = try await tx.sql.raw("""
                    SELECT CAST(COUNT(*) AS BIGINT) AS checks, CAST(COALESCE(SUM(p.face_value_cents), 0) AS BIGINT) AS amount
                    FROM checks c JOIN programmes p ON p.id = c.programme_id
                    WHERE \(validated) AND c.redeemed_at >= \(bind: start.millis) AND c.redeemed_at < \(bind: end.millis)
                    """).first()
                history.append((month, Int(try row?.int("checks") ?? 0), Money(cents: try row?.int("amount") ?? 0)))
                month = month.previous
            }
            board.byMonth = history.reversed().map { (month: $0.0, checks: $0.1, amount: $0.2) }
            return board
        }
    }
}
