import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing
import ZIPFoundation

@Suite("Full export and import")
struct ExportTests {
    static let pairs: [(TestDatabase, TestDatabase)] = [(.sqlite, .sqlite), (.sqlite, .postgres), (.postgres, .sqlite), (.postgres, .postgres)]

    /// A territory with every kind of record: fees, invoices, validations, a payout batch settled, a reversal,
    /// a subscription, an uploaded document, an expired programme with its credit note.
    static func busyTerritory(_ store: Store, _ clock: ManualClock) async throws {
        try await store.setFeeSchedule(FeeSchedule(managementFee: .rate(basisPoints: 300), placeSubscription: .euros(5)), actor: Actor("op"))
        let territory = try await Territory.make(store, booklets: 3)
        let serials = try await territory.handOut(store)
        #expect(try await store.validate(territory.request(store, Array(serials.prefix(4)))).accepted)
        // Request keys that sort differently by bytes and by a locale's rules: the export orders them the same way
        // on both databases.
        for (serial, key) in zip(serials[5...7], ["rdv-2", "Rdv1", "rdv_3"]) {
            #expect(try await store.validate(territory.request(store, [serial], key: key)).accepted)
        }
        let (_, applicant) = try await store.signUpPlace(email: "clic@example.fr", name: "Claire", passwordHash: "x", placeName: "Clic")
        _ = try await store.addDocument(place: applicant, filename: "kbis « test ».pdf", bytes: Array("%PDF-1.4 test".utf8))
        try await store.chargeSubscriptions()
        clock.set(CivilDate("2026-04-02")!.start.addingTimeInterval(3600 * 9))
        let run = try await store.runPayouts(for: Month("2026-03")!)
        try await store.markExported(batch: run.batch!, actor: Actor("op"))
        try await store.settle(batch: run.batch!, bankDate: CivilDate("2026-04-02")!, actor: Actor("op"))
        _ = try await store.reverse(serials[0], reason: "fraude", actor: Actor("op"))
        clock.set(CivilDate("2026-08-01")!.start.addingTimeInterval(60))
        try await store.expireProgrammes()
    }

    @Test("Export then import into an empty database gives back the same content, across SQLite and PostgreSQL",
          arguments: pairs.map { "\($0.0.rawValue)→\($0.1.rawValue)" })
    func roundTrip(pair: String) async throws {
        let (from, to) = Self.pairs.first { "\($0.0.rawValue)→\($0.1.rawValue)" == pair }!
        let archive = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-export-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: archive) }
        try await withStore(from) { source, clock in
            try await Self.busyTerritory(source, clock)
            let exported = try await source.export(to: archive)
            #expect(exported.database == from.rawValue && exported.secret != nil)
            #expect(exported.tables.first { $0.name == "journal_transactions" }!.rows > 10)
            #expect(exported.files.contains { $0.path.hasPrefix("documents/") } && exported.files.contains { $0.path.hasSuffix(".xml") })
            let secretFile = source.configuration.dataDirectory.appendingPathComponent(StoreConfiguration.secretFileName)
            try await withStore(to) { target, _ in
                let imported = try await target.importArchive(from: archive)
                #expect(imported.contentHash == exported.contentHash)
                #expect(try await target.verify().isEmpty)
                let again = try await target.export(to: archive.appendingPathExtension("again"))
                defer { try? FileManager.default.removeItem(at: archive.appendingPathExtension("again")) }
                #expect(again.contentHash == exported.contentHash)
                #expect(try Data(contentsOf: target.configuration.dataDirectory.appendingPathComponent(StoreConfiguration.secretFileName))
                        == Data(contentsOf: secretFile))
                // New rows continue after the restored ids.
                let funder = try await target.createFunder(name: "Nouveau financeur")
                #expect(funder.rawValue == 2)
                // A second import is refused: the database is no longer empty.
                await #expect(throws: ArchiveError.targetNotEmpty(table: "booklets")) { try await target.importArchive(from: archive) }
            }
        }
    }

    @Test("A damaged archive, another schema or another secret is refused before anything is written", arguments: TestDatabase.allCases)
    func refusals(database: TestDatabase) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.zip"), bare = directory.appendingPathComponent("bare.zip")
        try await withStore(database) { source, clock in
            try await Self.busyTerritory(source, clock)
            try await source.export(to: good)
            try await source.export(to: bare, includeSecret: false)
        }
        // One changed line in a table: its SHA-256 no longer matches.
        let damaged = directory.appendingPathComponent("damaged.zip")
        try rewrite(good, to: damaged) { path, data in
            path == "tables/checks.jsonl" ? Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"expired\"", with: "\"issued\"").utf8) : data
        }
        let oldSchema = directory.appendingPathComponent("old.zip")
        try rewrite(good, to: oldSchema) { path, data in
            path == "manifest.json" ? Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"schema_version\" : ", with: "\"schema_version\" : 1").utf8) : data
        }
        try await withStore(database) { target, _ in
            await #expect(throws: ArchiveError.corrupted("tables/checks.jsonl does not match its SHA-256")) { try await target.importArchive(from: damaged) }
            await #expect(throws: ArchiveError.self) { try await target.importArchive(from: oldSchema) }
            await #expect(throws: ArchiveError.self) { try await target.importArchive(from: directory.appendingPathComponent("missing.zip")) }
            // Without the secret in the archive, this installation's own secret must be the original one.
            await #expect(throws: ArchiveError.self) { try await target.importArchive(from: bare) }
            #expect(try await count(target, "SELECT COUNT(*) AS n FROM funders") == 0)
            #expect(try await target.verify().isEmpty)
            // Then the good archive restores.
            try await target.importArchive(from: good)
            #expect(try await count(target, "SELECT COUNT(*) AS n FROM funders") == 1)
        }
    }

    /// Copies a ZIP archive, passing each entry's bytes through `change`.
    func rewrite(_ source: URL, to destination: URL, _ change: (String, Data) -> Data) throws {
        let input = try Archive(url: source, accessMode: .read)
        let output = try Archive(url: destination, accessMode: .create)
        for entry in input {
            var data = Data()
            _ = try input.extract(entry) { data.append($0) }
            let changed = change(entry.path, data)
            try output.addEntry(with: entry.path, type: .file, uncompressedSize: Int64(changed.count),
                                provider: { position, size in changed.subdata(in: Int(position)..<Int(position) + size) })
        }
    }
}
