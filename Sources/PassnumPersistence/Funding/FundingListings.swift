import Foundation
import PassnumDomain
import SQLKit

// Read-only queries behind the pages. Each takes the organisation it is scoped to: a page can only ever
// ask for its own organisation's rows.

public struct ProgrammeRow: Sendable, Equatable {
    public let programme: Programme
    public let orders: Int
}

public struct OrderRow: Sendable, Equatable {
    public let summary: OrderSummary
    public let programmeName: String

    public init(summary: OrderSummary, programmeName: String) {
        self.summary = summary
        self.programmeName = programmeName
    }
}

extension Store {
    /// The funders by name, a page at a time (one statement).
    public func funders(_ page: PageRequest = .first) async throws -> Page<NamedRow<FunderTag>> {
        try await read { tx in
            try await tx.page("SELECT f.id, f.name FROM funders f WHERE 1 = 1",
                              keyset: Keyset(.funders, sort: ["f.name"], keyColumns: ["name"], id: "f.id", descending: false), page) {
                NamedRow(id: try $0.id("id"), name: try $0.string("name"))
            }
        }
    }

    public func prescribers() async throws -> [NamedRow<PrescriberTag>] {
        try await read { tx in
            try await tx.sql.raw("SELECT id, name FROM prescribers ORDER BY name").all().map { NamedRow(id: try $0.id("id"), name: try $0.string("name")) }
        }
    }

    public func name(ofFunder funder: FunderID) async throws -> String? {
        try await read { tx in try await tx.sql.raw("SELECT name FROM funders WHERE id = \(bind: funder.rawValue)").first(decodingColumn: "name", as: String.self) }
    }

    public func name(ofPrescriber prescriber: PrescriberID) async throws -> String? {
        try await read { tx in try await tx.sql.raw("SELECT name FROM prescribers WHERE id = \(bind: prescriber.rawValue)").first(decodingColumn: "name", as: String.self) }
    }

    /// Every funder's programmes, newest first, a page at a time, with their funder's name: three statements (the page,
    /// then the terms and shares of its programmes).
    public func programmes(_ page: PageRequest) async throws -> Page<(programme: ProgrammeRow, funderName: String)> {
        try await read { tx in
            let lines = try await tx.page("""
                SELECT p.id, f.name, (SELECT CAST(COUNT(*) AS BIGINT) FROM orders o WHERE o.programme_id = p.id) AS orders
                FROM programmes p JOIN funders f ON f.id = p.funder_id WHERE 1 = 1
                """, keyset: Keyset(.programmes, id: "p.id", descending: true), page) {
                (id: try $0.int("id"), funderName: try $0.string("name"), orders: Int(try $0.int("orders")))
            }
            let programmes = try await tx.programmes(ids: lines.rows.map(\.id))
            return Page(rows: lines.rows.compactMap { line in
                programmes[ProgrammeID(line.id)].map { (ProgrammeRow(programme: $0, orders: line.orders), line.funderName) }
            }, next: lines.next)
        }
    }

    /// The programmes of one funder, or of every funder when nil. Not paged: a funder runs a few programmes (one per
    /// territory and year), a number that does not grow with the activity.
    public func programmes(of funder: FunderID?) async throws -> [ProgrammeRow] {
        try await read { tx in
            let programmes = try await tx.programmes(of: funder)
            let orders = try await tx.integers("""
                SELECT o.programme_id AS k, CAST(COUNT(*) AS BIGINT) AS v FROM orders o JOIN programmes p ON p.id = o.programme_id
                \(Transaction.funderFilter(funder)) GROUP BY o.programme_id
                """)
            return programmes.reversed().map { ProgrammeRow(programme: $0, orders: Int(orders[$0.id.rawValue] ?? 0)) }
        }
    }

    /// The funder that owns an order, to check a request is about one's own order.
    public func funder(ofOrder order: OrderID) async throws -> FunderID? {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT p.funder_id FROM orders o JOIN programmes p ON p.id = o.programme_id WHERE o.id = \(bind: order.rawValue)
                """).first(decodingColumn: "funder_id", as: Int64.self).map(FunderID.init)
        }
    }
}

extension Transaction {
    /// The programmes of one funder (every funder when nil) with their terms and co-funding shares, by id: two statements
    /// whatever their number.
    func programmes(of funder: FunderID?) async throws -> [Programme] {
        try await programmes(where: Self.funderFilter(funder))
    }

    /// The programmes of `ids`, by id: two statements whatever their number (none for no id).
    func programmes(ids: some Collection<Int64>) async throws -> [ProgrammeID: Programme] {
        guard !ids.isEmpty else { return [:] }
        let unique = Set(ids).sorted()
        return Dictionary(try await programmes(where: "WHERE p.id IN (\(binds: unique.binds))").map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The programmes a `WHERE` clause on `p` (programmes) selects, the same way: two statements.
    func programmes(where filter: SQLQueryString) async throws -> [Programme] {
        var shares: [Int64: [CoFundingShare]] = [:]
        for row in try await sql.raw("""
            SELECT s.programme_id, s.cofunder, s.basis_points FROM programme_shares s JOIN programmes p ON p.id = s.programme_id
            \(filter) ORDER BY s.programme_id, s.position
            """).all() {
            shares[try row.int("programme_id"), default: []].append(
                CoFundingShare(cofunder: try row.string("cofunder"), basisPoints: Int(try row.int("basis_points"))))
        }
        return try await sql.raw("SELECT \(unsafeRaw: ProgrammeColumns.select) FROM programmes p \(filter) ORDER BY p.id")
            .all().map { row in
                let programme = try ProgrammeColumns.decode(row)
                var terms = programme.terms
                terms.shares = shares[programme.id.rawValue] ?? []
                return Programme(id: programme.id, funder: programme.funder, terms: terms, expired: programme.expired,
                                 diagnosticGrid: programme.diagnosticGrid, targetPublics: programme.targetPublics)
            }
    }

    static func funderFilter(_ funder: FunderID?) -> SQLQueryString {
        funder.map { "WHERE p.funder_id = \(bind: $0.rawValue)" } ?? ""
    }
}
