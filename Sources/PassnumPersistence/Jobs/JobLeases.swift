import Foundation
import SQLKit

/// A scheduled job's row in `jobs`: who holds its lease and until when, its last run and when it is next due.
public struct JobStatus: Sendable, Equatable {
    public enum Result: String, Sendable, Equatable {
        case ok, error
    }

    public var name: String
    public var leasedBy: String?
    public var leaseUntil: Date?
    public var lastStartedAt: Date?
    public var lastFinishedAt: Date?
    public var lastDurationMs: Int64?
    public var lastResult: Result?
    public var lastError: String?
    public var nextDueAt: Date

    public init(name: String, leasedBy: String? = nil, leaseUntil: Date? = nil, lastStartedAt: Date? = nil,
                lastFinishedAt: Date? = nil, lastDurationMs: Int64? = nil, lastResult: Result? = nil,
                lastError: String? = nil, nextDueAt: Date) {
        self.name = name
        self.leasedBy = leasedBy
        self.leaseUntil = leaseUntil
        self.lastStartedAt = lastStartedAt
        self.lastFinishedAt = lastFinishedAt
        self.lastDurationMs = lastDurationMs
        self.lastResult = lastResult
        self.lastError = lastError
        self.nextDueAt = nextDueAt
    }

    /// Whether a server holds the lease at `now` (a lease past its end was left by a server that stopped).
    public func isRunning(at now: Date) -> Bool { leaseUntil.map { $0 > now } ?? false }
}

/// The right to run one job now, held by one server until `until` (renewed while the job runs).
public struct JobLease: Sendable, Equatable {
    public let name: String
    public let holder: String
    public let startedAt: Date
}

/// What asking for a job's lease gave.
public enum JobClaim: Sendable, Equatable {
    case claimed(JobLease)
    /// Not due before this time (only when the claim asked for a due job).
    case notDue(until: Date)
    /// Another server (or process) runs it until its lease ends.
    case running(by: String, until: Date)
}

/// Leases on scheduled jobs, so that with several servers on one database exactly one runs each job at a time.
/// A lease is a conditional UPDATE on the job's row, not an advisory lock: it needs no connection held for the
/// whole run, works the same on SQLite, and a server that dies leaves a lease that simply expires.
extension Store {
    /// Takes the lease of `name` for `holder` when no live lease exists (and, with `onlyIfDue`, when the job is due).
    /// The first claim of a job creates its row, due at once.
    public func claimJob(_ name: String, holder: String, lease: TimeInterval, onlyIfDue: Bool) async throws -> JobClaim {
        let now = clock.now
        let until = now.addingTimeInterval(lease)
        // Every server asks every few seconds: a read answers when the job is running or not due, so that only a claim
        // that may succeed writes (SQLite has one writer, which validations need).
        if let row = try await read({ tx in
            try await tx.sql.raw("SELECT leased_by, lease_until, next_due_at FROM jobs WHERE name = \(bind: name)").first()
        }), let claim = try Self.unclaimable(row, now: now, onlyIfDue: onlyIfDue) {
            return claim
        }
        return try await transaction { tx in
            try await tx.sql.raw("""
                INSERT INTO jobs (name, next_due_at) VALUES (\(bind: name), \(bind: now.millis)) ON CONFLICT (name) DO NOTHING
                """).run()
            // Two servers racing: on PostgreSQL the loser waits for the winner's row lock, then sees its lease and
            // updates nothing; on SQLite writes are serialised.
            let due: SQLQueryString = onlyIfDue ? " AND next_due_at <= \(bind: now.millis)" : ""
            // The due time is set just before the start: a "run now" during the run (a later due time) is then seen at
            // its end and kept, and a run cut short by a crash is due again once its lease ends.
            let claimed = try await tx.sql.raw("""
                UPDATE jobs SET leased_by = \(bind: holder), lease_until = \(bind: until.millis), last_started_at = \(bind: now.millis),
                  next_due_at = \(bind: now.millis - 1)
                WHERE name = \(bind: name) AND (lease_until IS NULL OR lease_until <= \(bind: now.millis))\(due) RETURNING name
                """).all()
            if !claimed.isEmpty { return .claimed(JobLease(name: name, holder: holder, startedAt: now)) }
            guard let row = try await tx.sql.raw("SELECT leased_by, lease_until, next_due_at FROM jobs WHERE name = \(bind: name)").first() else {
                throw Inconsistency("the row of job \(name) vanished while it was claimed")
            }
            return try Self.unclaimable(row, now: now, onlyIfDue: true) ?? .notDue(until: Date(millis: try row.int("next_due_at")))
        }
    }

