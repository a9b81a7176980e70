import Crypto
import Foundation
import PassnumDomain
import SQLKit
import ZIPFoundation

/// The full export of an installation (docs/EXPORT-FORMAT.md): a ZIP archive with a manifest, every table as JSON
/// lines, the files of the data directory and, unless left out, the installation secret. Another operator can
/// read it with any ZIP and JSON tool, and `importArchive` restores it into an empty database of either kind.
public struct ExportManifest: Codable, Sendable, Equatable {
    public static let formatName = "passnum-export"
    public static let currentVersion = 1

    public struct Column: Codable, Sendable, Equatable {
        public let name: String
        /// "integer" (64-bit), "real" (IEEE double) or "text".
        public let type: String
    }

    public struct Table: Codable, Sendable, Equatable {
        public let name: String
        public let file: String
        public let rows: Int
        public let sha256: String
        public let primaryKey: [String]
        public let columns: [Column]
    }

    public struct File: Codable, Sendable, Equatable {
        /// Where the file goes, relative to the data directory.
        public let path: String
        /// Where it is in the archive.
        public let archivePath: String
        public let size: Int64
        public let sha256: String
    }

    public let format: String
    public let version: Int
    public let createdAt: String
    /// "sqlite" or "postgres": where the archive came from (the content is the same either way).
    public let database: String
    /// The last migration applied (`Schema.migrations`); an archive restores into the same schema.
    public let schemaVersion: Int
    /// SHA-256 over the tables and files (see the format document): equal for equal content, whatever the database.
    public let contentHash: String
    /// In an order that satisfies every reference: restore them in this order.
    public let tables: [Table]
    public let files: [File]
    /// The installation secret's place in the archive, or nil when it was left out.
    public let secret: File?
}

public enum ArchiveError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case incompatible(String)
    case corrupted(String)
    case targetNotEmpty(table: String)
    case secretMismatch(String)

    public var description: String {
        switch self {
        case .unreadable(let reason): "the archive cannot be read: \(reason)"
        case .incompatible(let reason): "the archive cannot be restored here: \(reason)"
        case .corrupted(let reason): "the archive is damaged: \(reason)"
        case .targetNotEmpty(let table): "the target database is not empty (table \(table) holds rows): import only restores into an empty database"
        case .secretMismatch(let reason): reason
        }
    }
}

extension Store {
    /// The tables that `Schema.migrate` fills in a new database: they are replaced by an import, not refused.
    static let seededTables: Set<String> = ["settings", "counters", "journal_head"]
    /// Migration bookkeeping, with the time each migration ran here: not part of the content.
    static let migrationsTable = "schema_migrations"

