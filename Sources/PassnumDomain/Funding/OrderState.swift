/// An order of booklets: draft → quoted → signed → invoiced → paid → fulfilled. It can be cancelled
/// until it is invoiced; after that money is involved and it must be carried through.
public enum OrderState: String, CaseIterable, Sendable, Codable {
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

    public func canMove(to target: OrderState) -> Bool {
        if target == .cancelled { return [.draft, .quoted, .signed].contains(self) }
        return next == target
    }

    public static let maximumBooklets = 200_000
}
