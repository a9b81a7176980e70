import Foundation

/// What kind of organisation a user works for. The operator runs the platform and is unique.
public enum OrganisationKind: String, CaseIterable, Sendable, Codable {
    case `operator`, funder, prescriber, place
}

/// The organisation a user belongs to: the operator, or one funder, prescriber structure or place.
public enum Organisation: Hashable, Sendable, CustomStringConvertible {
    case `operator`
    case funder(FunderID)
    case prescriber(PrescriberID)
    case place(PlaceID)

    /// The organisation stored as a kind and an id (nil for the operator), or nil when the two do not fit together.
    public init?(kind: OrganisationKind, id: Int64?) {
        switch (kind, id) {
        case (.operator, nil): self = .operator
        case (.funder, let id?): self = .funder(FunderID(id))
        case (.prescriber, let id?): self = .prescriber(PrescriberID(id))
        case (.place, let id?): self = .place(PlaceID(id))
        default: return nil
        }
    }

    public var kind: OrganisationKind {
        switch self {
        case .operator: .operator
        case .funder: .funder
        case .prescriber: .prescriber
        case .place: .place
        }
    }

    /// The id as stored beside the kind; nil for the operator.
    public var storedID: Int64? {
        switch self {
        case .operator: nil
        case .funder(let id): id.rawValue
        case .prescriber(let id): id.rawValue
        case .place(let id): id.rawValue
        }
    }

    public var funder: FunderID? { if case .funder(let id) = self { id } else { nil } }
    public var prescriber: PrescriberID? { if case .prescriber(let id) = self { id } else { nil } }
    public var place: PlaceID? { if case .place(let id) = self { id } else { nil } }

    public var description: String { storedID.map { "\(kind.rawValue) \($0)" } ?? kind.rawValue }
}

/// A user's role, which also fixes the kind of organisation they belong to.
public enum Role: String, CaseIterable, Sendable, Codable {
    case operatorAdmin = "operator_admin"
    case funderManager = "funder_manager"
    case prescriberAgent = "prescriber_agent"
    case placeManager = "place_manager"
    case placeAgent = "place_agent"

    public var organisationKind: OrganisationKind {
        switch self {
        case .operatorAdmin: .operator
        case .funderManager: .funder
        case .prescriberAgent: .prescriber
        case .placeManager, .placeAgent: .place
        }
    }
}

extension Role {
    /// The roles an organisation of this kind gives its members.
    public static func roles(of kind: OrganisationKind) -> [Role] { allCases.filter { $0.organisationKind == kind } }

    /// The role that answers for an organisation of this kind: it invites, changes roles and deactivates. Kinds with
    /// one role (the operator, a funder, a prescriber) have it as their manager role.
    public static func manager(of kind: OrganisationKind) -> Role {
        switch kind {
        case .operator: .operatorAdmin
        case .funder: .funderManager
        case .prescriber: .prescriberAgent
        case .place: .placeManager
        }
    }

    public var manages: Bool { self == Role.manager(of: organisationKind) }
}

/// Where an account stands: invited (no password chosen yet, cannot sign in), active, or deactivated (cannot sign
/// in, no session, no API key it created, no mail; only the operator reactivates it).
public enum AccountState: String, CaseIterable, Sendable, Codable {
    case invited, active, deactivated
}

/// Account rules shared by every way of creating or using an account.
public enum AccountRules {
    public static let minimumPasswordLength = 10
    public static let maximumPasswordLength = 128
    /// How long an invitation link can be used (it is used once).
    public static let invitationLifetime: TimeInterval = 7 * 24 * 3600
    /// The longest reason a role change, deactivation or reactivation may give (it is journaled).
    public static let maximumReasonLength = 300

    /// Sign-in attempts at one address from one client address in a window of `lockout` before that client must
    /// wait for the window to end. Counted the same way whether or not an account uses the address.
    public static let failuresBeforeLockout = 5
    public static let lockout: TimeInterval = 15 * 60
    /// Attempts at one address in the same window after which each attempt is answered more slowly.
    public static let failuresBeforeSlowdown = 2
    /// Attempts at one address per hour from every client together, after which only one password check per
    /// `ceilingPace` is allowed: guessing from many client addresses is slowed down, the owner is never locked out long.
    public static let attemptsPerEmailPerHour = 100
    public static let ceilingPace: TimeInterval = 10

    /// The pause before answering a login attempt after `failures` failures in a row: nothing for the first
    /// ones, then one more second each time, at most 5 seconds.
    public static func slowdown(afterFailures failures: Int) -> TimeInterval {
        failures <= failuresBeforeSlowdown ? 0 : min(Double(failures - failuresBeforeSlowdown), 5)
    }

    /// Failed sign-ins from one client address, across addresses, before it must wait for the end of the 15 minutes.
    public static let failuresPerAddress = 30

    /// A lower-cased, trimmed email address, or nil when it is not one.
    public static func normalisedEmail(_ text: String) -> String? {
        let email = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              email.allSatisfy({ !$0.isWhitespace && $0 != "<" && $0 != ">" && $0 != "\"" })
        else { return nil }
        return email
    }

    public static func checkPassword(_ password: String) throws(DomainError) {
        guard password.count >= minimumPasswordLength else {
            throw .invalid(field: .password, problem: .tooShort(min: minimumPasswordLength))
        }
        guard password.count <= maximumPasswordLength else {
            throw .invalid(field: .password, problem: .tooLong(max: maximumPasswordLength))
        }
    }
}

/// How long a session may go unused before it ends, by role; every session also ends 12 hours after sign-in.
/// Operator admins can move money: their sessions end sooner.
public struct SessionTimeouts: Sendable, Equatable {
    public var operatorAdmin: TimeInterval
    public var others: TimeInterval

    public static let standard = SessionTimeouts(operatorAdmin: 30 * 60, others: 120 * 60)
    /// Bounds of a setting, in minutes: at least one minute, at most the 12 hours a session lasts anyway.
    public static let minutes = 1...720

    public init(operatorAdmin: TimeInterval, others: TimeInterval) {
        self.operatorAdmin = operatorAdmin
        self.others = others
    }

    public func idle(for role: Role) -> TimeInterval { role == .operatorAdmin ? operatorAdmin : others }

    /// "30" (every role) or "30/120" (operator admins / other roles), in minutes; nil when malformed or out of bounds.
    public static func parse(minutes text: String) -> SessionTimeouts? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard (1...2).contains(parts.count), let first = parts[0], let last = parts[parts.count - 1],
              minutes.contains(first), minutes.contains(last)
        else { return nil }
        return SessionTimeouts(operatorAdmin: TimeInterval(first * 60), others: TimeInterval(last * 60))
    }
}

/// What a partner API key may do. Each kind of organisation has its own scopes.
public enum ApiScope: String, CaseIterable, Sendable, Codable {
    /// A place: check status, validate checks, undo, list its validations and payouts.
    case validate
    /// A prescriber: read its stock of booklets.
    case readStock = "read_stock"
    /// A prescriber: hand checks out to its beneficiaries.
    case handOut = "hand_out"
    /// A funder: statistics by programme and the export of its checks' states.
    case readStatistics = "read_statistics"

    public static func allowed(for kind: OrganisationKind) -> [ApiScope] {
        switch kind {
        case .place: [.validate]
        case .prescriber: [.readStock, .handOut]
        case .funder: [.readStatistics]
        case .operator: []
        }
    }
}
