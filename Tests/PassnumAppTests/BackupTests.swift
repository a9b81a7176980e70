import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing

/// `passnum backup` and `passnum restore` in process, on both databases. The drill with servers, a load and a second
/// PostgreSQL cluster is Tests/backup/run.
@Suite("Backup and restore")
struct BackupTests {
    /// A data directory and, on PostgreSQL, a scratch database; dropped afterwards.
    struct Target {
        let directory: URL
        let databaseURL: String?
        let scratch: String?

        static func make(_ database: WebWorld.Database) async throws -> Target {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-backup-\(UUID().uuidString)")
            guard database == .postgres else { return Target(directory: directory, databaseURL: nil, scratch: nil) }
            let server = try #require(ProcessInfo.processInfo.environment["PASSNUM_POSTGRES_SERVER_URL"],
                                      "PASSNUM_POSTGRES_SERVER_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
            let name = "passnum_backup_\(ProcessInfo.processInfo.processIdentifier)_\(UInt32.random(in: 0...UInt32.max))"
            return Target(directory: directory, databaseURL: try await PostgresScratch.create(name, on: server), scratch: name)
        }

        var configuration: StoreConfiguration {
            var configuration = StoreConfiguration(dataDirectory: directory, location: databaseURL.map { .postgres(url: $0) })
            configuration.statementFile = StatementWording.csv
            return configuration
        }

        /// `passnum ARGUMENTS --data-dir DIR` as the executable runs it, with DATABASE_URL when on PostgreSQL.
        func passnum(_ arguments: [String]) async -> Int32 {
            var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
            environment["DATABASE_URL"] = databaseURL
            return await PassnumMain.run(["passnum"] + arguments + ["--data-dir", directory.path], environment: environment)
        }

        func remove() async throws {
            try? FileManager.default.removeItem(at: directory)
            if let scratch, let server = ProcessInfo.processInfo.environment["PASSNUM_POSTGRES_SERVER_URL"] {
                try await PostgresScratch.drop(scratch, on: server)
            }
        }
    }

    @Test("A backup of the demo restores into an empty target with the same rows, journal and files, and verify holds",
          arguments: WebWorld.Database.allCases)
    func roundTrip(_ database: WebWorld.Database) async throws {
        let source = try await Target.make(database), target = try await Target.make(database)
        let backup = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-backup-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: backup) }
        do {
            let store = try await Store.open(source.configuration)
            let manifest: BackupManifest
            do {
                _ = try await DemoScenario(store: store).run()
                manifest = try await BackupLayout.write(store, to: backup)
                #expect(manifest.facts == (try await store.backupFacts()))
                await store.close()
            } catch {
                await store.close()
                throw error
            }
            #expect(manifest.facts.rows > 5000 && manifest.facts.journalHeads.count == 16)
            #expect(manifest.files.contains { $0.path == "files/installation-secret.key" }
                    && manifest.files.contains { $0.path.hasPrefix("files/payouts/") && $0.path.hasSuffix(".xml") })
            for file in manifest.files + [.init(path: BackupLayout.manifestFile, size: 0, sha256: "")] {
                let mode = try FileManager.default.attributesOfItem(atPath: backup.appendingPathComponent(file.path).path)[.posixPermissions] as? Int
                #expect(mode == 0o600, "\(file.path)")
            }

            #expect(await target.passnum(["restore", "--from", backup.path]) == 0)
            let restored = try await Store.open(target.configuration)
            do {
                #expect(try await restored.backupFacts() == manifest.facts)
                #expect(try await restored.verify().isEmpty)
                let secret = StoreConfiguration.secretFileName
                #expect(try Data(contentsOf: target.directory.appendingPathComponent(secret)) == Data(contentsOf: source.directory.appendingPathComponent(secret)))
                await restored.close()
            } catch {
                await restored.close()
                throw error
            }
            // The target now holds data: a second restore is refused.
            #expect(await target.passnum(["restore", "--from", backup.path]) == 1)
        } catch {
            try await source.remove()
            try await target.remove()
            throw error
        }
        try await source.remove()
        try await target.remove()
    }

    @Test("restore refuses a damaged backup, a backup without manifest and another kind of database before writing anything")
    func refusals() async throws {
        let source = try await Target.make(.sqlite), target = try await Target.make(.sqlite)
        let backup = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-backup-out-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: backup) }
        let store = try await Store.open(source.configuration)
        do {
            _ = try await store.createFunder(name: "Département")
            _ = try await BackupLayout.write(store, to: backup)
            await store.close()
        } catch {
            await store.close()
            throw error
        }

        // A SQLite backup does not go into PostgreSQL (refused before any connection: the address leads nowhere).
        let postgres = Target(directory: target.directory, databaseURL: "postgres://passnum@127.0.0.1:1/nowhere", scratch: nil)
        #expect(await postgres.passnum(["restore", "--from", backup.path]) == 1)
        let secret = backup.appendingPathComponent("files/installation-secret.key")
        var bytes = try Data(contentsOf: secret)
        bytes[0] ^= 1
        try bytes.write(to: secret)
        #expect {
            try RestoreCommand.checkedManifest(in: backup)
        } throws: { "\($0)".contains("damaged: files/installation-secret.key") }
        #expect(await target.passnum(["restore", "--from", backup.path]) == 1)
        #expect(!FileManager.default.fileExists(atPath: target.directory.path))
        #expect(await target.passnum(["restore", "--from", target.directory.path]) == 1)
        #expect(await target.passnum(["restore"]) == 1)
        // Backing up into a directory that holds something is refused too.
        #expect(throws: UsageError.self) { try BackupLayout.prepareEmptyDirectory(backup, for: "--out") }
    }

    @Test("pg_dump and pg_restore get the password through PGPASSWORD, never as an argument")
    func postgresEnvironment() throws {
        let environment = try PostgresTools.environment(for: "postgres://passnum:s%40cret@db.example:6543/passnum?tlsmode=require")
        #expect(environment["PGPASSWORD"] == "s@cret" && environment["PGUSER"] == "passnum" && environment["PGHOST"] == "db.example")
        #expect(environment["PGPORT"] == "6543" && environment["PGDATABASE"] == "passnum" && environment["PGSSLMODE"] == "require")
    }
}
