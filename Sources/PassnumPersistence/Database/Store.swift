import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import PassnumDomain
import SQLKit

public enum DatabaseKind: String, Sendable, CaseIterable {
    case sqlite, postgres
}

/// The time as the business operations see it. Tests and the demo use a `ManualClock`.
public protocol PassnumClock: Sendable {
    var now: Date { get }
}

public struct SystemClock: PassnumClock {
    public init() {}
    public var now: Date { Date() }
}

/// The real clock shifted by a fixed offset: time passes, from another starting point.
public struct OffsetClock: PassnumClock {
    public let offset: TimeInterval
    public init(startingAt start: Date) { offset = start.timeIntervalSinceNow }
    public var now: Date { Date().addingTimeInterval(offset) }
}

public final class ManualClock: PassnumClock, @unchecked Sendable {
    // @unchecked: `current` is only read and written under `lock`.
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) { current = start }

    public var now: Date { lock.withLock { current } }

    public func set(_ date: Date) { lock.withLock { current = date } }

    public func advance(seconds: TimeInterval) { lock.withLock { current += seconds } }
}

/// Who performs an operation: the name written in the journal, and the organisation they act for. Operations
/// that check duties or ownership refuse an actor without an organisation, so a caller that forgets to say
/// who acts gets a refusal, never someone else's rights.
public struct Actor: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var organisation: Organisation?
    public init(_ name: String, organisation: Organisation? = nil) {
        self.name = name
        self.organisation = organisation
    }
    /// The operator's own processes (command line, scheduled tasks, the demo).
    public static let system = Actor(.system, organisation: .operator)
    public var description: String { name }

    /// Acting for `funder`, or for the operator; anyone else does not see the record (`notFound(record)`).
    func requireFunderOrOperator(_ funder: FunderID, else record: @autoclosure () -> String) throws(DomainError) {
        guard organisation == .operator || organisation == .funder(funder) else { throw .notFound(record()) }
    }
}

/// A database transaction in progress, handed to the business operations.
public struct Transaction: Sendable {
    public let sql: any SQLDatabase
    public let kind: DatabaseKind
    /// The connection's prepared statements, on PostgreSQL when the transaction holds one connection.
    var postgres: PreparedStatements? = nil
    /// The journal lane this transaction appends to (see `Transaction.post`).
    let lane = LaneTurns.shared.next()

    /// Row locks exist on PostgreSQL only; on SQLite write transactions are already serialised.
    var forUpdate: String { kind == .postgres ? " FOR UPDATE" : "" }
    /// A row lock other readers that share it do not wait for, but an update does (PostgreSQL; SQLite has one writer).
    var forShare: String { kind == .postgres ? " FOR SHARE" : "" }
}

/// The journal lanes in turn, from a random one: transactions of this process that run at the same time take different
/// lanes, so they do not wait for each other's lane head (a random lane each made 16 concurrent transactions collide
/// often); several servers start from different lanes.
final class LaneTurns: @unchecked Sendable {
    // @unchecked: `turn` is only read and written under `lock`.
    static let shared = LaneTurns()
    private let lock = NSLock()
    private var turn = Int64.random(in: 0..<JournalChain.lanes)

    func next() -> Int64 {
        lock.withLock {
            defer { turn = (turn + 1) % JournalChain.lanes }
            return turn
        }
    }
}

/// The platform's persistent state: a pool of connections to SQLite or PostgreSQL, the installation
/// secret, the clock, and every business operation (as extensions, one file per business area).
public final class Store: Sendable {
    public let kind: DatabaseKind
    public let configuration: StoreConfiguration
    public let secret: InstallationSecret
    public let clock: any PassnumClock
    let databases: Databases
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger
    /// Queues this process's SQLite writers; also held by `compactSQLiteFile` while it rewrites the file.
    let writeGate: AsyncGate
    /// Counts every statement sent (see `statementsExecuted`).
    let statements: StatementCounter

