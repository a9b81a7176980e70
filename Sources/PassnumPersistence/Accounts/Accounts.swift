import Foundation
import PassnumDomain
import SQLKit

/// A signed-in user, as every page and form sees them.
public struct SessionUser: Sendable, Equatable {
    public let id: Int64
    public let email: String
    public let name: String
    public let role: Role
    public let organisation: Organisation
    /// The token every form of this session must send back.
    public let csrfToken: String
}

public struct LoginCandidate: Sendable {
    public let id: Int64
    public let passwordHash: String
    public let failedLogins: Int
    public let lockedUntil: Date?
}

extension Store {
    /// How long a session lasts after sign-in.
    public static let sessionLifetime: TimeInterval = 12 * 3600
    /// How long a password reset link can be used.
    public static let resetLifetime: TimeInterval = 3600

    /// Creates a user of `organisation` with `role`. The password is hashed by the caller (bcrypt, in the app).
    @discardableResult
    public func createUser(email: String, name: String, passwordHash: String, role: Role, organisation: Organisation,
                           actor: Actor = .system) async throws -> Int64 {
        guard let email = AccountRules.normalisedEmail(email) else {
            throw DomainError.invalid(field: "email", reason: "is not an email address")
        }
        let name = try requiredText(name, field: "name", maximum: 100)
        guard role.organisationKind == organisation.kind else {
            throw DomainError.invalid(field: "role", reason: "\(role.rawValue) is not a role of a \(organisation.kind.rawValue)")
        }
        let now = clock.now.millis
        return try await transaction { tx in
            switch organisation.kind {
            case .operator: break
            case .funder: try await tx.requireFunder(FunderID(organisation.id!))
            case .prescriber: try await tx.requirePrescriber(PrescriberID(organisation.id!))
            case .place: _ = try await tx.placeState(PlaceID(organisation.id!))
            }
            if try await tx.sql.raw("SELECT id FROM users WHERE email = \(bind: email)").first() != nil {
                throw DomainError.invalid(field: "email", reason: "another account already uses this address")
            }
            let id = try await tx.insertReturningID("""
                INSERT INTO users (email, name, password_hash, organisation_kind, organisation_id, role, failed_logins, created_at)
                VALUES (\(bind: email), \(bind: name), \(bind: passwordHash), \(bind: organisation.kind.rawValue),
                  \(bind: organisation.id), \(bind: role.rawValue), 0, \(bind: now))
                """)
            try await tx.post(.event(.accountCreated, reference: "user:\(id):\(role.rawValue):\(organisation)", reason: nil),
                              actor: actor, at: Date(millis: now))
            return id
        }
    }

    public func loginCandidate(email: String) async throws -> LoginCandidate? {
        guard let email = AccountRules.normalisedEmail(email) else { return nil }
        return try await read { tx in
            try await tx.sql.raw("SELECT id, password_hash, failed_logins, locked_until FROM users WHERE email = \(bind: email)").first()
                .map { LoginCandidate(id: try $0.int("id"), passwordHash: try $0.string("password_hash"),
                                      failedLogins: Int(try $0.int("failed_logins")),
                                      lockedUntil: try $0.optionalInt("locked_until").map(Date.init(millis:))) }
        }
    }

    /// Counts a failed login; locks the account once there were too many in a row. Returns the failures.
    @discardableResult
    public func recordLoginFailure(user: Int64) async throws -> Int {
        let now = clock.now
        return try await transaction { tx in
            let failures = Int(try await tx.sql.raw("""
                UPDATE users SET failed_logins = failed_logins + 1 WHERE id = \(bind: user) RETURNING failed_logins
                """).first(decodingColumn: "failed_logins", as: Int64.self) ?? 0)
            if failures >= AccountRules.failuresBeforeLockout {
                let until = now.addingTimeInterval(AccountRules.lockout).millis
                try await tx.sql.raw("UPDATE users SET locked_until = \(bind: until), failed_logins = 0 WHERE id = \(bind: user)").run()
            }
            return failures
        }
    }

    /// Opens a session for a user whose password was just checked. Returns the cookie token.
    public func openSession(user: Int64) async throws -> String {
        let token = Self.randomToken()
        let now = clock.now
        try await transaction { tx in
            try await tx.sql.raw("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = \(bind: user)").run()
            try await tx.sql.raw("""
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
                VALUES (\(bind: Self.digest(token)), \(bind: user), \(bind: Self.randomToken()), \(bind: now.millis),
                  \(bind: now.addingTimeInterval(Self.sessionLifetime).millis))
                """).run()
        }
        return token
    }

    /// The user of a session cookie, or nil when the session is unknown or over.
    public func sessionUser(token: String) async throws -> SessionUser? {
        let now = clock.now.millis
        return try await read { tx in
            guard let row = try await tx.sql.raw("""
                SELECT u.id, u.email, u.name, u.role, u.organisation_kind, u.organisation_id, s.csrf_token
                FROM sessions s JOIN users u ON u.id = s.user_id
                WHERE s.token_hash = \(bind: Self.digest(token)) AND s.expires_at > \(bind: now)
                """).first(),
                let role = Role(rawValue: try row.string("role")),
                let kind = OrganisationKind(rawValue: try row.string("organisation_kind"))
            else { return nil }
            return SessionUser(
                id: try row.int("id"), email: try row.string("email"), name: try row.string("name"), role: role,
                organisation: Organisation(kind: kind, id: try row.optionalInt("organisation_id")),
                csrfToken: try row.string("csrf_token"))
        }
    }

    public func closeSession(token: String) async throws {
        try await transaction { tx in
            try await tx.sql.raw("DELETE FROM sessions WHERE token_hash = \(bind: Self.digest(token))").run()
        }
    }

    /// A one-time password reset token for this address, or nil when no account has it (the caller must
    /// answer the same either way).
    public func createPasswordReset(email: String) async throws -> String? {
        guard let candidate = try await loginCandidate(email: email) else { return nil }
        let token = Self.randomToken()
        let expires = clock.now.addingTimeInterval(Self.resetLifetime).millis
        try await transaction { tx in
            try await tx.sql.raw("""
                INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (\(bind: Self.digest(token)), \(bind: candidate.id), \(bind: expires))
                """).run()
        }
        return token
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
            else { throw DomainError.invalid(field: "token", reason: "this link is unknown, already used or expired") }
            try await tx.sql.raw("""
                UPDATE users SET password_hash = \(bind: passwordHash), failed_logins = 0, locked_until = NULL WHERE id = \(bind: user)
                """).run()
            try await tx.sql.raw("DELETE FROM sessions WHERE user_id = \(bind: user)").run()
        }
    }

    /// 256 random bits, URL-safe base64.
    static func randomToken() -> String { [UInt8].random(count: 32).base64URL }

    /// Only digests of tokens are stored: a copy of the database opens no session.
    static func digest(_ token: String) -> String { sha256Hex(Data(token.utf8)) }
}
