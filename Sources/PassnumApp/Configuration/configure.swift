import PassnumPersistence
import Vapor

/// Registers the store, the routes and the commands.
public func configure(_ app: Application, store: Store) throws {
    app.store = store
    app.webSettings = .fromEnvironment()
    app.apiLimits = .fromEnvironment()
    app.publicLimits = .fromEnvironment()
    if OpenAPIDocument.json == nil {
        app.logger.warning("\(OpenAPIDocument.bundleName)/openapi.json is not beside the passnum binary: /api/v1/openapi.json will answer 500; install that folder with the binary")
    }
    // Tests create many accounts: a low bcrypt cost keeps them fast. Everywhere else, bcrypt's default (12).
    app.passwords.use(app.environment == .testing ? .bcrypt(cost: 4) : .bcrypt)
    app.http.server.configuration.hostname = "127.0.0.1"
    app.http.server.configuration.port = 8080
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(VerifyCommand(), as: "verify")
    app.asyncCommands.use(BenchCommand(), as: "bench")
    app.asyncCommands.use(UserCommand(), as: "user")
    app.asyncCommands.use(ImportPlacesCommand(), as: "import-places")
    app.asyncCommands.use(TickCommand(), as: "tick")
    app.asyncCommands.use(ExportCommand(), as: "export")
    app.asyncCommands.use(ImportCommand(), as: "import")
    app.asyncCommands.use(PrintCommand(), as: "print")
    app.asyncCommands.use(ApiKeyCommand(), as: "api-key")
    try routes(app)
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
