import Foundation
import PassnumDomain
import SQLKit

/// An account as its organisation's managers (their team page) and the operator (every account) see it.
public struct AccountRow: Sendable, Equatable {
    public let id: UserID
    public let email: String
    public let name: String
    public let role: Role
    public let organisation: Organisation
    /// The funder's, prescriber's or place's name; nil for the operator.
    public let organisationName: String?
    public let state: AccountState
    public let createdAt: Date
    public let deactivatedAt: Date?
}

/// An account as the confirmation of its deactivation shows it, with the live API keys it created (revoked with it).
public struct DeactivationPreview: Sendable, Equatable {
    public let account: AccountRow
    public let apiKeys: Int
}

/// An invitation that can still be used, as its page greets the person.
public struct PendingInvitation: Sendable, Equatable {
    public let name: String
    public let email: String
    public let organisationName: String
}

/// The lifecycle of accounts: invited by a manager of their organisation (or the operator), active once the holder
/// chose a password through the link, their role changed within the organisation's roles, deactivated when they
/// leave and reactivated by the operator. Managers act on their own organisation's accounts only; operator admins on
/// every account. An organisation never loses its last active manager. Every change is journaled with who and why.
extension Store {
    /// Creates an account without a password and queues the invitation to its address, in one transaction. Returns
    /// the link's token (only its digest is stored): the command line can show it when no mail is delivered yet.
    @discardableResult
    public func invite(email: String, name: String, role: Role, organisation: Organisation, actor: Actor) async throws -> (user: UserID, token: String) {
        guard let email = AccountRules.normalisedEmail(email) else {
            throw DomainError.invalid(field: .email, problem: .malformed)
        }
        let name = try requiredText(name, field: .name, maximum: 100)
        guard role.organisationKind == organisation.kind else {
            throw DomainError.invalid(field: .role, problem: .notAvailable)
        }
        try actor.requireManaging(organisation)
        let now = clock.now
        let token = Self.randomToken()
        let user = try await transaction { tx in
            try await tx.requireActiveManager(actor)
            let user = try await tx.insertUser(email: email, name: name, passwordHash: "", role: role, organisation: organisation,
                                               actor: actor, reason: "invited", at: now)
            try await tx.sendInvitation(token: token, to: user, email: email, name: name, actor: actor, at: now)
            return user
        }
        return (user, token)
    }

    /// Sends a new invitation to an account that has not chosen its password yet; the links sent before stop working.
    @discardableResult
    public func resendInvitation(to user: UserID, actor: Actor) async throws -> String {
        let now = clock.now
        let token = Self.randomToken()
        try await transaction { tx in
            let account = try await tx.account(user, for: actor)
            try await tx.requireActiveManager(actor)
            guard account.state == .invited else {
                throw DomainError.invalidTransition(entity: "account \(user)", from: account.state.rawValue, to: AccountState.invited.rawValue)
            }
            try await tx.revokePendingInvitations(of: user.rawValue)
            try await tx.sendInvitation(token: token, to: user, email: account.email, name: account.name, actor: actor, at: now)
            try await tx.post(.event(.accountInvited, reference: "user:\(user)", reason: "invitation sent again"), actor: actor, at: now)
        }
        return token
    }

    /// The invitation a link names, while it can be used (not used, not expired, the account not deactivated).
    public func pendingInvitation(token: String) async throws -> PendingInvitation? {
        let now = clock.now.millis
        return try await read { tx in
            guard let row = try await tx.sql.raw("""
                SELECT u.name, u.email, \(unsafeRaw: Self.organisationNameColumns) FROM invitations i JOIN users u ON u.id = i.user_id
                \(unsafeRaw: Self.organisationJoins)
                WHERE i.token_hash = \(bind: Self.digest(token)) AND i.accepted_at IS NULL AND i.expires_at > \(bind: now)
                  AND u.deactivated_at IS NULL
                """).first() else { return nil }
            return PendingInvitation(name: try row.string("name"), email: try row.string("email"),
                                     organisationName: try row.optionalString("organisation_name") ?? Self.operatorName)
        }
    }

