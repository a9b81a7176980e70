import FluentSQLiteDriver
import Foundation
import SQLKit

// The database's side of `passnum backup` and `passnum restore`: a consistent copy (SQLite) or a held snapshot
// (PostgreSQL, for pg_dump), and the facts a backup records so that a restore can be compared with it.

/// What a backup records of the database at the instant of its snapshot; a restore reads them again and compares.
public struct BackupFacts: Codable, Sendable, Equatable {
    /// The last migration applied: a restore by a newer binary migrates further, and then the counts may differ.
    public var schemaVersion: Int64
    /// Rows per table, every table of the schema (`schema_migrations` included).
    public var tables: [String: Int64]
    /// The head of each journal lane: its last sequence number and hash. Equal heads mean the same chained journal.
    public var journalHeads: [JournalHead]

    public struct JournalHead: Codable, Sendable, Equatable {
        public var lane: Int64
        public var sequence: Int64
        public var hash: String
    }

    public var rows: Int64 { tables.values.reduce(0, +) }
}

extension Store {
    /// SQLite only: writes a copy of the database to `file` with `VACUUM INTO`, which reads one snapshot and lets other
    /// processes (the servers) write meanwhile. The file must not exist.
    public func copySQLiteDatabase(to file: URL) async throws {
        try await read { tx in try await tx.sql.raw("VACUUM INTO \(bind: file.path)").run() }
    }

    /// Reads the facts of one snapshot, then, still inside it, runs `whileHeld` with the snapshot's name on PostgreSQL
    /// (`pg_export_snapshot()`: `pg_dump --snapshot` then dumps exactly what the facts describe), nil on SQLite.
    public func backupFacts(whileHeld: @escaping @Sendable (String?) async throws -> Void = { _ in }) async throws -> BackupFacts {
        try await snapshot { tx in
            let name = tx.kind == .postgres ? try await tx.sql.raw("SELECT pg_export_snapshot() AS name").first()?.string("name") : nil
            let facts = try await tx.backupFacts()
            try await whileHeld(name)
            return facts
        }
    }

    /// The facts of a SQLite file other than the store's own (a copy `copySQLiteDatabase` wrote), read on a connection
    /// of its own that only reads.
    public static func backupFacts(ofSQLiteFile file: URL) async throws -> BackupFacts {
        let connection = try await SQLiteConnection.open(storage: .file(path: file.path))
        do {
            let facts = try await Transaction(sql: connection.sql(), kind: .sqlite).backupFacts()
            try await connection.close()
            return facts
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The data directory's files a backup carries, relative to it: the installation secret first, then what
    /// `dataFiles()` exports (documents, payout files); never the SQLite database, which is copied apart.
    public func backupDataFiles() throws -> [String] {
        [StoreConfiguration.secretFileName] + (try dataFiles())
    }
}

extension Transaction {
    func backupFacts() async throws -> BackupFacts {
        let version = try await sql.raw("SELECT MAX(version) AS version FROM schema_migrations").first()?.int("version") ?? 0
        var tables: [String: Int64] = [:]
        // One count per table: a command run by the operator, not a page; a few seconds at national scale.
        for name in try await tablesInDependencyOrder() {
            tables[name] = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: name)").first()?.int("n") ?? 0
        }
        let heads = try await journalHeads().map { BackupFacts.JournalHead(lane: $0.lane, sequence: $0.sequence, hash: $0.hash) }
        return BackupFacts(schemaVersion: version, tables: tables, journalHeads: heads)
    }
}
