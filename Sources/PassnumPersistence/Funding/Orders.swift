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
    /// The funder's purchase order number for this order, carried by its e-invoice.
    public var engagementNumber: String? = nil
    /// The VAT rate of `vat` (basis points), fixed with it when the order is created.
    public var vatRate = VAT.standardRate

    public var amounts: InvoiceAmounts { InvoiceAmounts(face: faceTotal, fee: fee, vat: vat, vatRate: vatRate) }
}

/// A payment received for an order, as recorded by the operator.
public struct RecordedPayment: Sendable, Equatable {
    public let amount: Money
    public let valueDate: CivilDate
    public let bankReference: String
    public let recordedBy: String
    public let recordedAt: Date
}

/// An order as the operator's list shows it.
public struct OrderListing: Sendable, Equatable {
    public let summary: OrderSummary
    public let funder: String
    public let programme: String
    public let received: Money
}

extension Store {
    /// Orders with what was received for each, newest first, a page at a time: every funder's, or one funder's.
    public func orders(of funder: FunderID? = nil, _ page: PageRequest = .first) async throws -> Page<OrderListing> {
        let filter: SQLQueryString = funder.map { "p.funder_id = \(bind: $0.rawValue)" } ?? "1 = 1"
        return try await read { tx in
            try await tx.page(Transaction.orderListingSelect + " WHERE " + filter, keyset: Keyset(.orders, id: "o.id", descending: true), page,
                              row: Transaction.orderListing)
        }
    }

    /// An order with its funder's and programme's names and what was received, for the operator's order page.
    public func orderListing(_ id: OrderID) async throws -> OrderListing {
        guard let listing = try await read({ tx in
            try await tx.sql.raw(Transaction.orderListingSelect + " WHERE o.id = \(bind: id.rawValue)").first().map(Transaction.orderListing)
        })
        else { throw DomainError.notFound("order \(id)") }
        return listing
    }

    /// A new order in draft: `booklets` booklets of the programme, at face value, plus the management fee in
    /// force and its VAT. Made by the programme's funder (or the operator's own processes). `engagementNumber`: the
    /// funder's purchase order number, carried by the e-invoice.
    public func createOrder(programme: ProgrammeID, booklets: Int, engagementNumber: String? = nil, actor: Actor) async throws -> OrderID {
        guard (1...OrderState.maximumBooklets).contains(booklets) else {
            throw DomainError.invalid(field: .booklets, problem: .outOfRange(min: 1, max: OrderState.maximumBooklets))
        }
        let engagementNumber = try BuyerIdentifiers.engagementNumber(engagementNumber)
        let now = clock.now.millis
        return try await transaction { tx in
            // Locked: a concurrent edit of the programme's terms waits for this first order, or wins before it.
            let programme = try await tx.programme(programme, lock: true)
            try actor.requireFunderOrOperator(programme.funder, else: "programme \(programme.id)")
            guard !programme.expired else {
                throw DomainError.programmeClosed(programme: programme.id, since: programme.terms.expiryDay)
            }
            let faceTotal = programme.terms.faceValue * Int64(booklets * programme.terms.checksPerBooklet)
            let amounts = InvoiceAmounts(face: faceTotal, fee: try await tx.feeSchedule().managementFee.amount(on: faceTotal))
            let id = OrderID(try await tx.insertReturningID("""
                INSERT INTO orders (programme_id, booklets, face_total_cents, fee_cents, vat_cents, vat_rate_bp, state, created_at, updated_at,
                  engagement_number)
                VALUES (\(bind: programme.id.rawValue), \(bind: Int64(booklets)), \(bind: faceTotal.cents), \(bind: amounts.fee.cents),
                  \(bind: amounts.vat.cents), \(bind: amounts.vatRate), \(bind: OrderState.draft.rawValue), \(bind: now), \(bind: now),
                  \(bind: engagementNumber))
                """))
            try await tx.post(.event(.orderMoved, reference: "order:\(id):draft", reason: nil), actor: actor, at: Date(millis: now))
            return id
        }
    }

    public func order(_ id: OrderID) async throws -> OrderSummary {
        try await read { tx in try await tx.order(id) }
    }

    /// Moves an order one step, by the party whose duty it is (`OrderState.movers`): the funder accepts the
    /// quote or cancels; the operator quotes, invoices and fulfils. A funder acting on another funder's order
    /// gets `notFound`. Invoicing issues the numbered invoice; fulfilment issues the booklets and checks.
    /// Nothing moves an order to *paid*: `recordPayment` does, once the payments reach the invoice total.
    @discardableResult
    public func moveOrder(_ id: OrderID, to target: OrderState, actor: Actor) async throws -> OrderSummary {
        let now = clock.now
        return try await transaction { tx in
            let order = try await tx.order(id)
            let funder = try await tx.programme(order.programme).funder
            let party = try tx.party(of: actor, forOrderOf: funder, order: id)
            guard order.state.canMove(to: target) else {
                throw DomainError.invalidTransition(entity: "order \(id)", from: order.state.rawValue, to: target.rawValue)
            }
            guard order.state.movers(to: target).contains(party) else {
                throw DomainError.notAllowed(action: "a \(party.rawValue) cannot move an order from \(order.state.rawValue) to \(target.rawValue)")
            }
            try await tx.setOrderState(order, to: target, at: now)
            switch target {
            case .invoiced:
                _ = try await tx.issueInvoice(kind: .order, amounts: order.amounts, order: id, funder: funder, place: nil, at: now, actor: actor)
            case .fulfilled:
                try await tx.issue(order: order, at: now)
            default:
                break
            }
            try await tx.post(.event(.orderMoved, reference: "order:\(id):\(target.rawValue)", reason: nil), actor: actor, at: now)
            return try await tx.order(id)
        }
    }

