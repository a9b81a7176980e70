import Foundation
import PassnumDomain
import SQLKit

public struct OrderSummary: Sendable, Equatable {
    public let id: OrderID
    public let programme: ProgrammeID
    public let booklets: Int
    public let faceTotal: Money
    /// The management fee before VAT, fixed when the order is created.
    public let fee: Money
    public let vat: Money
    public let state: OrderState

    public var amounts: InvoiceAmounts { InvoiceAmounts(face: faceTotal, fee: fee, vat: vat) }
}

extension Store {
    /// A new order in draft: `booklets` booklets of the programme, at face value, plus the management fee in
    /// force and its VAT.
    public func createOrder(programme: ProgrammeID, booklets: Int) async throws -> OrderID {
        guard (1...OrderState.maximumBooklets).contains(booklets) else {
            throw DomainError.invalid(field: "booklets", reason: "must be between 1 and \(OrderState.maximumBooklets)")
        }
        let now = clock.now.millis
        return try await transaction { tx in
            // Locked: a concurrent edit of the programme's terms waits for this first order, or wins before it.
            let programme = try await tx.programme(programme, lock: true)
            guard !programme.expired else {
                throw DomainError.programmeClosed(programme: programme.id, since: programme.terms.expiryDay)
            }
            let faceTotal = programme.terms.faceValue * Int64(booklets * programme.terms.checksPerBooklet)
            let amounts = InvoiceAmounts(face: faceTotal, fee: try await tx.feeSchedule().managementFee.amount(on: faceTotal))
            return OrderID(try await tx.insertReturningID("""
                INSERT INTO orders (programme_id, booklets, face_total_cents, fee_cents, vat_cents, state, created_at, updated_at)
                VALUES (\(bind: programme.id.rawValue), \(bind: Int64(booklets)), \(bind: faceTotal.cents), \(bind: amounts.fee.cents),
                  \(bind: amounts.vat.cents), \(bind: OrderState.draft.rawValue), \(bind: now), \(bind: now))
                """))
        }
    }

    public func order(_ id: OrderID) async throws -> OrderSummary {
        try await read { tx in try await tx.order(id) }
    }

    /// Moves an order one step: draft → quoted → signed → invoiced → paid → fulfilled, or cancels it.
    /// Invoicing issues the numbered invoice; payment writes the journal entry; fulfilment issues the booklets
    /// and checks.
    @discardableResult
    public func moveOrder(_ id: OrderID, to target: OrderState, actor: Actor = .system) async throws -> OrderSummary {
        let now = clock.now
        return try await transaction { tx in
            let order = try await tx.order(id)
            guard order.state.canMove(to: target) else {
                throw DomainError.invalidTransition(entity: "order \(id)", from: order.state.rawValue, to: target.rawValue)
            }
            // The state guard in the WHERE clause makes concurrent moves of one order safe on PostgreSQL.
            let moved = try await tx.sql.raw("""
                UPDATE orders SET state = \(bind: target.rawValue), updated_at = \(bind: now.millis)
                WHERE id = \(bind: id.rawValue) AND state = \(bind: order.state.rawValue) RETURNING id
                """).all()
            guard moved.count == 1 else {
                throw DomainError.invalidTransition(entity: "order \(id)", from: order.state.rawValue, to: target.rawValue)
            }
            switch target {
            case .invoiced:
                let programme = try await tx.programme(order.programme)
                _ = try await tx.issueInvoice(kind: .order, amounts: order.amounts, order: id, funder: programme.funder, place: nil,
                                              at: now, actor: actor)
            case .paid:
                let programme = try await tx.programme(order.programme)
                let entry = try JournalEntry(kind: .orderPayment, reference: "order:\(id)", lines: [
                    .debit(.bank, order.amounts.total),
                    .credit(.programmeFunds(programme.id), order.faceTotal),
                    .credit(.feeRevenue, order.fee),
                    .credit(.vatPayable, order.vat),
                ])
                try await tx.post(entry, actor: actor, at: now)
            case .fulfilled:
                try await tx.issue(order: order)
            default:
                break
            }
            return try await tx.order(id)
        }
    }
}

extension Transaction {
    func order(_ id: OrderID) async throws -> OrderSummary {
        guard let row = try await sql.raw("""
            SELECT id, programme_id, booklets, face_total_cents, fee_cents, vat_cents, state FROM orders WHERE id = \(bind: id.rawValue)
            """).first()
        else { throw DomainError.notFound("order \(id)") }
        guard let state = OrderState(rawValue: try row.string("state")) else {
            throw DomainError.invalid(field: "state", reason: "unreadable order state in the database")
        }
        return OrderSummary(
            id: id, programme: ProgrammeID(try row.int("programme_id")), booklets: Int(try row.int("booklets")),
            faceTotal: Money(cents: try row.int("face_total_cents")), fee: Money(cents: try row.int("fee_cents")),
            vat: Money(cents: try row.int("vat_cents")), state: state)
    }
}
