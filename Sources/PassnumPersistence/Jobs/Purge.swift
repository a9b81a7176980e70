import Foundation
import PassnumDomain
import SQLKit

/// How many rows of each kind one purge removed.
public struct PurgeReport: Sendable, Equatable {
    public var sessions = 0
    public var passwordResets = 0
    public var invitations = 0
    public var idempotencyRecords = 0
    public var rateLimitWindows = 0
    public var deliveredMails = 0
    /// Held (no relay) or failed messages past the same lifetime: their links have long expired, and they name people.
    public var undeliveredMails = 0

    public init() {}

    public var total: Int {
        sessions + passwordResets + invitations + idempotencyRecords + rateLimitWindows + deliveredMails + undeliveredMails
    }

    /// One line for the command line and the jobs page.
    public var summary: String {
        "purged \(sessions) sessions, \(passwordResets) password resets, \(invitations) invitations, \(idempotencyRecords) idempotency records, "
            + "\(rateLimitWindows) rate-limit windows, \(deliveredMails) delivered mails, \(undeliveredMails) undelivered mails"
    }
}

extension Store {
    /// How long the answer to a validation is kept under its Idempotency-Key: a retry within this time gets the same
    /// answer. Later, the same key runs the validation again, which refuses checks already validated.
    public static let idempotencyLifetime: TimeInterval = 30 * 86_400
    /// How long a delivered mail stays in the outbox, for the operator's questions ("did they get it?"); a held or
    /// failed one, counted from its creation. Queued ones stay until delivered.
    public static let deliveredMailLifetime: TimeInterval = 30 * 86_400
    /// Rate-limit windows last at most an hour (the longest limit's window).
    public static let rateLimitLifetime: TimeInterval = 3_600
    /// Rows deleted per statement: a big backlog goes in short transactions, never one long lock.
    public static let purgeBatch = 5_000

    /// Deletes what has outlived its use: sessions ended or idle past their role's limit, password reset links used
    /// or expired, invitations accepted or expired, idempotency records past `idempotencyLifetime`, rate-limit
    /// windows past an hour, mails delivered (or held or failed) more than `deliveredMailLifetime` ago. One statement per table and
    /// batch, each batch its own transaction.
    public func purgeExpired(now: Date, sessionTimeouts: SessionTimeouts = .standard, batch: Int = purgeBatch) async throws -> PurgeReport {
        let at = now.millis
        let adminIdle = at - Int64(sessionTimeouts.operatorAdmin * 1000)
        let otherIdle = at - Int64(sessionTimeouts.others * 1000)
        var report = PurgeReport()
        report.sessions = try await deleteInBatches(batch) { limit in """
            DELETE FROM sessions WHERE token_hash IN (
              SELECT s.token_hash FROM sessions s JOIN users u ON u.id = s.user_id
              WHERE s.expires_at <= \(bind: at) OR COALESCE(s.last_seen_at, s.created_at)
                < CASE WHEN u.role = \(bind: Role.operatorAdmin.rawValue) THEN \(bind: adminIdle) ELSE \(bind: otherIdle) END
              LIMIT \(literal: limit))
            RETURNING token_hash
            """ }
        report.passwordResets = try await deleteInBatches(batch) { limit in """
            DELETE FROM password_resets WHERE token_hash IN (
              SELECT token_hash FROM password_resets WHERE used_at IS NOT NULL OR expires_at <= \(bind: at) LIMIT \(literal: limit))
            RETURNING token_hash
            """ }
        report.invitations = try await deleteInBatches(batch) { limit in """
            DELETE FROM invitations WHERE token_hash IN (
              SELECT token_hash FROM invitations WHERE accepted_at IS NOT NULL OR expires_at <= \(bind: at) LIMIT \(literal: limit))
            RETURNING token_hash
            """ }
        let answered = at - Int64(Self.idempotencyLifetime * 1000)
        report.idempotencyRecords = try await deleteInBatches(batch) { limit in """
            DELETE FROM validation_requests WHERE (place_id, request_key) IN (
              SELECT place_id, request_key FROM validation_requests WHERE created_at < \(bind: answered) LIMIT \(literal: limit))
            RETURNING place_id
            """ }
        let windows = at - Int64(Self.rateLimitLifetime * 1000)
        report.rateLimitWindows = try await deleteInBatches(batch) { limit in """
            DELETE FROM rate_limits WHERE (bucket, window_start) IN (
              SELECT bucket, window_start FROM rate_limits WHERE window_start < \(bind: windows) LIMIT \(literal: limit))
            RETURNING bucket
            """ }
        let delivered = at - Int64(Self.deliveredMailLifetime * 1000)
        report.deliveredMails = try await deleteInBatches(batch) { limit in """
            DELETE FROM outbox WHERE id IN (
              SELECT id FROM outbox WHERE state = 'sent' AND sent_at < \(bind: delivered) LIMIT \(literal: limit))
            RETURNING id
            """ }
        report.undeliveredMails = try await deleteInBatches(batch) { limit in """
            DELETE FROM outbox WHERE id IN (
              SELECT id FROM outbox WHERE state IN ('held', 'failed') AND created_at < \(bind: delivered) LIMIT \(literal: limit))
            RETURNING id
            """ }
        return report
    }

    /// Runs `statement` (a DELETE of at most `limit` rows, returning one column per row) until a batch comes back
    /// short; the rows deleted in all.
    private func deleteInBatches(_ limit: Int, _ statement: @escaping @Sendable (Int) -> SQLQueryString) async throws -> Int {
        let limit = max(1, limit)
        var total = 0
        while true {
            let deleted = try await transaction { tx in try await tx.sql.raw(statement(limit)).all().count }
            total += deleted
            if deleted < limit { return total }
        }
    }
}