    private init(
        kind: DatabaseKind, configuration: StoreConfiguration, secret: InstallationSecret, clock: any PassnumClock,
        databases: Databases, eventLoopGroup: any EventLoopGroup, logger: Logger, writeGate: AsyncGate = AsyncGate(),
        statements: StatementCounter = StatementCounter()
    ) {
        self.writeGate = writeGate
        self.statements = statements
        self.kind = kind
        self.configuration = configuration
        self.secret = secret
        self.clock = clock
        self.databases = databases
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Opens the store: creates the data directory and the installation secret if needed, connects,
    /// and brings the schema up to date.
    public static func open(
        _ configuration: StoreConfiguration,
        clock: any PassnumClock = SystemClock(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        threadPool: NIOThreadPool = .singleton,
        logger: Logger = Logger(label: "passnum.store")
    ) async throws -> Store {
        try prepareDataDirectory(configuration.dataDirectory)
        let secret = try loadOrCreateSecret(in: configuration.dataDirectory, logger: logger)
        let databases = Databases(threadPool: threadPool, on: eventLoopGroup)
        let kind: DatabaseKind
        switch configuration.location {
        case .sqlite(let path):
            kind = .sqlite
            databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(configuration.connectionPoolTimeoutSeconds), sqlLogLevel: .trace),
                          as: .sqlite)
        case .postgres(let url):
            kind = .postgres
            databases.use(.postgres(
                configuration: try postgresSettings(url), maxConnectionsPerEventLoop: configuration.connectionsPerEventLoop,
                connectionPoolTimeout: .seconds(configuration.connectionPoolTimeoutSeconds), sqlLogLevel: .trace), as: .psql)
        }
        let store = Store(
            kind: kind, configuration: configuration, secret: secret, clock: clock, databases: databases,
            eventLoopGroup: eventLoopGroup, logger: logger)
        do {
            try await store.checkReachable()
            try await Schema.migrate(store)
            try await store.checkSecretMatchesDatabase()
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// The settings of every connection to the PostgreSQL database at `url`.
    static func postgresSettings(_ url: String) throws(StoreError) -> SQLPostgresConfiguration {
        do {
            var settings = try SQLPostgresConfiguration(url: url)
            // No JIT: its compilation (100–300 ms) starts whenever the planner's estimate passes jit_above_cost, and
            // range joins on `checks` (booklets' BETWEEN) are estimated at millions of rows while they read a few:
            // a 1 ms page query then took 300 ms. The platform's queries are short and indexed.
            settings.coreConfiguration.options.additionalStartupParameters.append(("jit", "off"))
            // Names the sessions in pg_stat_activity: the operator's view, and `/metrics`' count of connections.
            settings.coreConfiguration.options.additionalStartupParameters.append(("application_name", Self.applicationName))
            return settings
        } catch {
            throw StoreError.badDatabaseURL("DATABASE_URL is not usable: \(error)")
        }
    }

    /// The same store seen through another clock (the demo replays past months). It shares the connections;
    /// close the original, not the copy.
    public func with(clock: any PassnumClock) -> Store {
        Store(kind: kind, configuration: configuration, secret: secret, clock: clock, databases: databases,
              eventLoopGroup: eventLoopGroup, logger: logger, writeGate: writeGate, statements: statements)
    }

    public func close() async {
        await databases.shutdownAsync()
    }

    var database: any SQLDatabase {
        get throws {
            guard let database = databases.database(logger: logger, on: eventLoopGroup.any()) as? any SQLDatabase else {
                throw StoreError.notConfigured
            }
            return CountingSQLDatabase(base: database, counter: statements)
        }
    }

    /// Runs `body` without a transaction, for reads.
    public func read<T: Sendable>(_ body: @Sendable (Transaction) async throws -> T) async throws -> T {
        try await body(Transaction(sql: try database, kind: kind))
    }

    /// Runs `body` in one database transaction: everything it writes is committed together, or nothing is.
    /// On SQLite, write transactions queue in this process and take the file's write lock at once
    /// (BEGIN IMMEDIATE). On PostgreSQL, a transaction that loses a deadlock is retried.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T {
        switch kind {
        case .sqlite:
            await writeGate.acquire()
            do {
                let result = try await runTransaction(body)
                await writeGate.release()
                return result
            } catch {
                await writeGate.release()
                throw error
            }
        case .postgres:
            return try await retryingConflicts { try await runTransaction(body) }
        }
    }

    /// Runs `body` again, five times at most in all, while PostgreSQL makes it a deadlock's victim (or refuses it for a
    /// serialisation failure): `body` must write nothing that outlives a failed attempt (one transaction, or one statement).
    func retryingConflicts<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch let error as PSQLError where attempt < 5 && Self.isRetryable(error) {
                attempt += 1
            }
        }
    }

    private func runTransaction<T: Sendable>(_ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T {
        // SQLite: waits for another process (a CLI command next to the server) instead of failing at once, and takes
        // the write lock at the start.
        try await onOneConnection(begin: kind == .sqlite ? ["PRAGMA busy_timeout = 10000", "BEGIN IMMEDIATE"] : ["BEGIN"], body)
    }

    /// Runs `body` on one pooled connection between the `begin` statements and COMMIT, or ROLLBACK if it throws; with no
    /// `begin` statements, outside a transaction (each statement commits on its own). On PostgreSQL the transaction
    /// can run prepared statements on that connection (`Transaction.prepared`).
    func onOneConnection<T: Sendable>(begin: [String]?, _ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T {
        let kind = self.kind
        let statements = self.statements
        guard let pooled = databases.database(logger: logger, on: eventLoopGroup.any()) else { throw StoreError.notConfigured }
        return try await pooled.withConnection { connection in
            guard let base = connection as? any SQLDatabase else { throw StoreError.notConfigured }
            let sql = CountingSQLDatabase(base: base, counter: statements)
            // The connection this pooled one stands for: returned by its closure, it stays leased until ours ends.
            let postgres = try await (connection as? any PostgresDatabase)?.withConnection { $0.eventLoop.makeSucceededFuture($0) }.get()
            let transaction = Transaction(sql: sql, kind: kind, postgres: postgres.map { PreparedStatements(connection: $0, counter: statements) })
            guard let begin else { return try await body(transaction) }
            for statement in begin { try await sql.raw(SQLQueryString(statement)).run() }
            do {
                let result = try await body(transaction)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    static func isRetryable(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"  // deadlock_detected, serialization_failure
    }

    private func checkReachable() async throws {
        do {
            _ = try await (try database).raw("SELECT 1 AS one").all()
            // Write-ahead logging: a long read (verify, export) on its snapshot no longer holds writers back. The
            // mode is stored in the file, so every connection and every later start uses it.
            if kind == .sqlite { _ = try await (try database).raw("PRAGMA journal_mode = WAL").all() }
        } catch {
            throw StoreError.databaseUnreachable(location: configuration.location.description, reason: Self.explain(error))
        }
    }

    /// A readable reason for a connection failure (PSQLError's own description hides the server's message).
    static func explain(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }

    // MARK: Data directory and secret

    static func prepareDataDirectory(_ directory: URL) throws(StoreError) {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            let probe = directory.appendingPathComponent(".write-test-\(UUID().uuidString)")
            try Data().write(to: probe)
            try manager.removeItem(at: probe)
        } catch {
            throw .dataDirectoryNotWritable(path: directory.path, reason: (error as NSError).localizedDescription)
        }
    }

    static func loadOrCreateSecret(in directory: URL, logger: Logger) throws(StoreError) -> InstallationSecret {
        let path = directory.appendingPathComponent(StoreConfiguration.secretFileName).path
        if !FileManager.default.fileExists(atPath: path) {
            let (_, bytes) = InstallationSecret.generate()
            // Written whole under a name of its own, then linked to the real name: link(2) fails if that exists, so
            // when two processes start at once only one secret is ever written, and neither reads a half-written file.
            let draft = path + ".\(getpid()).\(UInt32.random(in: .min ... .max)).new"
            let fd = Foundation.open(draft, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            guard fd >= 0 else {
                throw .dataDirectoryNotWritable(path: directory.path, reason: "could not create the installation secret")
            }
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            let synced = fsync(fd) == 0
            Foundation.close(fd)
            defer { unlink(draft) }
            guard written == bytes.count, synced else {
                throw .dataDirectoryNotWritable(path: directory.path, reason: "could not write the installation secret")
            }
            if link(draft, path) == 0 {
                logger.notice("created a new installation secret in the data directory; back it up")
            } else if errno != EEXIST {
                // EEXIST: another server starting at the same moment wrote it first; its secret is read below.
                throw .dataDirectoryNotWritable(path: directory.path, reason: "could not link the installation secret (errno \(errno))")
            }
        }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw .secretUnreadable(path: path, reason: "cannot read the file")
        }
        guard let secret = InstallationSecret(bytes: bytes) else {
            throw .secretUnreadable(path: path, reason: "expected \(InstallationSecret.byteCount) bytes, found \(bytes.count)")
        }
        return secret
    }

    /// Several servers may share one PostgreSQL: they must all hold the same secret, or the codes they
    /// print and check would differ. The database keeps a fingerprint of the first secret it saw.
    private func checkSecretMatchesDatabase() async throws {
        let fingerprint = secret.fingerprint
        try await transaction { tx in
            // The first server to insert sets it (two starting together on a new database: one insert wins, the other
            // waits for it and does nothing); each then compares its own with the stored one.
            try await tx.sql.raw("""
                INSERT INTO settings (name, value) VALUES ('secret_fingerprint', \(bind: fingerprint)) ON CONFLICT (name) DO NOTHING
                """).run()
            let stored = try await tx.sql.raw("SELECT value FROM settings WHERE name = 'secret_fingerprint'")
                .first(decodingColumn: "value", as: String.self)
            guard stored == fingerprint else {
                throw StoreError.secretUnreadable(
                    path: self.configuration.dataDirectory.appendingPathComponent(StoreConfiguration.secretFileName).path,
                    reason: "it is not the secret this database was created with")
            }
        }
    }
}
