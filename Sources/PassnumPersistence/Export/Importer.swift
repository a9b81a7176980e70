import Foundation
import PassnumDomain
import SQLKit
import ZIPFoundation

extension Store {
    /// Restores an archive written by `export` into this store, which must be empty (freshly created): every table
    /// in one transaction, then the files and the installation secret. Everything is checked against the
    /// manifest's hashes before anything is written.
    @discardableResult
    public func importArchive(from url: URL) async throws -> ExportManifest {
        let archive: Archive
        do { archive = try Archive(url: url, accessMode: .read) } catch { throw ArchiveError.unreadable("\(url.path) is not a ZIP archive (\(error))") }
        guard let manifestEntry = archive["manifest.json"] else { throw ArchiveError.unreadable("it has no manifest.json") }
        var manifestData = Data()
        _ = try archive.extract(manifestEntry) { manifestData.append($0) }
        let manifest: ExportManifest
        do { manifest = try JSONDecoder.manifest.decode(ExportManifest.self, from: manifestData) } catch {
            throw ArchiveError.unreadable("manifest.json is not a passnum manifest (\(error))")
        }
        guard manifest.format == ExportManifest.formatName, manifest.version == ExportManifest.currentVersion else {
            throw ArchiveError.incompatible("format \(manifest.format) version \(manifest.version); this passnum reads \(ExportManifest.formatName) version \(ExportManifest.currentVersion)")
        }
        guard manifest.schemaVersion == Schema.migrations.last!.version else {
            throw ArchiveError.incompatible("it holds schema version \(manifest.schemaVersion); this passnum is at \(Schema.migrations.last!.version): restore it with the same version of passnum")
        }
        let expectedHash = Self.contentHash(tables: manifest.tables, files: manifest.files)
        guard manifest.contentHash == expectedHash else { throw ArchiveError.corrupted("its content hash does not match its tables and files") }

        // Every entry is extracted and checked before anything is written.
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: staging) }
        // The archive must hold exactly this schema's tables, and files only where the data directory keeps them.
        let expectedTables = try await read { tx in try await tx.tablesInDependencyOrder() }
        guard Set(manifest.tables.map(\.name)) == Set(expectedTables), manifest.tables.count == expectedTables.count else {
            throw ArchiveError.incompatible("its tables are not this schema's tables")
        }
        for file in manifest.files where !Self.isDataFilePath(file.path) { throw ArchiveError.corrupted("\(file.path) is not a data file's path") }
        for item in manifest.tables.map({ ($0.file, $0.sha256) }) + (manifest.files + (manifest.secret.map { [$0] } ?? [])).map({ ($0.archivePath, $0.sha256) }) {
            guard Self.isSafeRelativePath(item.0), let entry = archive[item.0], entry.type == .file else {
                throw ArchiveError.corrupted("\(item.0) is missing, not a file or not a safe path")
            }
            let destination = staging.appendingPathComponent(item.0)
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            _ = try archive.extract(entry, to: destination)
            guard try Self.sizeAndHash(of: destination).sha256 == item.1 else { throw ArchiveError.corrupted("\(item.0) does not match its SHA-256") }
        }

        // The installation secret: the archive's, or the one already here, must be the one the data was made with.
        let archivedFingerprint = try Self.archivedSetting("secret_fingerprint", in: manifest, staging: staging)
        var newSecret: Data?
        if let file = manifest.secret {
            let bytes = try Data(contentsOf: staging.appendingPathComponent(file.archivePath))
            guard let secret = InstallationSecret(bytes: bytes), archivedFingerprint == nil || secret.fingerprint == archivedFingerprint else {
                throw ArchiveError.secretMismatch("the archive's installation secret is not the one its data was made with")
            }
            newSecret = bytes
        } else if let archivedFingerprint, archivedFingerprint != secret.fingerprint {
            throw ArchiveError.secretMismatch("""
                the archive has no installation secret and the one in \(configuration.dataDirectory.path) is not the one its data was made with: \
                copy the original \(StoreConfiguration.secretFileName) into the data directory first
                """)
        }

        try await read { tx in try await tx.requireEmpty() }  // checked again in the transaction
        let restoredFiles = manifest.files
        for file in restoredFiles where FileManager.default.fileExists(atPath: configuration.dataDirectory.appendingPathComponent(file.path).path) {
            throw ArchiveError.incompatible("\(file.path) already exists in the data directory: import into a new data directory")
        }
        let written = WrittenFiles()
        do {
            try await transaction { tx in
                try await tx.requireEmpty()
                for name in Self.seededTables { try await tx.sql.raw("DELETE FROM \(ident: name)").run() }
                for table in manifest.tables where table.name != Self.migrationsTable {
                    try await tx.restoreTable(table, from: staging.appendingPathComponent(table.file))
                }
                try await tx.resetIdentities(manifest.tables)
                // Written inside the transaction: if a file cannot be written, no row is restored either.
                for file in restoredFiles {
                    let destination = self.configuration.dataDirectory.appendingPathComponent(file.path)
                    try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try FileManager.default.copyItem(at: staging.appendingPathComponent(file.archivePath), to: destination)
                    written.add(destination)
                }
            }
        } catch {
            // Nothing of a failed import stays behind: the rows rolled back, the files go too.
            for url in written.urls { try? FileManager.default.removeItem(at: url) }
            throw error
        }
        if let newSecret {
            let path = configuration.dataDirectory.appendingPathComponent(StoreConfiguration.secretFileName)
            try newSecret.write(to: path, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path.path)
        }
        return manifest
    }

    /// A value of the `settings` table as the archive holds it.
    static func archivedSetting(_ name: String, in manifest: ExportManifest, staging: URL) throws -> String? {
        guard let table = manifest.tables.first(where: { $0.name == "settings" }) else { return nil }
        let lines = try JSONLines(staging.appendingPathComponent(table.file))
        while let object = try lines.next() {
            if object["name"] as? String == name { return object["value"] as? String }
        }
        return nil
    }
}

