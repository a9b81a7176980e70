import Foundation
import PassnumDomain
import SQLKit

/// The mail outbox: one row per message and recipient, written in the transaction of the event that causes it.
/// The app's delivery worker words each notice in French and sends it (PassnumApp/Mail).
extension Transaction {
    /// Queues `notice` for each address (already normalised), to be delivered from `now` on.
    public func enqueue(_ notice: Notice, to addresses: [String], at now: Date) async throws {
        try await enqueue(addresses.map { (address: $0, notice: notice) }, at: now)
    }

    /// Queues `notice` for the people who answer for `organisation`: its accounts in the role that manages it
    /// (operator admins, funder managers, place managers; every agent of a prescriber).
    public func enqueue(_ notice: Notice, toManagersOf organisation: Organisation, at now: Date) async throws {
        let rows = try await sql.raw("SELECT email FROM users WHERE \(Self.managers(of: organisation)) ORDER BY id").all()
        try await enqueue(notice, to: rows.map { try $0.decode(column: "email", as: String.self) }, at: now)
    }

    /// The condition on `users` of the accounts that manage `organisation` and are not deactivated (invited ones included).
    static func managers(of organisation: Organisation) -> SQLQueryString {
        let sameOrganisation: SQLQueryString = organisation.storedID.map { "organisation_id = \(bind: $0)" } ?? "organisation_id IS NULL"
        return """
            organisation_kind = \(bind: organisation.kind.rawValue) AND \(sameOrganisation)
              AND role = \(bind: Role.manager(of: organisation.kind).rawValue) AND deactivated_at IS NULL
            """
    }
}

// MARK: - Delivery (mail14): claims, outcomes, the operator's list

/// Where a message stands. `queued`: waiting for the worker (or for its next attempt); `held`: no relay is
/// configured (the demo), the operator reads it on the mails page; `sent`: the relay accepted it; `failed`: refused
/// for good (5xx) or still undelivered after the last retry.
public enum OutboxState: String, Sendable, CaseIterable, Codable {
    case queued, held, sent, failed
}

/// A message as the worker and the operator's page see it.
public struct OutboxMail: Sendable, Equatable {
    public let id: OutboxMailID
    public let recipient: String
    public let kind: String
    /// Nil when the stored notice no longer decodes (an older version's case): shown by its kind only.
    public let notice: Notice?
    public let state: OutboxState
    public let attempts: Int
    public let createdAt: Date
    public let nextAttemptAt: Date
    public let sentAt: Date?
    public let lastError: String?
    public let messageID: String?
}

/// The operator's filter of the mails page: waiting is `queued` and `held` together.
public enum OutboxFilter: String, Sendable, CaseIterable {
    case waiting, sent, failed

    var states: [OutboxState] {
        switch self {
        case .waiting: [.queued, .held]
        case .sent: [.sent]
        case .failed: [.failed]
        }
    }
}

extension Notice {
    /// The notice as it may stay in the database once delivered: a reset or invitation link is live for a while
    /// and only its recipient may hold it, so its token is blanked.
    public var withoutSecret: Notice {
        switch self {
        case let .passwordReset(_, name): .passwordReset(token: "", name: name)
        case let .invitation(_, name, organisation, invitedBy): .invitation(token: "", name: name, organisationName: organisation, invitedBy: invitedBy)
        default: self
        }
    }
}

/// The retry schedule after a temporary failure (4xx, relay unreachable): 1 min, 5 min, 30 min, 2 h, then every
/// 12 h; after the last one (about two days after the first attempt) the message is `failed`.
public enum OutboxRetry {
    public static let delays: [TimeInterval] = [60, 300, 1_800, 7_200, 43_200, 43_200, 43_200, 43_200]

    /// When to try again after the `attempts`-th failed attempt (1-based), or nil to give up.
    public static func next(after attempts: Int, from now: Date) -> Date? {
        guard attempts >= 1, attempts <= delays.count else { return nil }
        return now.addingTimeInterval(delays[attempts - 1])
    }

    /// How long a claimed row stays with the server that claimed it: a server that dies mid-send leaves its rows,
    /// and another one takes them once this is over (the message may then go twice: at least once, never lost).
    public static let lease: TimeInterval = 600
}

extension Store {
    /// Claims up to `limit` messages due at `now`, oldest first, for one delivery run. Several servers may run it
    /// at once on PostgreSQL: `FOR UPDATE SKIP LOCKED` gives each row to one of them, and the claim moves the row's
    /// next attempt past the lease so that no other run picks it up meanwhile. Two statements whatever the limit.
    public func claimDueMail(limit: Int, now: Date) async throws -> [OutboxMail] {
        let claim = UUID().uuidString
        let limit = Int64(min(max(limit, 1), 1_000))
        let leaseEnd = now.addingTimeInterval(OutboxRetry.lease).millis
        return try await transaction { tx in
            try await tx.sql.raw("""
                UPDATE outbox SET claim = \(bind: claim), next_attempt_at = \(bind: leaseEnd)
                WHERE id IN (SELECT id FROM outbox WHERE state = 'queued' AND next_attempt_at <= \(bind: now.millis)
                  ORDER BY id LIMIT \(bind: limit)\(unsafeRaw: tx.kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""))
                """).run()
            return try await tx.sql.raw("SELECT \(unsafeRaw: Self.outboxColumns) FROM outbox WHERE claim = \(bind: claim) AND state = 'queued' ORDER BY id")
                .all().map(Self.outboxMail)
        }
    }

