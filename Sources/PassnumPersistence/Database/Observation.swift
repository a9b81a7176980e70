import Foundation
import SQLKit

/// Whether this server may take traffic: the answer of `/readyz`.
public enum Readiness: Sendable, Equatable {
    case ready
    /// A short reason, safe to show anyone (no address, no error text from the database), and what the database
    /// said, for the log of the request that asked (so the line carries its request id).
    case notReady(String, detail: String? = nil)
}

/// The few cheap reads `/readyz` and a `/metrics` scrape make: each a fixed number of statements, whatever the data.
extension Store {
    /// The database answers and holds exactly the migrations this code knows: a server whose schema is behind (or
    /// ahead, after a newer server migrated it) says so rather than serving pages it cannot read.
    public func readiness() async -> Readiness {
        do {
            _ = try await read { tx in try await tx.sql.raw("SELECT 1 AS one").all() }
        } catch {
            return .notReady("database unreachable", detail: Self.explain(error))
        }
        let code = (count: Schema.migrations.count, latest: Schema.migrations.map(\.version).max() ?? 0)
        do {
            let row = try await read { tx in
                try await tx.sql.raw("SELECT CAST(COUNT(*) AS BIGINT) AS applied, CAST(COALESCE(MAX(version), 0) AS BIGINT) AS latest FROM schema_migrations").first()
            }
            let applied = Int(try row?.int("applied") ?? 0), latest = Int(try row?.int("latest") ?? 0)
            if applied == code.count && latest == code.latest { return .ready }
            return .notReady(latest > code.latest
                ? "database schema is newer than this server (\(latest) > \(code.latest))"
                : "migrations behind: \(applied) of \(code.count) applied")
        } catch {
            return .notReady("migrations unreadable", detail: Self.explain(error))
        }
    }

    /// Messages in the outbox by state, every state present (zero when none): one `GROUP BY`.
    public func outboxDepth() async throws -> [OutboxState: Int] {
        try await read { tx in
            var depth = Dictionary(uniqueKeysWithValues: OutboxState.allCases.map { ($0, 0) })
            for row in try await tx.sql.raw("SELECT state, CAST(COUNT(*) AS BIGINT) AS n FROM outbox GROUP BY state").all() {
                if let state = OutboxState(rawValue: try row.string("state")) { depth[state] = Int(try row.int("n")) }
            }
            return depth
        }
    }

    /// The `application_name` every PostgreSQL session of the platform gives.
    static let applicationName = "passnum"

    /// PostgreSQL only: the platform's sessions open on this database, by state (`active`, `idle`, `idle in
    /// transaction`…), the caller's own excluded. The connection pool (async-kit's) exposes no count of its own, so
    /// this is PostgreSQL's view, and it covers every server on the database, not this process alone. Nil on SQLite.
    public func databaseConnections() async throws -> [String: Int]? {
        guard kind == .postgres else { return nil }
        return try await read { tx in
            var byState: [String: Int] = [:]
            for row in try await tx.sql.raw("""
                SELECT COALESCE(state, 'unknown') AS state, CAST(COUNT(*) AS BIGINT) AS n FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = \(bind: Self.applicationName) AND pid <> pg_backend_pid()
                GROUP BY state
                """).all() {
                byState[try row.string("state")] = Int(try row.int("n"))
            }
            return byState
        }
    }
}
