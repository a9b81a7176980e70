import Foundation
import PassnumDomain
import SQLKit

// Read-only queries behind the pages. Each takes the organisation it is scoped to: a page can only ever
// ask for its own organisation's rows.

/// A programme of a funder and its booklets not yet allocated.
public struct StockRow: Sendable, Equatable {
    public let programme: ProgrammeID
    public let programmeName: String
    public let inStock: Int
}

/// What a prescriber holds of a programme, and the quota it may hold (nil: none set).
public struct HoldingRow: Sendable, Equatable {
    public let programme: ProgrammeID
    public let prescriber: NamedRow<PrescriberTag>
    public let booklets: Int
    public let quota: Int?
}

public struct BookletRow: Sendable, Equatable {
    public let id: BookletID
    public let programmeName: String
    public let available: Int
    public let total: Int
}

extension Store {
    /// A funder's programmes, newest first, each with its booklets in stock: one statement (on `booklets_in_stock`). Not
    /// paged: a funder runs a few programmes (one per territory and year), not a number that grows with the activity.
    public func stock(of funder: FunderID) async throws -> [StockRow] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT p.id, p.name, (SELECT COUNT(*) FROM booklets b WHERE b.programme_id = p.id AND b.prescriber_id IS NULL) AS in_stock
                FROM programmes p WHERE p.funder_id = \(bind: funder.rawValue) ORDER BY p.id DESC
                """).all().map {
                StockRow(programme: try $0.id("id"), programmeName: try $0.string("name"), inStock: Int(try $0.int("in_stock")))
            }
        }
    }

    /// What each prescriber holds of a funder's programmes (booklets allocated, quota), by programme then prescriber
    /// number, a page at a time: one statement, each arm a range of an index (`booklets_stock`, the quotas' key).
    public func holdings(of funder: FunderID, _ page: PageRequest = .first) async throws -> Page<HoldingRow> {
        try await read { tx in
            try await tx.page("""
                SELECT h.programme_id, h.prescriber_id, pr.name, CAST(SUM(h.booklets) AS BIGINT) AS booklets, MAX(h.quota) AS quota
                FROM (SELECT b.programme_id, b.prescriber_id, COUNT(*) AS booklets, NULL AS quota
                        FROM booklets b JOIN programmes p ON p.id = b.programme_id
                        WHERE p.funder_id = \(bind: funder.rawValue) AND b.prescriber_id IS NOT NULL GROUP BY b.programme_id, b.prescriber_id
                      UNION ALL
                      SELECT q.programme_id, q.prescriber_id, 0 AS booklets, q.max_booklets AS quota
                        FROM prescriber_quotas q JOIN programmes p ON p.id = q.programme_id WHERE p.funder_id = \(bind: funder.rawValue)) h
                JOIN prescribers pr ON pr.id = h.prescriber_id WHERE 1 = 1
                """, groupBy: " GROUP BY h.programme_id, h.prescriber_id, pr.name",
                keyset: Keyset(.holdings, sort: ["h.programme_id"], keyColumns: ["programme_id"], id: "h.prescriber_id", idColumn: "prescriber_id",
                               descending: false), page) {
                HoldingRow(programme: try $0.id("programme_id"),
                           prescriber: NamedRow(id: try $0.id("prescriber_id"), name: try $0.string("name")),
                           booklets: Int(try $0.int("booklets")), quota: try $0.optionalInt("quota").map(Int.init))
            }
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
    /// in all: one statement, on `checks_allocated` (a few index reads per booklet held, whatever the number of checks).
    public func availableStock(of prescriber: PrescriberID) async throws -> (booklets: Int, checks: Int) {
        try await read { tx in
            let row = try await tx.sql.raw("""
                SELECT CAST(COUNT(DISTINCT c.booklet_id) AS BIGINT) AS booklets, CAST(COUNT(*) AS BIGINT) AS checks
                FROM booklets b JOIN programmes p ON p.id = b.programme_id
                  JOIN checks c ON c.booklet_id = b.id AND \(Self.toHandOut("c"))
                WHERE b.prescriber_id = \(bind: prescriber.rawValue) AND p.expired_at IS NULL
                """).first()
            return (Int(try row?.int("booklets") ?? 0), Int(try row?.int("checks") ?? 0))
        }
    }

    /// "Can still be handed out" (`CheckState.handOut.from`: allocated), written as the condition of the index
    /// `checks_allocated` (a literal: a bound value would not let PostgreSQL use that partial index).
    static func toHandOut(_ checks: String) -> SQLQueryString {
        "\(unsafeRaw: checks).state = \(literal: CheckState.allocated.rawValue)"
    }

    /// The booklets a prescriber holds (of programmes still open), in id order, a page at a time, on
    /// `booklets_prescriber`; with `withChecksLeft`, only those with checks still to hand out, the most recently
    /// numbered first (the hand-out form shows one page: booklets just allocated must be on it).
    public func booklets(of prescriber: PrescriberID, withChecksLeft: Bool = false, _ page: PageRequest = .first) async throws -> Page<BookletRow> {
        let available: SQLQueryString = """
            (SELECT COUNT(*) FROM checks c WHERE c.booklet_id = b.id AND \(Self.toHandOut("c")))
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

extension Store {
    /// The booklet a typed or scanned reference names (a check names its own), if this prescriber holds it, and how many
    /// of its checks are still to hand out: one statement, on the primary keys and `checks_allocated`.
    public func bookletInStock(_ reference: BookletReference, of prescriber: PrescriberID) async throws -> (id: BookletID, available: Int)? {
        let booklet: SQLQueryString = switch reference {
        case .booklet(let id): "\(bind: id.rawValue)"
        case .check(let serial): "(SELECT c.booklet_id FROM checks c WHERE c.id = \(bind: serial.number))"
        }
        return try await read { tx in
            try await tx.sql.raw("""
                SELECT b.id, (SELECT COUNT(*) FROM checks c WHERE c.booklet_id = b.id AND \(Self.toHandOut("c"))) AS available
                FROM booklets b WHERE b.id = \(booklet) AND b.prescriber_id = \(bind: prescriber.rawValue)
                """).first().map { (BookletID(try $0.int("id")), Int(try $0.int("available"))) }
        }
    }
}
