import Foundation
import NIOCore
import NIOPosix
import PassnumPersistence
import Vapor

/// The `passnum` executable: global options, opening the store, then Vapor's command line.
public enum PassnumMain {
    /// Runs Swift's tasks on SwiftNIO's event loops (the threads that already do the network and database I/O) instead of
    /// a separate pool: a request's awaits on the database then resume without a hop between threads. Measured on the
    /// validation benchmark (docs/BENCHMARKS.md). Call once, first thing in the process.
    public static func runTasksOnEventLoops() {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    public static func run(_ arguments: [String] = CommandLine.arguments,
                           environment: [String: String] = ProcessInfo.processInfo.environment) async -> Int32 {
        var arguments = arguments
        do {
            let dataDirectory = try takeOption("--data-dir", from: &arguments)
            let serving = servesHTTP(arguments)
            let demoBeforeServe = serving && takeFlag("--demo", from: &arguments)
            // Help opens nothing: printing a command's options creates no data directory, secret or database, and needs
            // none of the settings the command itself would (`restore` prints its own, below).
            if asksForHelp(arguments) && !RestoreCommand.invoked(arguments) {
                try await help(arguments)
                return 0
            }
            // A command this passnum does not have stops here: opening would leave a new data directory, secret and
            // database behind.
            if let name = command(arguments), !knows(name), !RestoreCommand.invoked(arguments) {
                throw UsageError(name == RestoreCommand.name
                    ? "restore must be the first argument, its options after it\n" + RestoreCommand.usage
                    : "unknown command \(name): passnum --help lists the commands")
            }
            var configuration = try StoreConfiguration.fromEnvironment(dataDirectory: dataDirectory, environment: environment)
            // Checked before anything opens: a real server without the operator's account or public address stops here.
            configuration.operatorAccount = try StartupSettings.check(environment, required: serving && !demoBeforeServe)
            configuration.statementFile = StatementWording.csv
            // Before the store opens: opening would give the empty target a new secret and schema.
            if RestoreCommand.invoked(arguments) {
                print(try await RestoreCommand.run(arguments, configuration: configuration))
                return 0
            }
            let runsJobs = try serving && JobScheduler.enabled(environment)
            let logFormat = try LogFormat.fromEnvironment(environment)

            var environment = try Environment.detect(arguments: arguments)
            try logFormat.bootstrap(from: &environment)
            let app = try await Application.make(environment)
            // The process's registry, the one swift-metrics was given: /metrics serves the libraries' metrics too.
            app.metrics = PassnumMetrics.process
            try await shuttingDown(app) {
                let store = try await Store.open(
                    configuration, clock: try clock(), eventLoopGroup: app.eventLoopGroup, threadPool: app.threadPool, logger: app.logger)
                app.lifecycle.use(StoreLifecycle(store: store))
                try configure(app, store: store)
                // After the store's handler: shutdown runs handlers in reverse, so the jobs stop before the store closes.
                if runsJobs { app.lifecycle.use(JobScheduler()) }
                if demoBeforeServe {
                    let console = Terminal()
                    if try await store.overview().funders == 0 {
                        console.print("Filling the empty database with demo data…")
                        let report = try await DemoScenario(store: store).run()
                        console.print(report.summary)
                    } else {
                        console.print("The database already holds data: no demo data added.")
                    }
                }
                try await app.execute()
                // SIGTERM drains: the HTTP server stops accepting and finishes the requests it holds (10 s at most)
                // before the lifecycle handlers stop the jobs and close the store. Vapor would stop the server after
                // them, and requests still running would fail on a closed database.
                if serving { await app.server.shutdown() }
            }
            return 0
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            return 1
        }
    }

    /// Whether the command line asks for help (`--help` or `-h`, for the commands or for one of them).
    static func asksForHelp(_ arguments: [String]) -> Bool {
        arguments.dropFirst().contains { $0 == "--help" || $0 == "-h" }
    }

    /// Vapor prints the help asked for, from the commands alone: no store, no routes.
    static func help(_ arguments: [String]) async throws {
        let app = try await Application.make(try Environment.detect(arguments: arguments))
        try await shuttingDown(app) {
            registerHelpCommands(app)
            try await app.execute()
        }
    }

    /// The commands `help` lists: the application's, and `restore`, which runs before Vapor.
    static func registerHelpCommands(_ app: Application) {
        registerCommands(app)
        app.asyncCommands.use(RestoreCommand.Listing(), as: RestoreCommand.name)
    }

    /// Runs `body`, then shuts `app` down, also when `body` throws.
    static func shuttingDown(_ app: Application, after body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// The real clock, or one that starts at PASSNUM_FAKE_NOW (an ISO 8601 instant) and runs from there: the
    /// browser tests replay a month and its payout this way. Never set it in production.
    static func clock() throws -> any PassnumClock {
        guard let text = ProcessInfo.processInfo.environment["PASSNUM_FAKE_NOW"], !text.isEmpty else { return SystemClock() }
        guard let date = ISO8601DateFormatter().date(from: text) else {
            throw UsageError("PASSNUM_FAKE_NOW must be an ISO 8601 instant such as 2026-03-10T09:00:00Z")
        }
        return OffsetClock(startingAt: date)
    }

    static func takeOption(_ name: String, from arguments: inout [String]) throws -> String? {
        guard let index = arguments.firstIndex(where: { $0 == name || $0.hasPrefix(name + "=") }) else { return nil }
        if arguments[index].hasPrefix(name + "=") {
            let value = String(arguments[index].dropFirst(name.count + 1))
            arguments.remove(at: index)
            return value
        }
        guard index + 1 < arguments.count else { throw UsageError("\(name) needs a value") }
        let value = arguments[index + 1]
        arguments.removeSubrange(index...(index + 1))
        return value
    }

    /// Whether Vapor will run its HTTP server: the command is `serve`, or there is none (Vapor's default command).
    static func servesHTTP(_ arguments: [String]) -> Bool { command(arguments).map { $0 == "serve" } ?? true }

    /// The command the arguments name, nil for none (Vapor's default, `serve`). Options before the command are skipped
    /// with their values (`--env production serve`, `--port 8080`).
    static func command(_ arguments: [String]) -> String? {
        let optionsWithValues: Set<String> = ["--env", "-e", "--hostname", "-H", "--port", "-p", "--bind", "-b", "--log"]
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            guard argument.hasPrefix("-") else { return argument }
            index += optionsWithValues.contains(argument) ? 2 : 1
        }
        return nil
    }

    /// The commands Vapor's `Application` registers itself (CommandTests checks this list against it).
    static let vaporCommands: Set<String> = ["serve", "routes"]

    /// Whether `name` is one of the application's commands or Vapor's. `restore` is not: it runs before Vapor, and
    /// only as the first argument.
    static func knows(_ name: String) -> Bool {
        var ours = AsyncCommands()
        registerCommands(&ours)
        return ours.commands[name] != nil || vaporCommands.contains(name)
    }

    static func takeFlag(_ name: String, from arguments: inout [String]) -> Bool {
        guard let index = arguments.firstIndex(of: name) else { return false }
        arguments.remove(at: index)
        return true
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    /// "cannot read FILE: No such file or directory": a file or directory the operator named could not be used, said
    /// plainly (the system's reason when there is one) instead of Foundation's error dump.
    static func file(_ action: String, _ path: String, _ error: any Error) -> UsageError {
        let error = error as NSError
        let underlying = (error.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
        let posix = [underlying, error].compactMap { $0 }.first { $0.domain == NSPOSIXErrorDomain }
        return UsageError("cannot \(action) \(path): " + (posix.map { String(cString: strerror(Int32($0.code))) } ?? error.localizedDescription))
    }
}

/// Closes the store's connections when the application stops.
struct StoreLifecycle: LifecycleHandler {
    let store: Store

    func shutdownAsync(_ application: Application) async {
        await store.close()
    }
}