    /// Uses an invitation once: the account gets its password (hashed by the caller) and becomes active. Returns the
    /// account, for the caller to open its session. An unknown, used or expired link is `.invalid(.token, .expired)`.
    public func acceptInvitation(token: String, passwordHash: String) async throws -> UserID {
        let now = clock.now
        return try await transaction { tx in
            guard let user = try await tx.sql.raw("""
                UPDATE invitations SET accepted_at = \(bind: now.millis)
                WHERE token_hash = \(bind: Self.digest(token)) AND accepted_at IS NULL AND expires_at > \(bind: now.millis) RETURNING user_id
                """).first(decodingColumn: "user_id", as: Int64.self),
                let email = try await tx.sql.raw("""
                    UPDATE users SET password_hash = \(bind: passwordHash) WHERE id = \(bind: user) AND deactivated_at IS NULL RETURNING email
                    """).first(decodingColumn: "email", as: String.self)
            else { throw DomainError.invalid(field: .token, problem: .expired) }
            // The other links of this account die with this one.
            try await tx.revokePendingInvitations(of: user)
            try await tx.post(.event(.invitationAccepted, reference: "user:\(user)", reason: nil), actor: Actor(email), at: now)
            return UserID(user)
        }
    }

    /// Gives a member another of its organisation's roles (`role` is the form's choice, nil when none was made). Refused
    /// when it would leave the organisation without an active manager (a manager demoting themselves included). The
    /// account is looked up before the form is judged: another organisation's is not found, whatever the form says.
    public func changeRole(of user: UserID, to role: Role?, reason: String, actor: Actor) async throws {
        let now = clock.now
        try await transaction { tx in
            let account = try await tx.account(user, for: actor)
            try await tx.requireActiveManager(actor)
            guard let role else { throw DomainError.invalid(field: .role, problem: .empty) }
            guard role.organisationKind == account.organisation.kind else { throw DomainError.invalid(field: .role, problem: .notAvailable) }
            let reason = try requiredText(reason, field: .reason, maximum: AccountRules.maximumReasonLength)
            guard role != account.role else { return }
            guard account.state != .deactivated else {
                throw DomainError.invalidTransition(entity: "account \(user)", from: account.state.rawValue, to: "role \(role.rawValue)")
            }
            if account.role.manages { try await tx.requireAnotherActiveManager(than: account) }
            try await tx.sql.raw("UPDATE users SET role = \(bind: role.rawValue) WHERE id = \(bind: user.rawValue)").run()
            try await tx.post(.event(.roleChanged, reference: "user:\(user):\(account.role.rawValue)>\(role.rawValue)", reason: reason),
                              actor: actor, at: now)
        }
    }

    /// Deactivates a member who leaves: they cannot sign in, their sessions end now, the API keys they created for
    /// the organisation are revoked (they saw the secrets), their unused links die, and no mail reaches them.
    /// Refused for the organisation's last active manager.
    public func deactivate(_ user: UserID, reason: String, actor: Actor) async throws {
        let now = clock.now
        try await transaction { tx in
            let account = try await tx.account(user, for: actor)
            try await tx.requireActiveManager(actor)
            let reason = try requiredText(reason, field: .reason, maximum: AccountRules.maximumReasonLength)
            guard account.state != .deactivated else {
                throw DomainError.invalidTransition(entity: "account \(user)", from: account.state.rawValue, to: AccountState.deactivated.rawValue)
            }
            if account.role.manages { try await tx.requireAnotherActiveManager(than: account) }
            try await tx.sql.raw("""
                UPDATE users SET deactivated_at = \(bind: now.millis), deactivated_by = \(bind: actor.name) WHERE id = \(bind: user.rawValue)
                """).run()
            try await tx.sql.raw("DELETE FROM sessions WHERE user_id = \(bind: user.rawValue)").run()
            try await tx.revokePendingInvitations(of: user.rawValue)
            try await tx.sql.raw("DELETE FROM password_resets WHERE user_id = \(bind: user.rawValue) AND used_at IS NULL").run()
            // Keys act for the organisation and name their creator by address (`created_by`, the actor's name).
            let revoked = try await tx.sql.raw("""
                UPDATE api_keys SET revoked_at = \(bind: now.millis)
                WHERE created_by = \(bind: account.email) AND organisation_kind = \(bind: account.organisation.kind.rawValue)
                  AND organisation_id = \(bind: account.organisation.storedID ?? -1) AND revoked_at IS NULL RETURNING id
                """).all().map { try $0.int("id") }.sorted()
            try await tx.post(.event(.accountDeactivated, reference: "user:\(user)", reason: reason), actor: actor, at: now)
            if !revoked.isEmpty {
                try await tx.post(.event(.apiKeyChanged, reference: "api_key:" + revoked.map(String.init).joined(separator: ","),
                                         reason: "revoked: its creator user \(user) was deactivated"), actor: actor, at: now)
            }
        }
    }

