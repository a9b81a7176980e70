import Foundation
import PassnumDomain
import SQLKit

/// A signed-in user, as every page and form sees them.
public struct SessionUser: Sendable, Equatable {
    public let id: UserID
    public let email: String
    public let name: String
    public let role: Role
    public let organisation: Organisation
    /// The token every form of this session must send back.
    public let csrfToken: String
}

public struct LoginCandidate: Sendable {
    public let id: UserID
    public let passwordHash: String
}

/// What the sign-in limits allow one attempt to do, decided before any password is checked.
public enum LoginClaim: Sendable, Equatable {
    /// The password may be checked; `attempt` is its number for this address from this client in the window.
    case allowed(attempt: Int)
    /// Too many attempts from this client address, whatever the addresses tried.
    case tooManyFromClient(retryAfter: Int)
    /// Too many failures for this address from this client: wait for the window to end.
    case locked(retryAfter: Int)
    /// Past the ceiling for this address from every client: one check per pace, never a long lock.
    case slowedDown(retryAfter: Int)
}

extension Store {
    /// How long a session lasts after sign-in.
    public static let sessionLifetime: TimeInterval = 12 * 3600
    /// How long a password reset link can be used.
    public static let resetLifetime: TimeInterval = 3600

    /// Creates a user of `organisation` with `role`. The password is hashed by the caller (bcrypt, in the app).
    @discardableResult
    public func createUser(email: String, name: String, passwordHash: String, role: Role, organisation: Organisation,
                           actor: Actor = .system) async throws -> UserID {
        guard let email = AccountRules.normalisedEmail(email) else {
            throw DomainError.invalid(field: .email, problem: .malformed)
        }
        let name = try requiredText(name, field: .name, maximum: 100)
        guard role.organisationKind == organisation.kind else {
            throw DomainError.invalid(field: .role, problem: .notAvailable)
        }
        let now = clock.now
        return try await transaction { tx in
            try await tx.insertUser(email: email, name: name, passwordHash: passwordHash, role: role, organisation: organisation,
                                    actor: actor, reason: nil, at: now)
        }
    }

    /// The account that may sign in with this address: active, not deactivated nor only invited (an invited account
    /// has no password yet). Nil otherwise, answered the same way as an unknown address.
    public func loginCandidate(email: String) async throws -> LoginCandidate? {
        guard let email = AccountRules.normalisedEmail(email) else { return nil }
        return try await read { tx in
            try await tx.sql.raw("""
                SELECT id, password_hash FROM users WHERE email = \(bind: email) AND deactivated_at IS NULL AND password_hash <> ''
                """).first()
                .map { LoginCandidate(id: try $0.id("id"), passwordHash: try $0.string("password_hash")) }
        }
    }

    /// The prefix of every sign-in counter of an address: the digest, never the address itself.
    static func loginBuckets(email: String) -> String {
        "login-email:" + digest(AccountRules.normalisedEmail(email) ?? email.lowercased()) + ":"
    }

