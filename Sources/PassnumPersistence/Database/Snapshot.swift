import FluentPostgresDriver
import SQLKit

extension Store {
    /// Runs `body` in a read-only transaction that sees one consistent state of the database.
    func snapshot<T: Sendable>(_ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T {
        try await onOneConnection(begin: kind == .sqlite ? ["PRAGMA busy_timeout = 10000", "BEGIN"] : ["BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"], body)
    }

    /// PostgreSQL: runs `body` in a read-only transaction that sees the snapshot `name` another transaction exported
    /// (`pg_export_snapshot()`), which must stay open until this one has begun. On a connection of its own, outside the
    /// pool: the exporting transaction holds one of the pool's, which may have no other free.
    func onExportedSnapshot<T: Sendable>(_ name: String, _ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T {
        guard case .postgres(let url) = configuration.location else { throw StoreError.notConfigured }
        let connection = try await PostgresConnection.connect(
            on: eventLoopGroup.any(), configuration: try Self.postgresSettings(url).coreConfiguration, id: 0, logger: logger)
        do {
            let sql = CountingSQLDatabase(base: connection.sql(queryLogLevel: .trace), counter: statements)
            try await sql.raw("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").run()
            // SET TRANSACTION takes no parameter: the name, which PostgreSQL made, as a quoted literal.
            try await sql.raw("SET TRANSACTION SNAPSHOT \(literal: name)").run()
            let result = try await body(Transaction(sql: sql, kind: .postgres, postgres: PreparedStatements(connection: connection, counter: statements)))
            try await sql.raw("COMMIT").run()
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
