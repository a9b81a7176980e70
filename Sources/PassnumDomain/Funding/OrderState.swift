import Foundation

/// An order of booklets: draft → quoted → signed → invoiced → paid → fulfilled. It can be cancelled
/// until it is invoiced; after that money is involved and it must be carried through.
public enum OrderState: String, StateMachine, Codable {
    case draft, quoted, signed, invoiced, paid, fulfilled, cancelled

    public var next: OrderState? {
        switch self {
        case .draft: .quoted
        case .quoted: .signed
        case .signed: .invoiced
        case .invoiced: .paid
        case .paid: .fulfilled
        case .fulfilled, .cancelled: nil
        }
    }

    /// Not invoiced yet: the funder may still cancel it or change its engagement number (the invoice carries it).
    public var isBeforeInvoice: Bool { [.draft, .quoted, .signed].contains(self) }

    public func canMove(to target: OrderState) -> Bool {
        if target == .cancelled { return isBeforeInvoice }
        return next == target
    }

    /// Segregation of duties: who may make the move from this state to `target`. The funder orders, accepts
    /// the quote and may cancel before the invoice; the operator quotes, invoices, and fulfils. Nobody moves
    /// an order to *paid*: it gets there when the payments the operator records reach the invoice total, so
    /// no single person creates money in the journal.
    public func movers(to target: OrderState) -> Set<OrganisationKind> {
        guard canMove(to: target) else { return [] }
        switch target {
        case .quoted, .invoiced, .fulfilled: return [.operator]
        case .signed: return [.funder]
        case .cancelled: return [.funder, .operator]
        case .paid, .draft: return []
        }
    }

    /// The orders whose invoice was paid in full (fulfilled orders were paid first).
    public static let paidInFull: [OrderState] = [.paid, .fulfilled]

    /// Whether a payment received can be recorded for an order in this state.
    public var awaitsPayment: Bool { self == .invoiced }

    public static let maximumBooklets = 200_000
}

/// A payment received from a funder for an order, as the operator reads it on the bank statement.
public struct OrderPayment: Sendable, Equatable {
    public let amount: Money
    public let valueDate: CivilDate
    public let bankReference: String

    public static let maximumReferenceLength = 140

    /// Checks what the operator typed: a positive amount, a value date that is not in the future, and the
    /// bank's reference in printable characters.
    public init(amount: Money, valueDate: CivilDate, bankReference: String, today: CivilDate) throws(DomainError) {
        guard amount.cents > 0, amount.cents <= 1_000_000_000_00 else {
            throw .invalid(field: .amount, problem: .amountOutOfRange(min: Money(cents: 1), max: Money(cents: 1_000_000_000_00)))
        }
        guard valueDate <= today else { throw .invalid(field: .valueDate, problem: .inFuture) }
        let reference = bankReference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reference.isEmpty else { throw .invalid(field: .bankReference, problem: .empty) }
        guard reference.count <= Self.maximumReferenceLength else {
            throw .invalid(field: .bankReference, problem: .tooLong(max: Self.maximumReferenceLength))
        }
        guard reference.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) }) else {
            throw .invalid(field: .bankReference, problem: .malformed)
        }
        self.amount = amount
        self.valueDate = valueDate
        self.bankReference = reference
    }
}