    /// Makes a deactivated account usable again, with its former password and role. Operator admins only.
    public func reactivate(_ user: UserID, reason: String, actor: Actor) async throws {
        guard actor.organisation == .operator else { throw DomainError.notAllowed(action: "reactivate an account") }
        let now = clock.now
        try await transaction { tx in
            let account = try await tx.account(user, for: actor)
            try await tx.requireActiveManager(actor)
            let reason = try requiredText(reason, field: .reason, maximum: AccountRules.maximumReasonLength)
            guard account.state == .deactivated else {
                throw DomainError.invalidTransition(entity: "account \(user)", from: account.state.rawValue, to: AccountState.active.rawValue)
            }
            try await tx.sql.raw("UPDATE users SET deactivated_at = NULL, deactivated_by = NULL WHERE id = \(bind: user.rawValue)").run()
            try await tx.post(.event(.accountReactivated, reference: "user:\(user)", reason: reason), actor: actor, at: now)
        }
    }

    /// One page of accounts by address: an organisation's own (its team page), or every account when `organisation` is
    /// nil (the operator's page), optionally those whose address starts with `emailPrefix`. One statement.
    public func accounts(of organisation: Organisation?, emailPrefix: String? = nil, _ request: PageRequest) async throws -> Page<AccountRow> {
        var conditions: [SQLQueryString] = []
        if let organisation { conditions.append(Self.members(of: organisation)) }
        if let prefix = emailPrefix?.trimmingCharacters(in: .whitespaces).lowercased(), !prefix.isEmpty {
            // `!` escapes LIKE's wildcards: a searched `_` or `%` is itself (SQLite's LIKE ignores ASCII case, PostgreSQL's
            // does not: addresses are stored lower-cased).
            let escaped = String(prefix.prefix(254)).replacingOccurrences(of: "!", with: "!!")
                .replacingOccurrences(of: "%", with: "!%").replacingOccurrences(of: "_", with: "!_")
            conditions.append("u.email LIKE \(bind: escaped + "%") ESCAPE '!'")
        }
        let keyset = Keyset(.accounts, sort: ["u.email"], keyColumns: ["email"], id: "u.id", descending: false)
        let select: SQLQueryString = """
            SELECT \(unsafeRaw: Self.accountColumns) FROM users u \(unsafeRaw: Self.organisationJoins) WHERE 
            """ + (conditions.isEmpty ? "1 = 1" : conditions.joined(separator: " AND "))
        return try await read { tx in
            try await tx.page(select, keyset: keyset, request) { try Self.accountRow($0) }
        }
    }

    /// The account to deactivate, as its confirmation shows it: nil when it does not exist or belongs to another
    /// organisation than `organisation` (nil: the operator, who sees every account). One statement.
    public func deactivationPreview(of user: UserID, in organisation: Organisation?) async throws -> DeactivationPreview? {
        var query: SQLQueryString = """
            SELECT \(unsafeRaw: Self.accountColumns),
              (SELECT COUNT(*) FROM api_keys k WHERE k.created_by = u.email AND k.organisation_kind = u.organisation_kind
                 AND k.organisation_id = u.organisation_id AND k.revoked_at IS NULL) AS live_keys
            FROM users u \(unsafeRaw: Self.organisationJoins) WHERE u.id = \(bind: user.rawValue)
            """
        if let organisation { query = query + " AND " + Self.members(of: organisation) }
        let select = query
        return try await read { tx in
            try await tx.sql.raw(select).first().map { row in DeactivationPreview(account: try Self.accountRow(row), apiKeys: Int(try row.int("live_keys"))) }
        }
    }