    /// Writes the whole state to `url` (a ZIP archive), from one consistent snapshot of the database.
    @discardableResult
    public func export(to url: URL, includeSecret: Bool = true) async throws -> ExportManifest {
        // Personal data and the secret: nobody else on the machine may read the staging files or the archive.
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging.appendingPathComponent("tables"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: staging.path)
        defer { try? FileManager.default.removeItem(at: staging) }

        let tables = try await snapshot { tx in
            var tables: [ExportManifest.Table] = []
            for name in try await tx.tablesInDependencyOrder() {
                tables.append(try await tx.dumpTable(name, into: staging))
            }
            return tables
        }
        var files: [ExportManifest.File] = []
        for path in try dataFiles() {
            let source = configuration.dataDirectory.appendingPathComponent(path)
            let (size, hash) = try Self.sizeAndHash(of: source)
            files.append(.init(path: path, archivePath: "files/" + path, size: size, sha256: hash))
        }
        var secret: ExportManifest.File?
        if includeSecret {
            let source = configuration.dataDirectory.appendingPathComponent(StoreConfiguration.secretFileName)
            let (size, hash) = try Self.sizeAndHash(of: source)
            secret = .init(path: StoreConfiguration.secretFileName, archivePath: "secret/" + StoreConfiguration.secretFileName, size: size, sha256: hash)
        }
        let manifest = ExportManifest(
            format: ExportManifest.formatName, version: ExportManifest.currentVersion,
            createdAt: ISO8601DateFormatter().string(from: clock.now), database: kind.rawValue,
            schemaVersion: Schema.migrations.last!.version, contentHash: Self.contentHash(tables: tables, files: files),
            tables: tables, files: files, secret: secret)

        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)  // before anything is in it
        for table in tables {
            try archive.addEntry(with: table.file, relativeTo: staging, compressionMethod: .deflate)
        }
        for file in files + (secret.map { [$0] } ?? []) {
            try archive.addEntry(with: file.archivePath, fileURL: configuration.dataDirectory.appendingPathComponent(file.path), compressionMethod: .deflate)
        }
        let json = try JSONEncoder.manifest.encode(manifest)
        try archive.addEntry(with: "manifest.json", type: .file, uncompressedSize: Int64(json.count), compressionMethod: .deflate,
                             provider: { position, size in json.subdata(in: Int(position)..<Int(position) + size) })
        return manifest
    }

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

    /// Runs `body` in a read-only transaction that sees one consistent state of the database.
    func snapshot<T: Sendable>(_ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T {
        try await onOneConnection(begin: kind == .sqlite ? ["PRAGMA busy_timeout = 10000", "BEGIN"] : ["BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"], body)
    }

    /// Files of the data directory to export, relative to it: uploaded documents, payout files… not the database
    /// file itself, the secret (exported apart) or hidden files.
    func dataFiles() throws -> [String] {
        let root = configuration.dataDirectory.standardizedFileURL
        let sqlite: String? = if case .sqlite(let path) = configuration.location { URL(fileURLWithPath: path).standardizedFileURL.path } else { nil }
        var paths: [String] = []
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        for case let url as URL in walker {
            let standard = url.standardizedFileURL
            guard try standard.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let relative = String(standard.path.dropFirst(root.path.count + 1))
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) || relative == StoreConfiguration.secretFileName { continue }
            if let sqlite, standard.path.hasPrefix(sqlite) { continue }  // the database, its -wal and -shm
            paths.append(relative)
        }
        return paths.sorted()
    }

    static func isSafeRelativePath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0 == "." || $0.isEmpty }
    }

    /// A path `dataFiles()` could have exported: safe, no hidden segment, not the secret nor a database file.
    static func isDataFilePath(_ path: String) -> Bool {
        isSafeRelativePath(path) && !path.split(separator: "/").contains { $0.hasPrefix(".") }
            && path != StoreConfiguration.secretFileName && !path.hasPrefix(StoreConfiguration.sqliteFileName)
    }

    static func sizeAndHash(of url: URL) throws -> (size: Int64, sha256: String) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (size, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// One line per table and file, sorted, hashed: the same data gives the same hash from SQLite or PostgreSQL.
    static func contentHash(tables: [ExportManifest.Table], files: [ExportManifest.File]) -> String {
        let lines = tables.filter { $0.name != migrationsTable }.map { "table \($0.name) \($0.rows) \($0.sha256)" }
            + files.map { "file \($0.path) \($0.size) \($0.sha256)" }
        return sha256Hex(Data((lines.sorted().joined(separator: "\n") + "\n").utf8))
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
    /// Every table of the schema, parents before the tables that reference them.
    func tablesInDependencyOrder() async throws -> [String] {
        var references: [String: Set<String>] = [:]
        switch kind {
        case .sqlite:
            let names = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all()
                .map { try $0.string("name") }
            for name in names {
                references[name] = Set(try await sql.raw("SELECT \"table\" AS parent FROM pragma_foreign_key_list(\(bind: name))").all()
                    .map { try $0.string("parent") })
            }
        case .postgres:
            // The catalog, not information_schema: the latter only shows constraints of tables the role owns.
            for row in try await sql.raw("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").all() {
                references[try row.string("tablename"), default: []] = []
            }
            for row in try await sql.raw("""
                SELECT DISTINCT child.relname AS child, parent.relname AS parent FROM pg_constraint c
                JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
                WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
                """).all() {
                references[try row.string("child"), default: []].insert(try row.string("parent"))
            }
        }
        var ordered: [String] = []
        var placed: Set<String> = []
        while ordered.count < references.count {
            let ready = references.keys.filter { !placed.contains($0) && (references[$0] ?? []).subtracting([$0]).isSubset(of: placed) }.sorted()
            guard !ready.isEmpty else { throw ArchiveError.incompatible("the tables reference each other in a cycle") }
            ordered += ready
            placed.formUnion(ready)
        }
        return ordered
    }

    func columns(of table: String) async throws -> (columns: [ExportManifest.Column], primaryKey: [String]) {
        func type(_ declared: String) -> String {
            let upper = declared.uppercased()
            return upper.contains("INT") ? "integer" : upper.contains("DOUBLE") || upper.contains("REAL") || upper.contains("FLOAT") ? "real" : "text"
        }
        switch kind {
        case .sqlite:
            let rows = try await sql.raw("SELECT name, type, pk FROM pragma_table_info(\(bind: table)) ORDER BY cid").all()
            let columns = try rows.map { ExportManifest.Column(name: try $0.string("name"), type: type(try $0.string("type"))) }
            let key = try rows.filter { try $0.int("pk") > 0 }.sorted { try $0.int("pk") < $1.int("pk") }.map { try $0.string("name") }
            return (columns, key)
        case .postgres:
            let columns = try await sql.raw("""
                SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(bind: table)
                ORDER BY ordinal_position
                """).all().map { ExportManifest.Column(name: try $0.string("column_name"), type: type(try $0.string("data_type"))) }
            let key = try await sql.raw("""
                SELECT a.attname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indisprimary AND t.relname = \(bind: table) AND t.relnamespace = current_schema()::regnamespace
                ORDER BY array_position(i.indkey::int2[], a.attnum)
                """).all().map { try $0.string("attname") }
            return (columns, key)
        }
    }

    /// Writes a table as JSON lines ordered by its primary key, reading it in pages so that memory stays flat.
    func dumpTable(_ name: String, into staging: URL) async throws -> ExportManifest.Table {
        let (columns, primaryKey) = try await self.columns(of: name)
        let key = primaryKey.isEmpty ? columns.map(\.name) : primaryKey
        let file = "tables/\(name).jsonl"
        let url = staging.appendingPathComponent(file)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var rows = 0
        var last: [ArchiveCell]?
        let selected = SQLQueryString(columns.map { "\"\($0.name)\"" }.joined(separator: ", "))
        let keyTypes = key.map { column in columns.first { $0.name == column }!.type }
        // Text keys sort by bytes on both databases (PostgreSQL's default collation follows the locale), so that the
        // files, and the content hash, are the same whichever database they come from.
        let keyList = SQLQueryString(zip(key, keyTypes).map { name, type in
            "\"\(name)\"" + (type == "text" && kind == .postgres ? " COLLATE \"C\"" : "")
        }.joined(separator: ", "))
        while true {
            var query: SQLQueryString = "SELECT \(selected) FROM \(ident: name)"
            if let last {
                // Keyset pagination: (a, b) > (x, y), which both databases support.
                query = query + " WHERE (\(keyList)) > (" + last.map(\.bindable).joined(separator: ", ") + ")"
            }
            let page = try await sql.raw(query + " ORDER BY \(keyList) LIMIT 5000").all()
            guard !page.isEmpty else { break }
            var text = ""
            for row in page {
                text += "{"
                for (index, column) in columns.enumerated() {
                    if index > 0 { text += "," }
                    text += JSONLines.string(column.name) + ":" + (try ArchiveCell(row, column)).json
                }
                text += "}\n"
            }
            let data = Data(text.utf8)
            hasher.update(data: data)
            try handle.write(contentsOf: data)
            rows += page.count
            last = try zip(key, keyTypes).map { try ArchiveCell(page.last!, ExportManifest.Column(name: $0.0, type: $0.1)) }
            if page.count < 5000 { break }
        }
        return ExportManifest.Table(name: name, file: file, rows: rows, sha256: hasher.finalize().map { String(format: "%02x", $0) }.joined(),
                                    primaryKey: primaryKey, columns: columns)
    }

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

/// One value of a row, typed by its column.
enum ArchiveCell: Sendable {
    case integer(Int64?), real(Double?), text(String?)

    init(_ row: any SQLRow, _ column: ExportManifest.Column) throws {
        switch column.type {
        case "integer": self = .integer(try row.decode(column: column.name, as: Int64?.self))
        case "real": self = .real(try row.decode(column: column.name, as: Double?.self))
        default: self = .text(try row.decode(column: column.name, as: String?.self))
        }
    }

    init(json value: Any?, column: ExportManifest.Column, table: String) throws {
        let bad = ArchiveError.corrupted("table \(table), column \(column.name): a value is not of type \(column.type)")
        if value == nil || value is NSNull {
            self = column.type == "integer" ? .integer(nil) : column.type == "real" ? .real(nil) : .text(nil)
            return
        }
        switch column.type {
        case "integer":
            guard let number = value as? NSNumber, NSNumber(value: number.int64Value) == number else { throw bad }
            self = .integer(number.int64Value)
        case "real":
            guard let number = value as? NSNumber else { throw bad }
            self = .real(number.doubleValue)
        default:
            guard let text = value as? String else { throw bad }
            self = .text(text)
        }
    }

    var json: String {
        switch self {
        case .integer(let value): value.map(String.init) ?? "null"
        case .real(let value): value.map { "\($0)" } ?? "null"
        case .text(let value): value.map(JSONLines.string) ?? "null"
        }
    }

    var bindable: SQLQueryString {
        switch self {
        case .integer(let value): "\(bind: value)"
        case .real(let value): "\(bind: value)"
        case .text(let value): "\(bind: value)"
        }
    }
}

final class JSONLines {
    /// A JSON string literal: quotes, backslashes and control characters escaped, everything else as UTF-8.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private let handle: FileHandle
    private let name: String
    private var buffer = Data()
    private var ended = false

    /// Reads a file of JSON lines in chunks, one object at a time: memory does not grow with the file.
    init(_ url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)
        name = url.lastPathComponent
    }

    deinit { try? handle.close() }

    /// The next line's object, or nil at the end of the file.
    func next() throws -> [String: Any]? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                defer { buffer.removeSubrange(buffer.startIndex...newline) }
                if line.isEmpty { continue }
                return try object(line)
            }
            if ended {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return try object(buffer)
            }
            if let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { buffer.append(chunk) } else { ended = true }
        }
    }

    private func object(_ line: Data) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            throw ArchiveError.corrupted("\(name): a line is not a JSON object")
        }
        return object
    }
}

extension JSONEncoder {
    static var manifest: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }
}

extension JSONDecoder {
    static var manifest: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
