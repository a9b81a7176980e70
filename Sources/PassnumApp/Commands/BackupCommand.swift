import Foundation
import PassnumPersistence
import Vapor

/// `passnum backup --out DIR`: a consistent backup of this installation while its servers run (docs/BACKUP.md).
///
/// DIR (new or empty, mode 0700: it holds the installation secret and personal data) receives the database (SQLite:
/// `VACUUM INTO`, one snapshot while others write; PostgreSQL: `pg_dump --format=custom` on a snapshot this process
/// exports and holds), the data directory's files under `files/` (the secret, documents, payout files) copied after
/// that snapshot, and `manifest.json` last: the facts of the snapshot (schema version, rows per table, journal heads)
/// and the size and SHA-256 of every file. A directory without a manifest is not a backup.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "out", help: "The directory to write the backup to: new or empty")
        var out: String?
    }

    var help: String { "Takes a consistent backup of the database and the data directory into a new directory" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let out = signature.out, !out.isEmpty else { throw UsageError("--out DIR is required: a new or empty directory") }
        let directory = URL(fileURLWithPath: out, isDirectory: true).standardizedFileURL
        let manifest = try await BackupLayout.write(context.application.store, to: directory)
        context.console.print("backup of \(manifest.database) written to \(directory.path): \(manifest.facts.rows) rows in "
            + "\(manifest.facts.tables.count) tables, \(manifest.files.count) files, schema \(manifest.facts.schemaVersion)")
    }
}

/// What `backup` writes and `restore` reads.
struct BackupManifest: Codable, Equatable {
    static let formatName = "passnum-backup"
    static let currentVersion = 1

    var format: String
    var version: Int
    var createdAt: String
    /// `sqlite` or `postgres`: a backup restores into the same kind of database (`passnum export` crosses kinds).
    var database: String
    var facts: BackupFacts
    /// Every file of the backup but the manifest, relative to its directory.
    var files: [File]

    struct File: Codable, Equatable {
        var path: String
        var size: Int64
        var sha256: String
    }
}

enum BackupLayout {
    static let manifestFile = "manifest.json"
    static let sqliteFile = "database.sqlite"
    static let postgresFile = "database.pgdump"
    /// The data directory's files, under their relative paths.
    static let filesFolder = "files"

    /// Creates `directory` with mode 0700, or checks that it is empty (then sets 0700). True when it was created.
    static func prepareEmptyDirectory(_ directory: URL, for option: String) throws -> Bool {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw UsageError("\(option) \(directory.path) is a file, not a directory") }
            let contents: [String]
            do { contents = try manager.contentsOfDirectory(atPath: directory.path) } catch { throw UsageError.file("read", directory.path, error) }
            guard contents.isEmpty else {
                throw UsageError("\(option) \(directory.path) is not empty: give a new or empty directory (nothing is overwritten)")
            }
            do { try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path) } catch {
                throw UsageError.file("restrict to its owner", directory.path, error)
            }
            return false
        }
        do { try manager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) } catch {
            throw UsageError.file("create", directory.path, error)
        }
        return true
    }

    /// Writes a backup into `directory` (new or empty); on failure removes what it wrote: half a backup must not pass
    /// for one.
    static func write(_ store: Store, to directory: URL) async throws -> BackupManifest {
        let created = try prepareEmptyDirectory(directory, for: "--out")
        do {
            return try await take(store, into: directory)
        } catch {
            if created {
                try? FileManager.default.removeItem(at: directory)
            } else {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] {
                    try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
                }
            }
            throw error
        }
    }

    private static func take(_ store: Store, into directory: URL) async throws -> BackupManifest {
        var paths: [String] = []
        let facts: BackupFacts
        switch store.configuration.location {
        case .sqlite:
            let file = directory.appendingPathComponent(sqliteFile)
            try await store.copySQLiteDatabase(to: file)
            facts = try await Store.backupFacts(ofSQLiteFile: file)
            paths.append(sqliteFile)
        case .postgres(let url):
            let pgDump = try PostgresTools.program("pg_dump")
            let environment = try PostgresTools.environment(for: url)
            let file = directory.appendingPathComponent(postgresFile).path
            facts = try await store.backupFacts { snapshot in
                guard let snapshot else { throw UsageError("PostgreSQL exported no snapshot (internal error)") }
                // The database name comes from PGDATABASE, the password from PGPASSWORD: nothing secret on the command line.
                _ = try await PostgresTools.run(pgDump, ["--format=custom", "--no-password", "--snapshot=\(snapshot)", "--file=\(file)"],
                                                environment: environment)
            }
            paths.append(postgresFile)
        }
        // After the snapshot: every document a row of it names was written before its row, and a payout run's files
        // are written after its commit (and rewritten from the database when missing).
        for relative in try store.backupDataFiles() {
            let target = directory.appendingPathComponent(filesFolder).appendingPathComponent(relative)
            try copyPrivately(store.configuration.dataDirectory.appendingPathComponent(relative), to: target, under: directory)
            paths.append(filesFolder + "/" + relative)
        }
        var files: [BackupManifest.File] = []
        for path in paths {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
            let (size, sha256) = try Store.sizeAndHash(of: url)
            files.append(.init(path: path, size: size, sha256: sha256))
        }
        let manifest = BackupManifest(
            format: BackupManifest.formatName, version: BackupManifest.currentVersion,
            createdAt: ISO8601DateFormatter().string(from: Date()), database: store.kind.rawValue, facts: facts, files: files)
        try writePrivately(try encoder.encode(manifest), to: directory.appendingPathComponent(manifestFile))
        return manifest
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Copies a file, creating its folders up to `root` with mode 0700; the copy gets mode 0600.
    static func copyPrivately(_ source: URL, to target: URL, under root: URL) throws {
        try createPrivateFolders(for: target, under: root)
        try FileManager.default.copyItem(at: source, to: target)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target.path)
    }

    static func writePrivately(_ data: Data, to target: URL) throws {
        guard FileManager.default.createFile(atPath: target.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw UsageError("could not write \(target.path)")
        }
    }

    private static func createPrivateFolders(for file: URL, under root: URL) throws {
        let relative = file.deletingLastPathComponent().path.dropFirst(root.path.count).split(separator: "/")
        var folder = root
        for name in relative {
            folder.appendPathComponent(String(name), isDirectory: true)
            if !FileManager.default.fileExists(atPath: folder.path) {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            }
        }
    }
}