    static func accountRow(_ row: any SQLRow) throws -> AccountRow {
        let role = try Role(rawValue: try row.string("role")).orThrow("users.role")
        let state = try AccountState(rawValue: try row.string("state")).orThrow("users.state")
        return AccountRow(id: try row.id("id"), email: try row.string("email"), name: try row.string("name"), role: role,
                          organisation: try row.organisation(of: "users"), organisationName: try row.optionalString("organisation_name"),
                          state: state, createdAt: Date(millis: try row.int("created_at")),
                          deactivatedAt: try row.optionalInt("deactivated_at").map(Date.init(millis:)))
    }

    /// What an invitation calls the operator, which has no name of its own in the database.
    static let operatorName = "Pass numérique"

    static let accountStateColumn = """
        CASE WHEN u.deactivated_at IS NOT NULL THEN 'deactivated' WHEN u.password_hash = '' THEN 'invited' ELSE 'active' END AS state
        """
    static let organisationNameColumns = "COALESCE(fo.name, po.name, lo.name) AS organisation_name"
    /// What `accountRow` reads, from `users u` with `organisationJoins`.
    static let accountColumns = "u.id, u.email, u.name, u.role, u.organisation_kind, u.organisation_id, u.created_at, u.deactivated_at, "
        + accountStateColumn + ", " + organisationNameColumns

    /// The accounts (`users u`) of `organisation`; the operator's have no organisation id.
    static func members(of organisation: Organisation) -> SQLQueryString {
        "u.organisation_kind = \(bind: organisation.kind.rawValue) AND "
            + (organisation.storedID.map { "u.organisation_id = \(bind: $0)" } ?? "u.organisation_id IS NULL")
    }

    static let organisationJoins = """
        LEFT JOIN funders fo ON u.organisation_kind = 'funder' AND fo.id = u.organisation_id
        LEFT JOIN prescribers po ON u.organisation_kind = 'prescriber' AND po.id = u.organisation_id
        LEFT JOIN places lo ON u.organisation_kind = 'place' AND lo.id = u.organisation_id
        """
}

extension Transaction {
    /// The account's invitation links not yet used stop working (sent again, accepted, deactivated, password reset).
    func revokePendingInvitations(of user: Int64) async throws {
        try await sql.raw("DELETE FROM invitations WHERE user_id = \(bind: user) AND accepted_at IS NULL").run()
    }
}

extension Actor {
    /// Managers act on their own organisation; operator admins on every one.
    func requireManaging(_ organisation: Organisation) throws(DomainError) {
        guard self.organisation == organisation || self.organisation == .operator else { throw .notAllowed(action: "manage the accounts of \(organisation)") }
    }
}

/// An account as the lifecycle operations read it, under lock.
struct LockedAccount {
    let id: UserID
    let email: String
    let name: String
    let role: Role
    let organisation: Organisation
    let state: AccountState
}

extension Transaction {
    /// Inserts an account (an empty `passwordHash` for an invited one) and journals its creation.
    func insertUser(email: String, name: String, passwordHash: String, role: Role, organisation: Organisation, actor: Actor,
                    reason: String?, at now: Date) async throws -> UserID {
        try await requireOrganisation(organisation)
        if try await sql.raw("SELECT id FROM users WHERE email = \(bind: email)").first() != nil {
            throw DomainError.invalid(field: .email, problem: .alreadyUsed)
        }
        let id = try await insertReturningID("""
            INSERT INTO users (email, name, password_hash, organisation_kind, organisation_id, role, failed_logins, created_at)
            VALUES (\(bind: email), \(bind: name), \(bind: passwordHash), \(bind: organisation.kind.rawValue),
              \(bind: organisation.storedID), \(bind: role.rawValue), 0, \(bind: now.millis))
            """)
        try await post(.event(.accountCreated, reference: "user:\(id):\(role.rawValue):\(organisation)", reason: reason), actor: actor, at: now)
        return UserID(id)
    }

