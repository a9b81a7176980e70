import Foundation
import PassnumPersistence
import Vapor

/// `passnum restore --from DIR`: puts a backup of `passnum backup` back, into an empty data directory (`--data-dir` or
/// PASSNUM_DATA_DIR) and, for a PostgreSQL backup, into the empty database DATABASE_URL names (pg_restore, in one
/// transaction). Every file's SHA-256 is checked against the manifest before anything is written; a non-empty target
/// is refused. Last, the restored database is opened like a server opens it (migrations, secret check) and its row
/// counts and journal heads are compared with those the manifest recorded.
///
/// Not a Vapor command: PassnumMain runs it before the store opens, since opening would create a new secret and an
/// empty schema in the target.
enum RestoreCommand {
    static let name = "restore"
    static let usage = """
        Usage: passnum restore --from DIR [--data-dir NEW_DIR]
        Restores a backup written by `passnum backup` into an empty data directory and, for a PostgreSQL backup, into the
        empty database named by DATABASE_URL. Nothing is overwritten.
        """

    static func invoked(_ arguments: [String]) -> Bool { arguments.count > 1 && arguments[1] == name }

    /// Its line in `passnum --help`, among Vapor's commands. Only the help lists it: `passnum restore` itself never
    /// reaches Vapor.
    struct Listing: AsyncCommand {
        struct Signature: CommandSignature {}
        let help = "Restores a backup of passnum backup into an empty data directory (and empty database): passnum restore --from DIR"
        func run(using context: CommandContext, signature: Signature) async throws { context.console.print(RestoreCommand.usage) }
    }

    /// Restores and returns the summary to print.
    static func run(_ arguments: [String], configuration: StoreConfiguration) async throws -> String {
        if PassnumMain.asksForHelp(arguments) { return usage }
        var rest = Array(arguments.dropFirst(2))
        guard let from = try PassnumMain.takeOption("--from", from: &rest), !from.isEmpty else {
            throw UsageError("--from DIR is required: the directory `passnum backup --out` wrote\n" + usage)
        }
        guard rest.isEmpty else { throw UsageError("unexpected argument \(rest[0])\n" + usage) }
        let directory = URL(fileURLWithPath: from, isDirectory: true).standardizedFileURL
        let manifest = try checkedManifest(in: directory)
        let target = configuration.dataDirectory

        // Every refusal before the first write.
        var postgres: (restore: String, environment: [String: String])?
        switch (manifest.database, configuration.location) {
        case ("sqlite", .sqlite):
            break
        case ("postgres", .postgres(let url)):
            let environment = try PostgresTools.environment(for: url)
            let restore = try PostgresTools.program("pg_restore")
            try await requireEmptyDatabase(environment)
            postgres = (restore, environment)
        case (let kind, _):
            throw UsageError("this is a backup of a \(kind) database and the target is \(configuration.location): a backup "
                + "restores into the same kind (set or unset DATABASE_URL); to move between kinds, use passnum export and import")
        }
        if FileManager.default.fileExists(atPath: target.path), !(try FileManager.default.contentsOfDirectory(atPath: target.path)).isEmpty {
            throw UsageError("the data directory \(target.path) is not empty: restore into a new one (--data-dir); nothing was changed")
        }

        _ = try BackupLayout.prepareEmptyDirectory(target, for: "--data-dir")
        if let postgres {
            // One transaction: a failure leaves the database as empty as it was.
            _ = try await PostgresTools.run(postgres.restore, [
                "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges", "--no-password",
                "--dbname=\(postgres.environment["PGDATABASE"] ?? "")", directory.appendingPathComponent(BackupLayout.postgresFile).path,
            ], environment: postgres.environment)
        }
        let prefix = BackupLayout.filesFolder + "/"
        for file in manifest.files where file.path.hasPrefix(prefix) {
            try BackupLayout.copyPrivately(directory.appendingPathComponent(file.path),
                                           to: target.appendingPathComponent(String(file.path.dropFirst(prefix.count))), under: target)
        }
        if case .sqlite(let path) = configuration.location {
            try BackupLayout.copyPrivately(directory.appendingPathComponent(BackupLayout.sqliteFile), to: URL(fileURLWithPath: path), under: target)
        }

        // Opened as a server opens it: migrations a newer binary brings, and the secret checked against the database.
        let store = try await Store.open(configuration)
        let restored: BackupFacts
        do {
            restored = try await store.backupFacts()
            await store.close()
        } catch {
            await store.close()
            throw error
        }
        let dataFiles = manifest.files.filter { $0.path.hasPrefix(prefix) }.count
        let head = "restored \(restored.rows) rows in \(restored.tables.count) tables and \(dataFiles) files from \(directory.path) "
            + "(a \(manifest.database) backup of \(manifest.createdAt))"
        guard manifest.facts.schemaVersion == restored.schemaVersion else {
            return head + ": migrated from schema \(manifest.facts.schemaVersion) to \(restored.schemaVersion), so the counts are "
                + "not compared with the backup's; run passnum verify"
        }
        let differences = differences(recorded: manifest.facts, restored: restored)
        guard differences.isEmpty else {
            throw UsageError(head + ", but it differs from what the backup recorded: " + differences.joined(separator: "; "))
        }
        return head + ": row counts and journal heads equal to the backup's; run passnum verify"
    }