    /// Claims one password check before it runs, in one transaction, with the same counters whether or not an
    /// account uses `email` (so the answers never tell). Every counter is an atomic upsert that returns its count,
    /// so parallel guesses cannot pass a limit. In order, the first one over refuses and the later ones are not
    /// counted:
    /// 1. `login-address:<client>`: attempts from one client address, across addresses (`perClient` per 15 minutes);
    /// 2. `login-email:<digest>:client:<client>`: attempts at this address from this client (5 per 15 minutes) —
    ///    the "lock", which failures from other clients cannot trigger for this one;
    /// 3. `login-email:<digest>:all`: attempts at this address from every client, per hour; past the ceiling only
    ///    `login-email:<digest>:pace` applies, one check per `AccountRules.ceilingPace`: slower, never locked out (an
    ///    attempt slowed down is not counted in 2).
    public func claimLoginAttempt(email: String, client: String, perClient: Int = AccountRules.failuresPerAddress) async throws -> LoginClaim {
        let prefix = Self.loginBuckets(email: email)
        let window = Int(AccountRules.lockout)
        let now = clock.now.millis
        return try await transaction { tx in
            let fromClient = try await tx.hitRateLimit("login-address:" + client, windowSeconds: window, now: now)
            if fromClient.hits > perClient { return .tooManyFromClient(retryAfter: fromClient.retryAfter) }
            let pair = try await tx.hitRateLimit(prefix + "client:" + client, windowSeconds: window, now: now)
            if pair.hits > AccountRules.failuresBeforeLockout { return .locked(retryAfter: pair.retryAfter) }
            let all = try await tx.hitRateLimit(prefix + "all", windowSeconds: 3600, now: now)
            if all.hits > AccountRules.attemptsPerEmailPerHour {
                let pace = try await tx.hitRateLimit(prefix + "pace", windowSeconds: Int(AccountRules.ceilingPace), now: now)
                if pace.hits > 1 {
                    // Not checked, so not a failure of this client: slowing down must not lead to its lock.
                    try await tx.sql.raw("""
                        UPDATE rate_limits SET hits = hits - 1 WHERE bucket = \(bind: prefix + "client:" + client) AND hits > 0
                        """).run()
                    return .slowedDown(retryAfter: pace.retryAfter)
                }
            }
            return .allowed(attempt: pair.hits)
        }
    }

    /// After the right password: gives the client its attempt back (only failures use up its allowance) and clears
    /// this client's failures at this address.
    public func loginSucceeded(email: String, client: String) async throws {
        let window = Int64(AccountRules.lockout) * 1000
        let now = clock.now.millis
        try await transaction { tx in
            try await tx.sql.raw("""
                UPDATE rate_limits SET hits = hits - 1
                WHERE bucket = \(bind: "login-address:" + client) AND window_start = \(bind: now - now % window) AND hits > 0
                """).run()
            try await tx.sql.raw("DELETE FROM rate_limits WHERE bucket = \(bind: Self.loginBuckets(email: email) + "client:" + client)").run()
        }
    }

    /// Opens a session for a user whose password was just checked. Returns the cookie token.
    public func openSession(user: UserID) async throws -> String {
        let token = Self.randomToken()
        let now = clock.now
        try await transaction { tx in
            try await tx.sql.raw("""
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at)
                VALUES (\(bind: Self.digest(token)), \(bind: user.rawValue), \(bind: Self.randomToken()), \(bind: now.millis),
                  \(bind: now.addingTimeInterval(Self.sessionLifetime).millis), \(bind: now.millis))
                """).run()
        }
        return token
    }

    /// The user of a session cookie, or nil when the session is unknown, over (12 hours after sign-in) or unused
    /// for longer than its role's idle time. Use is recorded at most once a minute, not a write per request.
    public func sessionUser(token: String, timeouts: SessionTimeouts = .standard) async throws -> SessionUser? {
        let now = clock.now.millis
        let digest = Self.digest(token)
        let found = try await read { tx -> (user: SessionUser, lastSeen: Int64)? in
            guard let row = try await tx.sql.raw("""
                SELECT u.id, u.email, u.name, u.role, u.organisation_kind, u.organisation_id, s.csrf_token,
                  COALESCE(s.last_seen_at, s.created_at) AS last_seen
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(bind: digest) AND s.expires_at > \(bind: now) AND u.deactivated_at IS NULL
                """).first(),
                let role = Role(rawValue: try row.string("role"))
            else { return nil }
            let user = SessionUser(
                id: try row.id("id"), email: try row.string("email"), name: try row.string("name"), role: role,
                organisation: try row.organisation(of: "users"),
                csrfToken: try row.string("csrf_token"))
            return (user, try row.int("last_seen"))
        }
        guard let found else { return nil }
        let idle = Int64(timeouts.idle(for: found.user.role) * 1000)
        guard now - found.lastSeen <= idle else {
            try await transaction { tx in try await tx.sql.raw("DELETE FROM sessions WHERE token_hash = \(bind: digest)").run() }
            return nil
        }
        if now - found.lastSeen >= 60_000 {
            try await transaction { tx in
                try await tx.sql.raw("UPDATE sessions SET last_seen_at = \(bind: now) WHERE token_hash = \(bind: digest)").run()
            }
        }
        return found.user
    }

