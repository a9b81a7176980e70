/// A place's qualification: draft → submitted → qualified or rejected; qualified ↔ suspended;
/// disqualified is final.
public enum PlaceState: String, StateMachine, Codable {
    case draft, submitted, qualified, rejected, suspended, disqualified

    public func canMove(to target: PlaceState) -> Bool {
        switch (self, target) {
        case (.draft, .submitted), (.submitted, .qualified), (.submitted, .rejected),
             (.qualified, .suspended), (.suspended, .qualified),
             (.qualified, .disqualified), (.suspended, .disqualified):
            true
        default:
            false
        }
    }

    /// A state the place never leaves: reaching it cannot be undone.
    public var isFinal: Bool { Self.allCases.allSatisfy { !canMove(to: $0) } }
}

/// A place's request to accept one funder's checks.
public enum AffiliationState: String, StateMachine, Codable {
    case requested, approved, refused

    public func canMove(to target: AffiliationState) -> Bool {
        switch (self, target) {
        case (.requested, .approved), (.requested, .refused), (.refused, .requested), (.approved, .refused): true
        default: false
        }
    }
}
