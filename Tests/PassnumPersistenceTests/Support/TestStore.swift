import Foundation
import Logging
import PassnumDomain
@testable import PassnumPersistence
import Testing

/// The databases every SQL test runs on.
enum TestDatabase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// The PostgreSQL server started by scripts/test.
    static var postgresServerURL: String? { ProcessInfo.processInfo.environment["PASSNUM_POSTGRES_SERVER_URL"] }
}

/// A day inside the test programme's validity, at 10:00 Paris time.
let testStart = CivilDate(year: 2026, month: 3, day: 2)!.start.addingTimeInterval(10 * 3600)

/// Serialises CREATE DATABASE calls: PostgreSQL copies template1 and refuses concurrent copies of it.
actor ScratchNames {
    static let shared = ScratchNames()
    private var counter = 0

    func create(on server: String) async throws -> (name: String, url: String) {
        counter += 1
        let name = "passnum_test_\(ProcessInfo.processInfo.processIdentifier)_\(counter)_\(UInt32.random(in: 0...UInt32.max))"
        return (name, try await PostgresScratch.create(name, on: server))
    }
}

/// Opens a fresh, empty, migrated store on `database`, runs `body`, then throws the database away.
func withStore(
    _ database: TestDatabase, clock: ManualClock = ManualClock(testStart), connections: Int = 4,
    _ body: (Store, ManualClock) async throws -> Void
) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-test-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    var scratch: (name: String, url: String)?
    var location: DatabaseLocation? = nil
    if database == .postgres {
        guard let server = TestDatabase.postgresServerURL else {
            Issue.record("PASSNUM_POSTGRES_SERVER_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
            return
        }
        scratch = try await ScratchNames.shared.create(on: server)
        location = .postgres(url: scratch!.url)
    }
    var logger = Logger(label: "passnum.test")
    logger.logLevel = .warning
    var configuration = StoreConfiguration(dataDirectory: directory, location: location, connectionsPerEventLoop: connections)
    configuration.statementFile = testStatementFile
    // The whole suite runs in parallel on two cores: the stress tests (50 concurrent payout runs, verify among writers)
    // waited more than 30 s for a connection on a slow CI machine.
    configuration.connectionPoolTimeoutSeconds = 120
    let store = try await Store.open(configuration, clock: clock, logger: logger)
    do {
        try await body(store, clock)
    } catch {
        await store.close()
        if let scratch, let server = TestDatabase.postgresServerURL { try? await PostgresScratch.drop(scratch.name, on: server) }
        throw error
    }
    await store.close()
    if let scratch, let server = TestDatabase.postgresServerURL { try await PostgresScratch.drop(scratch.name, on: server) }
}

/// Expects the invariants to hold; records the violations otherwise.
func expectInvariantsHold(_ store: Store, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let violations = try await store.verify()
    #expect(violations.isEmpty, "\(violations)", sourceLocation: sourceLocation)
}

/// Runs raw SQL against the store, for tests that tamper with rows behind the operations' back.
func tamper(_ store: Store, _ statement: String) async throws {
    try await store.read { tx in try await tx.sql.raw(.init(statement)).run() }
}

func count(_ store: Store, _ query: String) async throws -> Int {
    try await store.read { tx in
        Int(try await tx.sql.raw(.init(query)).first(decodingColumn: "n", as: Int64.self) ?? -1)
    }
}

extension Store {
    /// Carries an order to `target` playing both parties: the funder's steps as its funder, the operator's as the
    /// operator, one payment of the invoice total.
    func carry(_ order: OrderID, to target: OrderState) async throws {
        let funder = try await programme(try await self.order(order).programme).funder
        try await carryOrder(order, to: target, funder: Actor("funder \(funder)", organisation: .funder(funder)), operator: .system)
    }
}

/// The statement files of payout runs in these tests: the checks paid, one serial a line, then the net. The French
/// wording is the app's (`StatementWording`), tested there.
@Sendable func testStatementFile(_ statement: Statement) -> String {
    (statement.lines.map(\.serial.grouped) + ["net \(statement.net.cents)"]).joined(separator: "\n")
}