    public func closeSession(token: String) async throws {
        try await transaction { tx in
            try await tx.sql.raw("DELETE FROM sessions WHERE token_hash = \(bind: Self.digest(token))").run()
        }
    }

    /// A one-time password reset token for this address, or nil when no account that is not deactivated has it (the
    /// caller must answer the same either way). The link is queued to the address in the same transaction as the
    /// token's digest: it reaches the holder of the address only, never the log. (An invited account may use it too:
    /// the link proves the address as the invitation does.)
    @discardableResult
    public func createPasswordReset(email: String) async throws -> String? {
        guard let email = AccountRules.normalisedEmail(email) else { return nil }
        let token = Self.randomToken()
        let now = clock.now
        return try await transaction { tx -> String? in
            guard let row = try await tx.sql.raw("""
                SELECT id, name FROM users WHERE email = \(bind: email) AND deactivated_at IS NULL
                """).first() else { return nil }
            try await tx.sql.raw("""
                INSERT INTO password_resets (token_hash, user_id, expires_at)
                VALUES (\(bind: Self.digest(token)), \(bind: try row.int("id")), \(bind: now.addingTimeInterval(Self.resetLifetime).millis))
                """).run()
            try await tx.enqueue(.passwordReset(token: token, name: try row.string("name")), to: [email], at: now)
            return token
        }
    }

    /// Whether a reset token can still be used.
    public func passwordResetIsValid(token: String) async throws -> Bool {
        let now = clock.now.millis
        return try await read { tx in
            try await tx.sql.raw("""
                SELECT user_id FROM password_resets WHERE token_hash = \(bind: Self.digest(token)) AND used_at IS NULL AND expires_at > \(bind: now)
                """).first() != nil
        }
    }

    /// Uses a reset token once: sets the new password hash and closes every session of the user.
    public func resetPassword(token: String, passwordHash: String) async throws {
        let now = clock.now.millis
        try await transaction { tx in
            guard let user = try await tx.sql.raw("""
                UPDATE password_resets SET used_at = \(bind: now)
                WHERE token_hash = \(bind: Self.digest(token)) AND used_at IS NULL AND expires_at > \(bind: now) RETURNING user_id
                """).first(decodingColumn: "user_id", as: Int64.self)
            else { throw DomainError.invalid(field: .token, problem: .expired) }
            // A deactivated account keeps its old password: the link dies with the account.
            guard let email = try await tx.sql.raw("""
                UPDATE users SET password_hash = \(bind: passwordHash) WHERE id = \(bind: user) AND deactivated_at IS NULL RETURNING email
                """).first(decodingColumn: "email", as: String.self)
            else { throw DomainError.invalid(field: .token, problem: .expired) }
            // A new password makes every guess so far worthless: the address's counters start again, for every client.
            // (The prefix is hexadecimal: nothing in it is a LIKE wildcard.)
            try await tx.sql.raw("DELETE FROM rate_limits WHERE bucket LIKE \(bind: Self.loginBuckets(email: email) + "%")").run()
            try await tx.sql.raw("DELETE FROM sessions WHERE user_id = \(bind: user)").run()
            // An invited person who chose a password by this link: their invitation links die, or one could later
            // overwrite the password just chosen.
            try await tx.revokePendingInvitations(of: user)
        }
    }

    /// 256 random bits, URL-safe base64.
    static func randomToken() -> String { [UInt8].random(count: 32).base64URL }

    /// Only digests of tokens are stored: a copy of the database opens no session.
    static func digest(_ token: String) -> String { sha256Hex(Data(token.utf8)) }
}