    /// Records a payment the operator sees on the bank statement for an invoiced order. The money goes to the
    /// funder's advances; once the order's payments reach the invoice total, the order is paid and the total
    /// is applied to the programme's funds, the fee and the VAT. What is paid beyond the total stays in the
    /// funder's advances, visible in the journal. Only the operator records payments.
    @discardableResult
    public func recordPayment(_ id: OrderID, _ payment: OrderPayment, actor: Actor) async throws -> OrderSummary {
        let now = clock.now
        return try await transaction { tx in
            guard actor.organisation == .operator else {
                throw DomainError.notAllowed(action: "only the operator records payments received")
            }
            // Locked: two payments recorded at once both count, and only one of them pays the order.
            let order = try await tx.order(id, lock: true)
            guard order.state.awaitsPayment else {
                throw DomainError.invalidTransition(entity: "order \(id)", from: order.state.rawValue, to: OrderState.paid.rawValue)
            }
            // One line of the bank statement is one payment: recorded twice (a double click, two operators), it would
            // count twice and could mark the order paid before the money is there. The order's lock orders the two.
            let recorded = try await tx.sql.raw("""
                SELECT 1 AS one FROM order_payments WHERE order_id = \(bind: id.rawValue) AND amount_cents = \(bind: payment.amount.cents)
                  AND value_date = \(bind: payment.valueDate.description) AND bank_reference = \(bind: payment.bankReference)
                """).first()
            guard recorded == nil else { throw DomainError.invalid(field: .bankReference, problem: .alreadyRecorded) }
            let funder = try await tx.programme(order.programme).funder
            try await tx.sql.raw("""
                INSERT INTO order_payments (order_id, funder_id, amount_cents, value_date, bank_reference, recorded_by, recorded_at)
                VALUES (\(bind: id.rawValue), \(bind: funder.rawValue), \(bind: payment.amount.cents), \(bind: payment.valueDate.description),
                  \(bind: payment.bankReference), \(bind: actor.name), \(bind: now.millis))
                """).run()
            var received = try JournalEntry.transfer(.paymentReceived, reference: "order:\(id)", amount: payment.amount,
                                                     from: .bank, to: .funderAdvances(funder))
            received.reason = "bank reference \(payment.bankReference), value date \(payment.valueDate)"
            try await tx.post(received, actor: actor, at: now)
            let paid = try await tx.paymentsTotal(of: id)
            if paid >= order.amounts.total {
                try await tx.setOrderState(order, to: .paid, at: now)
                try await tx.post(try JournalEntry(kind: .orderPayment, reference: "order:\(id)", lines: [
                    .debit(.funderAdvances(funder), order.amounts.total),
                    .credit(.programmeFunds(order.programme), order.faceTotal),
                    .credit(.feeRevenue, order.fee),
                    .credit(.vatPayable, order.vat),
                ]), actor: actor, at: now)
            }
            return try await tx.order(id)
        }
    }

    /// Carries an order from its state to `target` one step at a time, each step by the party whose duty it is
    /// (the same checks apply: `funder` must be the order's funder, `operator` the operator), the payment being one
    /// transfer of the invoice total. For the demo, the benchmarks and the tests, which play both parties.
    public func carryOrder(_ id: OrderID, to target: OrderState, funder: Actor, operator: Actor,
                           bankReference: String = "VIR-DEMO") async throws {
        var order = try await self.order(id)
        while order.state != target, let next = order.state.next {
            if next == .paid {
                let payment = try OrderPayment(amount: order.amounts.total - (try await read { tx in try await tx.paymentsTotal(of: id) }),
                                               valueDate: CivilDate(clock.now), bankReference: "\(bankReference)-\(id)", today: CivilDate(clock.now))
                order = try await recordPayment(id, payment, actor: `operator`)
            } else {
                order = try await moveOrder(id, to: next, actor: order.state.movers(to: next).contains(.funder) ? funder : `operator`)
            }
        }
    }

