import Foundation
import PassnumDomain
import SQLKit

// Read-only queries behind the pages. Each takes the organisation it is scoped to: a page can only ever
// ask for its own organisation's rows.

public struct StockRow: Sendable {
    public let programme: ProgrammeID
    public let programmeName: String
    public let inStock: Int
    public let byPrescriber: [(prescriber: NamedRow<PrescriberTag>, booklets: Int, quota: Int?)]
}

public struct BookletRow: Sendable, Equatable {
    public let id: BookletID
    public let programmeName: String
    public let available: Int
    public let total: Int
}

extension Store {
    public func stock(of funder: FunderID) async throws -> [StockRow] {
        try await read { tx in
            var rows: [StockRow] = []
            for programme in try await tx.sql.raw("SELECT id, name FROM programmes WHERE funder_id = \(bind: funder.rawValue) ORDER BY id DESC").all() {
                let id = try programme.int("id")
                let inStock = try await tx.sql.raw("""
                    SELECT CAST(COUNT(*) AS BIGINT) AS n FROM booklets WHERE programme_id = \(bind: id) AND prescriber_id IS NULL
                    """).first(decodingColumn: "n", as: Int64.self) ?? 0
                let held = try await tx.sql.raw("""
                    SELECT pr.id, pr.name, CAST(COUNT(b.id) AS BIGINT) AS booklets, q.max_booklets
                    FROM prescribers pr
                    LEFT JOIN booklets b ON b.prescriber_id = pr.id AND b.programme_id = \(bind: id)
                    LEFT JOIN prescriber_quotas q ON q.prescriber_id = pr.id AND q.programme_id = \(bind: id)
                    GROUP BY pr.id, pr.name, q.max_booklets HAVING COUNT(b.id) > 0 OR q.max_booklets IS NOT NULL ORDER BY pr.name
                    """).all().map {
                    (NamedRow<PrescriberTag>(id: try $0.id("id"), name: try $0.string("name")), Int(try $0.int("booklets")),
                     try $0.optionalInt("max_booklets").map(Int.init))
                }
                rows.append(StockRow(programme: ProgrammeID(id), programmeName: try programme.string("name"), inStock: Int(inStock), byPrescriber: held))
            }
            return rows
        }
    }

    /// The programmes whose booklets a prescriber holds.
    public func programmes(heldBy prescriber: PrescriberID) async throws -> [Programme] {
        try await read { tx in
            try await tx.programmes(where: """
                WHERE p.id IN (SELECT DISTINCT programme_id FROM booklets WHERE prescriber_id = \(bind: prescriber.rawValue))
                """)
        }
    }

    /// How many of a prescriber's booklets (of programmes still open) have checks left to hand out, and how many checks
    /// in all: one statement.
    public func availableStock(of prescriber: PrescriberID) async throws -> (booklets: Int, checks: Int) {
        try await read { tx in
            let row = try await tx.sql.raw("""
                SELECT CAST(COUNT(DISTINCT b.id) AS BIGINT) AS booklets, CAST(COUNT(c.id) AS BIGINT) AS checks
                FROM booklets b JOIN programmes p ON p.id = b.programme_id
                  JOIN checks c ON c.id BETWEEN b.first_check_id AND b.last_check_id AND c.state IN (\(binds: CheckState.handOut.from.binds))
                WHERE b.prescriber_id = \(bind: prescriber.rawValue) AND p.expired_at IS NULL
                """).first()
            return (Int(try row?.int("booklets") ?? 0), Int(try row?.int("checks") ?? 0))
        }
    }

    /// The booklets a prescriber holds (of programmes still open), in id order, a page at a time, on
    /// `booklets_prescriber`; with `withChecksLeft`, only those with checks still to hand out, the most recently
    /// numbered first (the hand-out form shows one page: booklets just allocated must be on it).
    public func booklets(of prescriber: PrescriberID, withChecksLeft: Bool = false, _ page: PageRequest = .first) async throws -> Page<BookletRow> {
        let available: SQLQueryString = """
            (SELECT COUNT(*) FROM checks c WHERE c.id BETWEEN b.first_check_id AND b.last_check_id
              AND c.state IN (\(binds: CheckState.handOut.from.binds)))
            """
        return try await read { tx in
            try await tx.page("""
                SELECT b.id, p.name, b.last_check_id - b.first_check_id + 1 AS total, \(available) AS available
                FROM booklets b JOIN programmes p ON p.id = b.programme_id
                WHERE b.prescriber_id = \(bind: prescriber.rawValue) AND p.expired_at IS NULL
                """ + (withChecksLeft ? " AND " + available + " > 0" : ""), keyset: Keyset(.booklets, id: "b.id", descending: withChecksLeft), page) {
                BookletRow(id: BookletID(try $0.int("id")), programmeName: try $0.string("name"),
                           available: Int(try $0.int("available")), total: Int(try $0.int("total")))
            }
        }
    }
}