    /// Stores the digest of a new invitation link and queues the message, with the names the wording needs.
    func sendInvitation(token: String, to user: UserID, email: String, name: String, actor: Actor, at now: Date) async throws {
        try await sql.raw("""
            INSERT INTO invitations (token_hash, user_id, invited_by, created_at, expires_at)
            VALUES (\(bind: Store.digest(token)), \(bind: user.rawValue), \(bind: actor.name), \(bind: now.millis),
              \(bind: now.addingTimeInterval(AccountRules.invitationLifetime).millis))
            """).run()
        // The invited account's row is written: its organisation's name comes through the accounts list's joins.
        let names = try await sql.raw("""
            SELECT (SELECT name FROM users WHERE email = \(bind: actor.name)) AS inviter, \(unsafeRaw: Store.organisationNameColumns)
            FROM users u \(unsafeRaw: Store.organisationJoins) WHERE u.id = \(bind: user.rawValue)
            """).first()
        let organisationName = try names?.optionalString("organisation_name") ?? Store.operatorName
        let inviter = try names?.optionalString("inviter") ?? Store.operatorName
        try await enqueue(.invitation(token: token, name: name, organisationName: organisationName, invitedBy: inviter), to: [email], at: now)
    }

    /// The account `actor` may act on, locked for the change: its organisation's for a manager, any for the operator;
    /// another organisation's is not found.
    func account(_ user: UserID, for actor: Actor) async throws -> LockedAccount {
        guard let row = try await sql.raw("""
            SELECT u.id, u.email, u.name, u.role, u.organisation_kind, u.organisation_id, \(unsafeRaw: Store.accountStateColumn)
            FROM users u WHERE u.id = \(bind: user.rawValue)
            """ + SQLQueryString(forUpdate)).first()
        else { throw DomainError.notFound("user \(user)") }
        let organisation = try row.organisation(of: "users")
        guard actor.organisation == .operator || actor.organisation == organisation else { throw DomainError.notFound("user \(user)") }
        let role = try Role(rawValue: try row.string("role")).orThrow("users.role")
        let state = try AccountState(rawValue: try row.string("state")).orThrow("users.state")
        return LockedAccount(id: user, email: try row.string("email"), name: try row.string("name"), role: role,
                             organisation: organisation, state: state)
    }

    /// Refuses `actor` unless it is an active manager of its own organisation (an operator admin for the operator), read in
    /// the change's transaction: the route's filter is not the only guard, a member calling the store is refused too. The
    /// row is share-locked, so that a demotion or a deactivation of the actor committing meanwhile waits for this change.
    /// The operator's own processes (`Actor.system`: the command line, the demo) are no account and pass.
    func requireActiveManager(_ actor: Actor) async throws {
        guard actor != .system else { return }
        let refusal = DomainError.notAllowed(action: "manage the accounts of " + (actor.organisation.map { "\($0)" } ?? "no organisation"))
        guard let organisation = actor.organisation else { throw refusal }
        // Managers who chose a password: an invited one cannot act yet.
        guard try await sql.raw("""
            SELECT id FROM users WHERE email = \(bind: actor.name) AND \(Self.managers(of: organisation)) AND password_hash <> ''
            """ + SQLQueryString(forShare)).first() != nil else { throw refusal }
    }

    /// Refuses a change that would leave `account`'s organisation without an active manager. The managers are locked
    /// in id order, so two managers removing each other at once cannot both pass (the second waits and sees the first).
    func requireAnotherActiveManager(than account: LockedAccount) async throws {
        guard account.state == .active else { return }
        let organisation = account.organisation
        // Managers who chose a password: an invited one cannot act yet.
        let managers = try await sql.raw("""
            SELECT id FROM users WHERE \(Self.managers(of: organisation)) AND password_hash <> '' ORDER BY id
            """ + SQLQueryString(forUpdate)).all().map { try $0.int("id") }
        guard managers.contains(where: { $0 != account.id.rawValue }) else {
            throw DomainError.invalid(field: .role, problem: .lastManager)
        }
    }
}