extension Transaction {
    /// Refuses a database that holds anything beyond what a new installation starts with.
    func requireEmpty() async throws {
        for name in try await tablesInDependencyOrder() where name != Store.migrationsTable && !Store.seededTables.contains(name) {
            if try await sql.raw("SELECT 1 AS one FROM \(ident: name) LIMIT 1").first() != nil { throw ArchiveError.targetNotEmpty(table: name) }
        }
        if try await sql.raw("SELECT 1 AS one FROM journal_head WHERE sequence <> 0 LIMIT 1").first() != nil {
            throw ArchiveError.targetNotEmpty(table: "journal_head")
        }
    }

    func restoreTable(_ table: ExportManifest.Table, from url: URL) async throws {
        let (columns, _) = try await self.columns(of: table.name)
        guard columns == table.columns else {
            throw ArchiveError.incompatible("table \(table.name) has other columns here than in the archive")
        }
        let names = SQLQueryString(columns.map { "\"\($0.name)\"" }.joined(separator: ", "))
        let perInsert = max(1, 2000 / max(1, columns.count))
        var batch: [SQLQueryString] = []
        var restored = 0
        func flush() async throws {
            guard !batch.isEmpty else { return }
            try await sql.raw("INSERT INTO \(ident: table.name) (\(names)) VALUES " + batch.joined(separator: ", ")).run()
            restored += batch.count
            batch.removeAll(keepingCapacity: true)
        }
        let lines = try JSONLines(url)
        while let object = try lines.next() {
            let cells = try columns.map { try ArchiveCell(json: object[$0.name], column: $0, table: table.name) }
            batch.append("(" + cells.map(\.bindable).joined(separator: ", ") + ")")
            if batch.count >= perInsert { try await flush() }
        }
        try await flush()
        guard restored == table.rows else { throw ArchiveError.corrupted("table \(table.name) has \(restored) rows, the manifest says \(table.rows)") }
    }

    /// PostgreSQL's identity columns continue after the restored ids (SQLite's do by themselves).
    func resetIdentities(_ tables: [ExportManifest.Table]) async throws {
        guard kind == .postgres else { return }
        for table in tables where table.columns.contains(where: { $0.name == "id" }) {
            try await sql.raw("""
                SELECT setval(pg_get_serial_sequence(\(bind: table.name), 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM \(ident: table.name)), false)
                """).run()
        }
    }
}

/// The files an import has written so far, to remove them if it fails.
private final class WrittenFiles: @unchecked Sendable {
    // @unchecked: `urls` is only touched under `lock`.
    private let lock = NSLock()
    private var list: [URL] = []

    func add(_ url: URL) { lock.withLock { list.append(url) } }
    var urls: [URL] { lock.withLock { list } }
}