    /// The payments recorded for an order, oldest first.
    public func payments(of id: OrderID) async throws -> [RecordedPayment] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT amount_cents, value_date, bank_reference, recorded_by, recorded_at FROM order_payments
                WHERE order_id = \(bind: id.rawValue) ORDER BY id
                """).all().map { row in
                RecordedPayment(amount: Money(cents: try row.int("amount_cents")),
                                valueDate: try CivilDate(try row.string("value_date")).orThrow("value_date"),
                                bankReference: try row.string("bank_reference"), recordedBy: try row.string("recorded_by"),
                                recordedAt: Date(millis: try row.int("recorded_at")))
            }
        }
    }
}

extension Transaction {
    /// Orders with their funder's and programme's names and the payments received, to be followed by a `WHERE`.
    static let orderListingSelect: SQLQueryString = """
        SELECT o.id, o.programme_id, o.booklets, o.face_total_cents, o.fee_cents, o.vat_cents, o.vat_rate_bp, o.state, o.engagement_number,
          f.name AS funder_name, p.name AS programme_name,
          (SELECT CAST(COALESCE(SUM(op.amount_cents), 0) AS BIGINT) FROM order_payments op WHERE op.order_id = o.id) AS received
        FROM orders o JOIN programmes p ON p.id = o.programme_id JOIN funders f ON f.id = p.funder_id
        """

    static func orderListing(_ row: any SQLRow) throws -> OrderListing {
        OrderListing(summary: try orderSummary(row), funder: try row.string("funder_name"),
                     programme: try row.string("programme_name"), received: Money(cents: try row.int("received")))
    }

    /// The order; with `lock`, its row is locked until the transaction ends (PostgreSQL).
    func order(_ id: OrderID, lock: Bool = false) async throws -> OrderSummary {
        guard let row = try await sql.raw("""
            SELECT id, programme_id, booklets, face_total_cents, fee_cents, vat_cents, vat_rate_bp, state, engagement_number FROM orders
            WHERE id = \(bind: id.rawValue)
            """ + SQLQueryString(lock ? forUpdate : "")).first()
        else { throw DomainError.notFound("order \(id)") }
        return try Self.orderSummary(row)
    }

    static func orderSummary(_ row: any SQLRow) throws -> OrderSummary {
        OrderSummary(
            id: OrderID(try row.int("id")), programme: ProgrammeID(try row.int("programme_id")), booklets: Int(try row.int("booklets")),
            faceTotal: Money(cents: try row.int("face_total_cents")), fee: Money(cents: try row.int("fee_cents")),
            vat: Money(cents: try row.int("vat_cents")), state: try OrderState(rawValue: try row.string("state")).orThrow("state"),
            engagementNumber: try row.optionalString("engagement_number"), vatRate: try row.int("vat_rate_bp"))
    }

    /// Which side the actor is on for an order of `funder`: the operator, or that funder. Anyone else does not
    /// see the order at all.
    func party(of actor: Actor, forOrderOf funder: FunderID, order: OrderID) throws -> OrganisationKind {
        try actor.requireFunderOrOperator(funder, else: "order \(order)")
        return actor.organisation == .operator ? .operator : .funder
    }

    /// The state guard in the WHERE clause makes concurrent moves of one order safe on PostgreSQL.
    func setOrderState(_ order: OrderSummary, to target: OrderState, at now: Date) async throws {
        let moved = try await sql.raw("""
            UPDATE orders SET state = \(bind: target.rawValue), updated_at = \(bind: now.millis)
            WHERE id = \(bind: order.id.rawValue) AND state = \(bind: order.state.rawValue) RETURNING id
            """).all()
        guard moved.count == 1 else {
            throw DomainError.invalidTransition(entity: "order \(order.id)", from: order.state.rawValue, to: target.rawValue)
        }
    }

    func paymentsTotal(of id: OrderID) async throws -> Money {
        Money(cents: try await sql.raw("""
            SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) AS v FROM order_payments WHERE order_id = \(bind: id.rawValue)
            """).first(decodingColumn: "v", as: Int64.self) ?? 0)
    }
}

/// Orders paid before payments were recorded took the money in one `order_payment` entry debiting the bank. Migration
/// 48 records each as one payment of what that entry received, so that `verify` finds the money the journal holds.
enum OrderPaymentsMigration {
    @Sendable static func recordEarlierPayments(_ tx: Transaction) async throws {
        let rows = try await tx.sql.raw("""
            SELECT t.id AS entry, t.actor, t.occurred_at, o.id AS order_id, p.funder_id, l.debit_cents
            FROM journal_transactions t JOIN journal_lines l ON l.transaction_id = t.id AND l.account = 'bank'
            JOIN orders o ON t.reference = 'order:' || o.id JOIN programmes p ON p.id = o.programme_id
            WHERE t.kind = 'order_payment' AND l.debit_cents > 0 ORDER BY t.id
            """).all()
        for row in rows {
            let occurredAt = try row.int("occurred_at")
            try await tx.sql.raw("""
                INSERT INTO order_payments (order_id, funder_id, amount_cents, value_date, bank_reference, recorded_by, recorded_at)
                VALUES (\(bind: try row.int("order_id")), \(bind: try row.int("funder_id")), \(bind: try row.int("debit_cents")),
                  \(bind: CivilDate(Date(millis: occurredAt)).description),
                  \(bind: "paid before payments were recorded (journal entry \(try row.int("entry")))"), \(bind: try row.string("actor")),
                  \(bind: occurredAt))
                """).run()
        }
    }
}
