import Foundation

/// What kind of organisation a user works for. The operator runs the platform and is unique.
public enum OrganisationKind: String, CaseIterable, Sendable, Codable {
    case `operator`, funder, prescriber, place
}

/// The organisation a user belongs to: the operator, or one funder, prescriber structure or place.
public struct Organisation: Hashable, Sendable, Codable, CustomStringConvertible {
    public let kind: OrganisationKind
    /// The funder's, prescriber's or place's id; nil for the operator.
    public let id: Int64?

    public static let `operator` = Organisation(kind: .operator, id: nil)
    public static func funder(_ id: FunderID) -> Organisation { Organisation(kind: .funder, id: id.rawValue) }
    public static func prescriber(_ id: PrescriberID) -> Organisation { Organisation(kind: .prescriber, id: id.rawValue) }
    public static func place(_ id: PlaceID) -> Organisation { Organisation(kind: .place, id: id.rawValue) }

    public init(kind: OrganisationKind, id: Int64?) {
        self.kind = kind
        self.id = kind == .operator ? nil : id
    }

    public var funder: FunderID? { kind == .funder ? id.map(FunderID.init) : nil }
    public var prescriber: PrescriberID? { kind == .prescriber ? id.map(PrescriberID.init) : nil }
    public var place: PlaceID? { kind == .place ? id.map(PlaceID.init) : nil }

    public var description: String { id.map { "\(kind.rawValue) \($0)" } ?? kind.rawValue }
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

/// Account rules shared by every way of creating or using an account.
public enum AccountRules {
    public static let minimumPasswordLength = 10
    public static let maximumPasswordLength = 128

    /// Failed logins in a row before the account is locked for `lockout`.
    public static let failuresBeforeLockout = 5
    public static let lockout: TimeInterval = 15 * 60
    /// Failed logins in a row after which each attempt is answered more slowly.
    public static let failuresBeforeSlowdown = 2

    /// The pause before answering a login attempt after `failures` failures in a row: nothing for the first
    /// ones, then one more second each time, at most 5 seconds.
    public static func slowdown(afterFailures failures: Int) -> TimeInterval {
        failures <= failuresBeforeSlowdown ? 0 : min(Double(failures - failuresBeforeSlowdown), 5)
    }

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
            throw .invalid(field: "password", reason: "must be at least \(minimumPasswordLength) characters")
        }
        guard password.count <= maximumPasswordLength else {
            throw .invalid(field: "password", reason: "must be at most \(maximumPasswordLength) characters")
        }
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
