import Foundation
import PassnumDomain

/// Where the data lives: a SQLite file in the data directory (the default), or PostgreSQL when
/// `DATABASE_URL` is set.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public var description: String {
        switch self {
        case .sqlite(let path): "SQLite at \(path)"
        // Never print the password.
        case .postgres(let url): "PostgreSQL at \(DatabaseLocation.redacted(url))"
        }
    }

    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unparseable URL)" }
        if components.password != nil { components.password = "***" }
        return components.string ?? "(unparseable URL)"
    }
}

/// Everything needed to open the store.
public struct StoreConfiguration: Sendable {
    public var dataDirectory: URL
    public var location: DatabaseLocation
    /// Connections per event loop on PostgreSQL (SQLite always uses one per loop); `PASSNUM_DB_CONNECTIONS_PER_LOOP`.
    public var connectionsPerEventLoop: Int
    /// How long an operation waits for a free connection before failing, on either database.
    public var connectionPoolTimeoutSeconds: Int64 = 30
    /// The operator's bank account, debtor of the SEPA payout files.
    public var operatorAccount = OperatorAccount.fromEnvironment()
    /// The statement file a payout run writes for each place paid (the app words it in French); none without it.
    public var statementFile: (@Sendable (Statement) -> String)? = nil
    /// Months after the end of a person's last programme before their name is pseudonymised
    /// (`PASSNUM_PERSONAL_DATA_RETENTION_MONTHS`; see `Store.purgePersonalData`).
    public var personalDataRetentionMonths = PersonalData.defaultRetentionMonths

    public static let sqliteFileName = "passnum.sqlite"
    public static let secretFileName = "installation-secret.key"

    public init(dataDirectory: URL, location: DatabaseLocation? = nil, connectionsPerEventLoop: Int = StoreConfiguration.defaultConnectionsPerEventLoop) {
        self.dataDirectory = dataDirectory
        self.location = location ?? .sqlite(path: dataDirectory.appendingPathComponent(Self.sqliteFileName).path)
        self.connectionsPerEventLoop = connectionsPerEventLoop
    }

    /// Reads `--data-dir`'s value (or `PASSNUM_DATA_DIR`, or `./data`) and `DATABASE_URL`.
    public static func fromEnvironment(dataDirectory: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(StoreError) -> StoreConfiguration {
        let directory = dataDirectory ?? environment["PASSNUM_DATA_DIR"] ?? "./data"
        let url = URL(fileURLWithPath: directory, isDirectory: true).standardizedFileURL
        var location: DatabaseLocation? = nil
        if let databaseURL = environment["DATABASE_URL"], !databaseURL.isEmpty {
            location = .postgres(url: try validatedPostgresURL(databaseURL))
        }
        var configuration = StoreConfiguration(dataDirectory: url, location: location)
        configuration.connectionsPerEventLoop = try connectionsPerEventLoop(from: environment)
        configuration.personalDataRetentionMonths = try PersonalData.retentionMonths(from: environment)
        return configuration
    }

    /// `PASSNUM_DB_CONNECTIONS_PER_LOOP`: its default and bounds.
    public static let defaultConnectionsPerEventLoop = 4
    public static let connectionsPerEventLoopRange = 1...64

    static func connectionsPerEventLoop(from environment: [String: String]) throws(StoreError) -> Int {
        try wholeNumber("PASSNUM_DB_CONNECTIONS_PER_LOOP", in: connectionsPerEventLoopRange, default: defaultConnectionsPerEventLoop,
                        from: environment)
    }

    /// The whole number in the environment variable `name`, or `fallback` when it is unset or empty; a value outside
    /// `range` stops the start with a message naming the variable and its bounds.
    static func wholeNumber(_ name: String, of unit: String? = nil, in range: ClosedRange<Int>, default fallback: Int,
                            from environment: [String: String]) throws(StoreError) -> Int {
        guard let text = environment[name], !text.isEmpty else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw .badSetting("\(name) must be a whole number\(unit.map { " of \($0)" } ?? "") from \(range.lowerBound) to \(range.upperBound) (got \(text))")
        }
        return number
    }

    static func validatedPostgresURL(_ text: String) throws(StoreError) -> String {
        guard let components = URLComponents(string: text), let scheme = components.scheme else {
            throw .badDatabaseURL("DATABASE_URL is not a URL; expected postgres://user:password@host:port/database")
        }
        guard ["postgres", "postgresql", "postgres+tcp", "postgresql+tcp"].contains(scheme) else {
            throw .badDatabaseURL("DATABASE_URL must start with postgres:// (got \(scheme)://)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw .badDatabaseURL("DATABASE_URL has no host; expected postgres://user:password@host:port/database")
        }
        guard let user = components.user, !user.isEmpty else {
            throw .badDatabaseURL("DATABASE_URL has no user name; expected postgres://user:password@host:port/database")
        }
        let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard !database.isEmpty else {
            throw .badDatabaseURL("DATABASE_URL names no database; expected postgres://user:password@host:port/database")
        }
        return text
    }
}

/// Why the store could not open. Each message says what to do.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case badDatabaseURL(String)
    case dataDirectoryNotWritable(path: String, reason: String)
    case databaseUnreachable(location: String, reason: String)
    case secretUnreadable(path: String, reason: String)
    /// The database driver was not set up as `Store.open` does: a programming error, never the user's.
    case notConfigured
    /// `statementFile` was not given, so a payout run could not write its statements: refused before any money moves.
    case noStatementWording
    /// A setting from the environment is out of its bounds; the message names it and its range.
    case badSetting(String)

    public var description: String {
        switch self {
        case .badDatabaseURL(let message): message
        case let .dataDirectoryNotWritable(path, reason):
            "the data directory \(path) cannot be written (\(reason)); choose another with --data-dir or PASSNUM_DATA_DIR"
        case let .databaseUnreachable(location, reason):
            "cannot reach the database (\(location)): \(reason)"
        case let .secretUnreadable(path, reason):
            "the installation secret \(path) cannot be read (\(reason)); restore it from your backup: without it no check can be validated"
        case .notConfigured: "the database is not configured (internal error)"
        case .noStatementWording: "payout statements have no wording: set StoreConfiguration.statementFile (internal error)"
        case .badSetting(let message): message
        }
    }
}
