import Foundation
import PassnumDomain
import SQLKit

// Read-only queries behind the pages. Each takes the organisation it is scoped to: a page can only ever
// ask for its own organisation's rows.

public struct ProgrammeRow: Sendable {
    public let programme: Programme
    public let orders: Int
}

public struct OrderRow: Sendable {
    public let summary: OrderSummary
    public let programmeName: String
}

extension Store {
    public func funders() async throws -> [NamedRow] {
        try await read { tx in
            try await tx.sql.raw("SELECT id, name FROM funders ORDER BY name").all().map { NamedRow(id: try $0.int("id"), name: try $0.string("name")) }
        }
    }

    public func prescribers() async throws -> [NamedRow] {
        try await read { tx in
            try await tx.sql.raw("SELECT id, name FROM prescribers ORDER BY name").all().map { NamedRow(id: try $0.int("id"), name: try $0.string("name")) }
        }
    }

    public func name(ofFunder funder: FunderID) async throws -> String? {
        try await read { tx in try await tx.sql.raw("SELECT name FROM funders WHERE id = \(bind: funder.rawValue)").first(decodingColumn: "name", as: String.self) }
    }

    public func name(ofPrescriber prescriber: PrescriberID) async throws -> String? {
        try await read { tx in try await tx.sql.raw("SELECT name FROM prescribers WHERE id = \(bind: prescriber.rawValue)").first(decodingColumn: "name", as: String.self) }
    }

    /// The programmes of one funder, or of every funder when nil (the operator's view).
    public func programmes(of funder: FunderID?) async throws -> [ProgrammeRow] {
        try await read { tx in
            let filter: SQLQueryString = funder.map { "WHERE funder_id = \(bind: $0.rawValue)" } ?? ""
            let ids = try await tx.sql.raw("SELECT id FROM programmes \(filter) ORDER BY id DESC")
                .all().map { ProgrammeID(try $0.int("id")) }
            var rows: [ProgrammeRow] = []
            for id in ids {
                let orders = try await tx.sql.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM orders WHERE programme_id = \(bind: id.rawValue)")
                    .first(decodingColumn: "n", as: Int64.self) ?? 0
                rows.append(ProgrammeRow(programme: try await tx.programme(id), orders: Int(orders)))
            }
            return rows
        }
    }

    public func orders(of funder: FunderID) async throws -> [OrderRow] {
        try await read { tx in
            try await tx.orderListings("WHERE p.funder_id = \(bind: funder.rawValue) ORDER BY o.id DESC")
                .map { OrderRow(summary: $0.summary, programmeName: $0.programme) }
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