/// PostgreSQL's own client programs (pg_dump, pg_restore, psql), given the connection through libpq's environment
/// variables so that no password appears on a command line (visible to every user in `ps`) or in a log.
enum PostgresTools {
    /// PostgreSQL 15's programs first (Debian's package puts them there; PATH's pg_dump may be another major version).
    static let preferredFolder = "/usr/lib/postgresql/15/bin"

    static func program(_ name: String) throws -> String {
        let folders = [preferredFolder] + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for folder in folders where !folder.isEmpty {
            let path = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw UsageError("\(name) was not found in \(preferredFolder) nor in PATH: install PostgreSQL 15's client programs "
            + "(Debian: apt-get install postgresql-client-15)")
    }

    /// PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE and PGSSLMODE from DATABASE_URL, over this process's environment.
    static func environment(for url: String) throws -> [String: String] {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw UsageError("DATABASE_URL is not a postgres:// URL with a host and a user")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PGHOST"] = host
        environment["PGPORT"] = String(components.port ?? 5432)
        environment["PGUSER"] = user
        environment["PGDATABASE"] = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if let password = components.password { environment["PGPASSWORD"] = password }
        // The driver's names (tlsmode, sslmode) and values (disable, prefer, require) are libpq's too.
        if let mode = components.queryItems?.first(where: { $0.name == "tlsmode" || $0.name == "sslmode" })?.value,
           ["disable", "prefer", "require"].contains(mode) {
            environment["PGSSLMODE"] = mode
        }
        return environment
    }

    /// Runs a program to its end and returns its standard output; a non-zero exit throws with its standard error.
    static func run(_ program: String, _ arguments: [String], environment: [String: String]) async throws -> String {
        // On a thread of its own: the reads and the wait block. Standard output is read to its end before standard
        // error: the programs run here write a few lines at most to the latter, far below a pipe's 64 KiB.
        let (status, stdout, stderr) = try await Task.detached { () throws -> (Int32, Data, Data) in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
            process.environment = environment
            let output = Pipe(), errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let stdout = output.fileHandleForReading.readDataToEndOfFile()
            let stderr = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, stdout, stderr)
        }.value
        guard status == 0 else {
            let name = URL(fileURLWithPath: program).lastPathComponent
            let message = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw UsageError("\(name) failed (exit status \(status)): \(message)")
        }
        return String(decoding: stdout, as: UTF8.self)
    }
}
