import Foundation
import PassnumDomain
import SQLKit

/// What the printed booklets of an order say about it.
public struct PrintableOrder: Sendable {
    public let order: OrderID
    public let funderName: String
    public let programme: Programme
}

/// One booklet to print: its number and its checks in order.
public struct PrintableBooklet: Sendable {
    public let id: BookletID
    public let checks: [CheckSerial]
}

extension Store {
    /// A fulfilled order's print data. Throws notFound (or when `funder` is given and the order is not its own), or
    /// invalidTransition when the order is not fulfilled yet (its checks do not exist).
    public func printableOrder(_ id: OrderID, funder: FunderID? = nil) async throws -> PrintableOrder {
        try await read { tx in
            let order = try await tx.order(id)
            let programme = try await tx.programme(order.programme)
            guard funder == nil || funder == programme.funder else { throw DomainError.notFound("order \(id)") }
            guard order.state == .fulfilled else {
                throw DomainError.invalidTransition(entity: "order \(id)", from: order.state.rawValue, to: "printed")
            }
            let name = try await tx.sql.raw("SELECT name FROM funders WHERE id = \(bind: programme.funder.rawValue)")
                .first(decodingColumn: "name", as: String.self) ?? ""
            return PrintableOrder(order: id, funderName: name, programme: programme)
        }
    }

    /// The most recently fulfilled order.
    public func latestFulfilledOrder() async throws -> OrderID? {
        try await read { tx in
            try await tx.sql.raw("SELECT id FROM orders WHERE state = \(bind: OrderState.fulfilled.rawValue) ORDER BY updated_at DESC, id DESC LIMIT 1")
                .first(decodingColumn: "id", as: Int64.self).map(OrderID.init)
        }
    }

    /// The order's booklets after booklet `after` (from the first when nil), at most `limit`, each with its checks: read page by page so that
    /// printing a large order never holds it whole in memory.
    public func printableBooklets(order: OrderID, after: BookletID?, limit: Int) async throws -> [PrintableBooklet] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT id, first_check_id, last_check_id FROM booklets WHERE order_id = \(bind: order.rawValue) AND id > \(bind: after?.rawValue ?? 0)
                ORDER BY id LIMIT \(bind: Int64(limit))
                """).all().map { row in
                let first = try row.int("first_check_id"), last = try row.int("last_check_id")
                return PrintableBooklet(id: try row.id("id"), checks: (first...last).compactMap { CheckSerial(number: $0) })
            }
        }
    }
}
