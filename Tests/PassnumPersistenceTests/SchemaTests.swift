import Foundation
import Logging
@testable import PassnumPersistence
import Testing

@Suite("Schema")
struct SchemaTests {
    @Test("Migrations are numbered 1, 2, 3… without a gap or a repeat, in the order they are applied")
    func migrationsAreNumberedInOrder() {
        #expect(Schema.migrations.map(\.version) == Array(1...Schema.migrations.count))
    }

    /// PostgreSQL only: several servers share a database only there (SQLite is one server's file; stores opened side by
    /// side in one process would also queue on the process's small thread pool, which is not what this is about).
    @Test("Servers started at the same moment on a new database and data directory all open, with one secret and each migration applied once")
    func concurrentStartsMigrateOnce() async throws {
        guard let server = TestDatabase.postgresServerURL else {
            Issue.record("PASSNUM_POSTGRES_SERVER_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let scratch = try await ScratchNames.shared.create(on: server)
        let logger = { var logger = Logger(label: "passnum.test"); logger.logLevel = .warning; return logger }()
        let configuration = StoreConfiguration(dataDirectory: directory, location: .postgres(url: scratch.url), connectionsPerEventLoop: 1)
        // Each store stands for a server: its own pool, its own reading (or writing) of the secret, its own migration run.
        let opened = await withTaskGroup(of: Result<Store, any Error>.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do { return .success(try await Store.open(configuration, logger: logger)) } catch { return .failure(error) }
                }
            }
            return await group.reduce(into: [Result<Store, any Error>]()) { $0.append($1) }
        }
        let stores = opened.compactMap { try? $0.get() }
        for case .failure(let error) in opened { Issue.record("a server did not start: \(error)") }
        if let store = stores.first {
            #expect(stores.count == 4)
            #expect(Set(stores.map(\.secret.fingerprint)).count == 1)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM schema_migrations") == Schema.migrations.count)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM settings WHERE name = 'secret_fingerprint'") == 1)
        }
        for store in stores { await store.close() }
        try await PostgresScratch.drop(scratch.name, on: server)
    }
}
