/// A lifecycle whose moves the domain decides. Persistence guards its updates with the states `canMove` allows
/// (`UPDATE … SET state = to WHERE state IN (from)`), so the rule written here is the one production enforces.
public protocol StateMachine: CaseIterable, Sendable, RawRepresentable where RawValue == String {
    func canMove(to target: Self) -> Bool
}

/// A move production makes: the states a guarded update accepts and the state it writes. Built from `canMove`,
/// so a move the domain forbids can never be in `from`.
public struct Transition<State: StateMachine>: Sendable {
    public let from: [State]
    public let to: State

    /// Every state the domain allows to move to `target`.
    public init(to target: State) {
        from = State.allCases.filter { $0.canMove(to: target) }
        to = target
    }

    /// The states among `candidates` the domain allows to move to `target`, for an operation that makes only
    /// some of the moves into `target` (handing out is not undoing a redemption).
    public init(from candidates: [State], to target: State) {
        from = candidates.filter { $0.canMove(to: target) }
        to = target
    }
}
