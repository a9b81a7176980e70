import PassnumPersistence
import Vapor

/// Registers the store, the routes and the commands.
public func configure(_ app: Application, store: Store) throws {
    app.store = store
    app.webSettings = .fromEnvironment()
    app.apiLimits = .fromEnvironment()
    app.publicLimits = .fromEnvironment()
    app.legalSettings = .fromEnvironment()
    app.mailSettings = try MailSettings.fromEnvironment(ProcessInfo.processInfo.environment, publicBaseURL: app.webSettings.publicBaseURL)
    app.metricsSettings = try MetricsSettings.fromEnvironment(ProcessInfo.processInfo.environment)
    app.installMetrics()
    if OpenAPIDocument.json == nil {
        app.logger.warning("\(OpenAPIDocument.bundleName)/openapi.json is not beside the passnum binary: /api/v1/openapi.json will answer 500; install that folder with the binary")
    }
    // Tests create many accounts: a low bcrypt cost keeps them fast. Everywhere else, bcrypt's default (12).
    app.passwords.use(app.environment == .testing ? .bcrypt(cost: 4) : .bcrypt)
    app.http.server.configuration.hostname = "127.0.0.1"
    app.http.server.configuration.port = 8080
    registerCommands(app)
    try routes(app)
}

/// The platform's commands, beside Vapor's own (`serve`, `routes`).
func registerCommands(_ app: Application) { registerCommands(&app.asyncCommands) }

/// The same commands, into `commands`.
func registerCommands(_ commands: inout AsyncCommands) {
    let ours: KeyValuePairs<String, any AnyAsyncCommand> = [
        "demo": DemoCommand(), "verify": VerifyCommand(), "bench": BenchCommand(), "user": UserCommand(),
        "import-places": ImportPlacesCommand(), "tick": TickCommand(), "export": ExportCommand(), "import": ImportCommand(),
        "print": PrintCommand(), "api-key": ApiKeyCommand(), "seed-national": SeedNationalCommand(),
        "bench-pages": BenchPagesCommand(), "load-validations": LoadValidationsCommand(), "payouts": PayoutsCommand(), "mail": MailCommand(),
        "jobs": JobsCommand(),
        "invoices": InvoicesCommand(),
        "purge-personal-data": PurgePersonalDataCommand(),
        "backup": BackupCommand(),
    ]
    for (name, command) in ours { commands.use(command, as: name) }
}

extension Application {
    private struct StoreKey: StorageKey {
        typealias Value = Store
    }

    /// The platform's store, opened before the application starts.
    public var store: Store {
        get {
            guard let store = storage[StoreKey.self] else { fatalError("configure(_:store:) was not called") }
            return store
        }
        set { storage[StoreKey.self] = newValue }
    }
}

extension Request {
    var store: Store { application.store }
}