    /// Without a relay (the demo): every due message is `held` for the operator to read. Returns how many.
    public func holdDueMail(now: Date) async throws -> Int {
        try await transaction { tx in
            let rows = try await tx.sql.raw("""
                UPDATE outbox SET state = 'held', claim = NULL WHERE state = 'queued' AND next_attempt_at <= \(bind: now.millis) RETURNING id
                """).all()
            return rows.count
        }
    }

    /// The relay accepted `mail`: `sent`, with its Message-ID; a link's token is forgotten.
    public func markMailSent(_ mail: OutboxMail, messageID: String, at now: Date) async throws {
        let notice = try mail.notice.map { String(decoding: try JSONEncoder().encode($0.withoutSecret), as: UTF8.self) }
        try await transaction { tx in
            let keepNotice: SQLQueryString = notice.map { "notice = \(bind: $0)" } ?? "notice = notice"
            try await tx.sql.raw("""
                UPDATE outbox SET state = 'sent', sent_at = \(bind: now.millis), message_id = \(bind: messageID), last_error = NULL,
                  attempts = attempts + 1, claim = NULL, \(keepNotice) WHERE id = \(bind: mail.id.rawValue)
                """).run()
        }
    }

    /// An attempt failed. Permanent (`permanent`, a 5xx) or out of retries: `failed`; otherwise queued again after
    /// the backoff. `error` is what the relay answered, never a password or a token.
    @discardableResult
    public func markMailFailed(_ mail: OutboxMail, error: String, permanent: Bool, at now: Date) async throws -> OutboxState {
        let attempts = mail.attempts + 1
        let retryAt = permanent ? nil : OutboxRetry.next(after: attempts, from: now)
        let state: OutboxState = retryAt == nil ? .failed : .queued
        let message = String(error.prefix(500))
        try await transaction { tx in
            try await tx.sql.raw("""
                UPDATE outbox SET state = \(bind: state.rawValue), attempts = \(bind: Int64(attempts)), last_error = \(bind: message),
                  next_attempt_at = \(bind: (retryAt ?? now).millis), claim = NULL WHERE id = \(bind: mail.id.rawValue)
                """).run()
        }
        return state
    }

    /// Puts a `failed` message (or every failed one when `mail` is nil) back in the queue, due now, its attempts
    /// counted afresh; with `includingHeld`, also messages held while there was no relay (the operator's page asks it
    /// for one message at a time: whether an old message is still worth sending is theirs to decide). Returns how many.
    @discardableResult
    public func requeueMail(_ mail: OutboxMailID? = nil, includingHeld: Bool = false, now: Date) async throws -> Int {
        try await transaction { tx in
            let states: SQLQueryString = includingHeld ? "state IN ('failed', 'held')" : "state = 'failed'"
            let which: SQLQueryString = mail.map { " AND id = \(bind: $0.rawValue)" } ?? ""
            return try await tx.sql.raw("""
                UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = \(bind: now.millis), claim = NULL
                WHERE \(states)\(which) RETURNING id
                """).all().count
        }
    }

    /// The operator's list: newest first, a page at a time, optionally of one filter. One statement.
    public func outbox(_ filter: OutboxFilter?, _ page: PageRequest = .first) async throws -> Page<OutboxMail> {
        try await read { tx in
            let states: SQLQueryString = filter.map { filter in
                " AND state IN (" + filter.states.map { "\(bind: $0.rawValue)" as SQLQueryString }.joined(separator: ", ") + ")"
            } ?? ""
            return try await tx.page("SELECT \(unsafeRaw: Self.outboxColumns) FROM outbox WHERE 1 = 1" + states,
                                     keyset: Keyset(.mails, id: "id", descending: true), page) { try Self.outboxMail($0) }
        }
    }

    /// One message of the outbox, or nil.
    public func outboxMail(_ id: OutboxMailID) async throws -> OutboxMail? {
        try await read { tx in
            try await tx.sql.raw("SELECT \(unsafeRaw: Self.outboxColumns) FROM outbox WHERE id = \(bind: id.rawValue)").first().map(Self.outboxMail)
        }
    }

    static let outboxColumns = "id, recipient, kind, notice, state, attempts, created_at, next_attempt_at, sent_at, last_error, message_id"

    static func outboxMail(_ row: any SQLRow) throws -> OutboxMail {
        let stored = try row.string("notice")
        let state = OutboxState(rawValue: try row.string("state")) ?? .failed
        return OutboxMail(
            id: try row.id("id"), recipient: try row.string("recipient"), kind: try row.string("kind"),
            notice: try? JSONDecoder().decode(Notice.self, from: Data(stored.utf8)), state: state,
            attempts: Int(try row.int("attempts")), createdAt: Date(millis: try row.int("created_at")),
            nextAttemptAt: Date(millis: try row.int("next_attempt_at")),
            sentAt: try row.optionalInt("sent_at").map(Date.init(millis:)),
            lastError: try row.optionalString("last_error"), messageID: try row.optionalString("message_id"))
    }
}