    /// The manifest, once every file it lists has its size and SHA-256.
    static func checkedManifest(in directory: URL) throws -> BackupManifest {
        let url = directory.appendingPathComponent(BackupLayout.manifestFile)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw UsageError("\(url.path) cannot be read: --from must name a directory written by passnum backup")
        }
        let manifest: BackupManifest
        do { manifest = try JSONDecoder().decode(BackupManifest.self, from: data) } catch {
            throw UsageError("\(url.path) is not a backup manifest: \(error)")
        }
        guard manifest.format == BackupManifest.formatName, manifest.version == BackupManifest.currentVersion else {
            throw UsageError("\(url.path) is a \(manifest.format) manifest, version \(manifest.version); this passnum reads "
                + "\(BackupManifest.formatName) version \(BackupManifest.currentVersion)")
        }
        let database = manifest.database == "sqlite" ? BackupLayout.sqliteFile : BackupLayout.postgresFile
        guard manifest.files.contains(where: { $0.path == database }) else { throw UsageError("the manifest lists no \(database)") }
        for file in manifest.files {
            guard Store.isSafeRelativePath(file.path) else { throw UsageError("the manifest lists an unsafe path: \(file.path)") }
            let url = directory.appendingPathComponent(file.path)
            guard FileManager.default.fileExists(atPath: url.path) else { throw UsageError("the backup is incomplete: \(file.path) is missing") }
            let (size, sha256) = try Store.sizeAndHash(of: url)
            guard size == file.size, sha256 == file.sha256 else {
                throw UsageError("the backup is damaged: \(file.path) has \(size) bytes and SHA-256 \(sha256), the manifest says "
                    + "\(file.size) bytes and \(file.sha256); nothing was restored")
            }
        }
        return manifest
    }

    /// The target database holds no relation outside PostgreSQL's own schemas.
    static func requireEmptyDatabase(_ environment: [String: String]) async throws {
        let count = try await PostgresTools.run(try PostgresTools.program("psql"), [
            "--no-psqlrc", "--no-password", "--tuples-only", "--no-align", "--set=ON_ERROR_STOP=1", "--command", """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
            """,
        ], environment: environment).trimmingCharacters(in: .whitespacesAndNewlines)
        guard count == "0" else {
            throw UsageError("the database \(environment["PGDATABASE"] ?? "") is not empty (\(count) tables, views or sequences): "
                + "restore into a new database (CREATE DATABASE); nothing was changed")
        }
    }

    static func differences(recorded: BackupFacts, restored: BackupFacts) -> [String] {
        var differences: [String] = []
        for name in Set(recorded.tables.keys).union(restored.tables.keys).sorted() where recorded.tables[name] != restored.tables[name] {
            differences.append("\(name): \(restored.tables[name].map(String.init) ?? "no table") rows, the backup had "
                + (recorded.tables[name].map(String.init) ?? "no such table"))
        }
        if recorded.journalHeads != restored.journalHeads { differences.append("the journal heads differ") }
        return differences
    }
}