    /// Why a job's row cannot be claimed now: its lease is live, or (asked for a due job) it is not due. Nil: claimable.
    static func unclaimable(_ row: any SQLRow, now: Date, onlyIfDue: Bool) throws -> JobClaim? {
        if let until = try row.optionalInt("lease_until"), until > now.millis {
            return .running(by: try row.optionalString("leased_by") ?? "", until: Date(millis: until))
        }
        let due = try row.int("next_due_at")
        return onlyIfDue && due > now.millis ? .notDue(until: Date(millis: due)) : nil
    }

    /// Extends a lease while its job runs; false when the lease was lost (it expired and another server took it).
    public func renewJobLease(_ lease: JobLease, for duration: TimeInterval) async throws -> Bool {
        let until = clock.now.addingTimeInterval(duration).millis
        return try await transaction { tx in
            !(try await tx.sql.raw("""
                UPDATE jobs SET lease_until = \(bind: until) WHERE name = \(bind: lease.name) AND leased_by = \(bind: lease.holder)
                  AND last_started_at = \(bind: lease.startedAt.millis) RETURNING name
                """).all().isEmpty)
        }
    }

    /// Records the end of a run and gives the lease back; `error` is nil for a success. The job is next due at
    /// `nextDue`, or at once when it was marked due during the run. False when the lease was lost meanwhile (the
    /// other holder's run is the one recorded).
    @discardableResult
    public func finishJob(_ lease: JobLease, error: String?, nextDue: Date) async throws -> Bool {
        let now = clock.now
        let duration = max(0, now.millis - lease.startedAt.millis)
        let result: JobStatus.Result = error == nil ? .ok : .error
        return try await transaction { tx in
            !(try await tx.sql.raw("""
                UPDATE jobs SET leased_by = NULL, lease_until = NULL, last_finished_at = \(bind: now.millis),
                  last_duration_ms = \(bind: duration), last_result = \(bind: result.rawValue), last_error = \(bind: error),
                  next_due_at = CASE WHEN next_due_at >= last_started_at THEN next_due_at ELSE \(bind: nextDue.millis) END
                WHERE name = \(bind: lease.name) AND leased_by = \(bind: lease.holder) AND last_started_at = \(bind: lease.startedAt.millis)
                RETURNING name
                """).all().isEmpty)
        }
    }

    /// Makes a job due now (the operator's "run now"); the next server to look runs it.
    public func markJobDue(_ name: String) async throws {
        let now = clock.now.millis
        try await transaction { tx in
            try await tx.sql.raw("""
                INSERT INTO jobs (name, next_due_at) VALUES (\(bind: name), \(bind: now))
                ON CONFLICT (name) DO UPDATE SET next_due_at = \(bind: now)
                """).run()
        }
    }

    /// Every job that has a row (one that never ran has none), by name.
    public func jobStatuses() async throws -> [JobStatus] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT name, leased_by, lease_until, last_started_at, last_finished_at, last_duration_ms, last_result, last_error,
                  next_due_at FROM jobs ORDER BY name
                """).all().map { row in
                func date(_ column: String) throws -> Date? { try row.optionalInt(column).map(Date.init(millis:)) }
                let result = try row.optionalString("last_result")
                return JobStatus(
                    name: try row.string("name"), leasedBy: try row.optionalString("leased_by"), leaseUntil: try date("lease_until"),
                    lastStartedAt: try date("last_started_at"), lastFinishedAt: try date("last_finished_at"),
                    lastDurationMs: try row.optionalInt("last_duration_ms"),
                    lastResult: try result.map { try JobStatus.Result(rawValue: $0).orThrow("jobs.last_result") },
                    lastError: try row.optionalString("last_error"), nextDueAt: Date(millis: try row.int("next_due_at")))
            }
        }
    }
}
