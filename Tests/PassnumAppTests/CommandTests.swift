import Foundation
@testable import PassnumApp
import PassnumPersistence
import Testing
import Vapor
import VaporTesting

@Suite("Command line")
struct CommandTests {
    /// Runs `passnum ARGUMENTS` in-process on a fresh SQLite data directory, after `prepare`.
    static func run(_ arguments: [String], prepare: (Store) async throws -> Void = { _ in },
                    then check: (Store) async throws -> Void = { _ in }) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var environment = Environment.testing
        environment.arguments = ["passnum"] + arguments
        let app = try await Application.make(environment)
        do {
            var configuration = StoreConfiguration(dataDirectory: directory)
            configuration.statementFile = StatementWording.csv
            let store = try await Store.open(configuration, eventLoopGroup: app.eventLoopGroup, threadPool: app.threadPool)
            app.lifecycle.use(StoreLifecycle(store: store))
            try configure(app, store: store)
            try await prepare(store)
            try await app.execute()
            try await check(store)
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test("verify passes on the demo and fails, naming the invariant, once a journal line is edited in SQL")
    func verifyCommand() async throws {
        try await Self.run(["verify"]) { store in _ = try await DemoScenario(store: store).run() }
        await #expect {
            try await Self.run(["verify"]) { store in
                _ = try await DemoScenario(store: store).run()
                try await store.read { tx in
                    try await tx.sql.raw("UPDATE journal_lines SET credit_cents = credit_cents + 1 WHERE id = 3").run()
                }
            }
        } throws: { error in
            (error as? VerifyFailed)?.violation.invariant == .balancedTransactions
        }
    }

    @Test("demo fills an empty database and refuses one that holds data")
    func demoCommand() async throws {
        try await Self.run(["demo"])
        await #expect(throws: UsageError.self) {
            try await Self.run(["demo"]) { store in _ = try await store.createFunder(name: "Déjà là") }
        }
    }

    @Test("The demo gives the territory the issue asks for, and keeps every invariant")
    func demoContents() async throws {
        try await Self.run(["routes"]) { store in
            let report = try await DemoScenario(store: store).run()
            #expect(report.overview.funders == 1 && report.overview.prescribers == 3 && report.overview.places == 5)
            #expect(report.overview.booklets == 500 && report.overview.checks == 5000)
            #expect(try await count(store, "SELECT COUNT(DISTINCT booklet_id) AS n FROM checks WHERE beneficiary_id IS NOT NULL") == 200)
            #expect(report.validations >= 200)
            #expect(report.payout?.ran == true && report.payout!.payouts >= 1)
            // Each payout left its statement, worded in French by the app (UTF-8 with BOM, semicolons).
            let statements = try #require(report.payout?.files.filter { $0.hasSuffix(".csv") })
            #expect(statements.count == report.payout?.payouts)
            let bytes = try Data(contentsOf: store.configuration.dataDirectory.appendingPathComponent(try #require(statements.first)))
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF])
                    && String(decoding: bytes, as: UTF8.self).contains("Numéro du chèque;Date;Service;Financeur;Montant (€)"))
            #expect(report.violations.isEmpty)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM places WHERE state = 'suspended'") == 1)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM affiliations WHERE state = 'approved'") == 4)
        }
    }

    @Test("export then import round-trips the demo into a new data directory with the same content hash")
    func exportImportDemo() async throws {
        let archive = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-demo-\(UUID().uuidString).zip")
        defer { try? FileManager.default.removeItem(at: archive) }
        var original = ""
        try await Self.run(["export", archive.path], prepare: { store in _ = try await DemoScenario(store: store).run() }) { store in
            let check = try await store.export(to: archive.appendingPathExtension("check"))
            try? FileManager.default.removeItem(at: archive.appendingPathExtension("check"))
            original = check.contentHash
        }
        #expect(original.count == 64)
        try await Self.run(["import", archive.path], then: { store in
            let again = try await store.export(to: archive.appendingPathExtension("again"))
            try? FileManager.default.removeItem(at: archive.appendingPathExtension("again"))
            #expect(again.contentHash == original)
            #expect(try await store.verify().isEmpty)
            let checks = try await count(store, "SELECT COUNT(*) AS n FROM checks")
            #expect(checks == 5000)
        })
        await #expect(throws: UsageError.self) { try await Self.run(["import", "/nonexistent/archive.zip"]) }
    }

    func count(_ store: Store, _ query: String) async throws -> Int {
        try await store.read { tx in Int(try await tx.sql.raw(.init(query)).first(decodingColumn: "n", as: Int64.self) ?? -1) }
    }

    @Test("A real server is told apart from other commands, whatever options come first, so its required settings are never skipped")
    func servingIsDetected() {
        for arguments in [["passnum"], ["passnum", "serve"], ["passnum", "--port", "8080"], ["passnum", "--env", "production", "serve"],
                          ["passnum", "-e", "prod"], ["passnum", "--log", "info", "serve", "--port", "9000"]] {
            #expect(PassnumMain.servesHTTP(arguments), "\(arguments)")
        }
        for arguments in [["passnum", "verify"], ["passnum", "--env", "production", "demo"], ["passnum", "routes"], ["passnum", "user", "add"]] {
            #expect(!PassnumMain.servesHTTP(arguments), "\(arguments)")
        }
    }

    @Test("Help is printed without opening anything: no data directory, secret or database, and no settings needed")
    func helpOpensNothing() async {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-help-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for arguments in [["--help"], ["load-validations", "--help"], ["serve", "--help"], ["verify", "-h"], ["seed-national", "--help"], ["restore", "--help"], ["restore", "-h"]] {
            // An empty environment: `serve` itself would refuse to start without the operator's settings.
            #expect(await PassnumMain.run(["passnum"] + arguments + ["--data-dir", directory.path], environment: [:]) == 0, "\(arguments)")
            #expect(!FileManager.default.fileExists(atPath: directory.path), "\(arguments)")
        }
        #expect(await PassnumMain.run(["passnum", "no-such-command", "--help", "--data-dir", directory.path], environment: [:]) == 1)
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    @Test("An unknown command, or restore after an option, stops before anything opens: no data directory, secret or database")
    func unknownCommandOpensNothing() async {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-unknown-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for arguments in [["verfy"], ["--env", "testing", "no-such-command"], ["--env", "testing", "restore", "--from", "/nonexistent"]] {
            #expect(await PassnumMain.run(["passnum"] + arguments + ["--data-dir", directory.path], environment: [:]) == 1, "\(arguments)")
            #expect(!FileManager.default.fileExists(atPath: directory.path), "\(arguments)")
        }
        // The command is found after the options and their values; none means Vapor's default, serve.
        #expect(PassnumMain.command(["passnum", "--env", "production", "--port", "9000", "verify", "--log", "debug"]) == "verify")
        #expect(PassnumMain.command(["passnum", "--port", "9000"]) == nil && PassnumMain.servesHTTP(["passnum", "--port", "9000"]))
        #expect(!PassnumMain.servesHTTP(["passnum", "-e", "production", "tick"]))
    }

    @Test("The help lists every command, restore included, which runs before Vapor")
    func helpListsRestore() async throws {
        let app = try await Application.make(.testing)
        PassnumMain.registerHelpCommands(app)
        let listed = Set(app.asyncCommands.commands.keys)
        try await app.asyncShutdown()
        // What run() checks a command against before opening anything is exactly what Vapor would run.
        #expect(listed.filter { !PassnumMain.knows($0) } == [RestoreCommand.name])
        #expect(PassnumMain.vaporCommands.isSubset(of: listed))
        #expect(listed.isSuperset(of: ["restore", "backup", "verify", "serve", "seed-national", "load-validations"]))
    }

    @Test("Global options are taken out of the arguments before Vapor reads them")
    func globalOptions() throws {
        var arguments = ["passnum", "serve", "--data-dir", "/srv/passnum", "--port", "9000"]
        #expect(try PassnumMain.takeOption("--data-dir", from: &arguments) == "/srv/passnum")
        #expect(arguments == ["passnum", "serve", "--port", "9000"])
        var equals = ["passnum", "verify", "--data-dir=/tmp/d"]
        #expect(try PassnumMain.takeOption("--data-dir", from: &equals) == "/tmp/d")
        var missing = ["passnum", "verify", "--data-dir"]
        #expect(throws: UsageError.self) { try PassnumMain.takeOption("--data-dir", from: &missing) }
    }
}

@Suite("Command line: users")
struct UserCommandTests {
    @Test("user add creates an invited account and queues its invitation (no password printed nor taken); it refuses a role without its organisation")
    func userAdd() async throws {
        try await CommandTests.run(["user", "add", "--email", "Admin@Exemple.fr", "--name", "Admin", "--role", "operator_admin"], then: { store in
            // No password yet: the account signs in once its holder has followed the link.
            #expect(try await store.loginCandidate(email: "admin@exemple.fr") == nil)
            let notices = try await store.queuedNotices(to: "admin@exemple.fr")
            guard notices.count == 1, case let .invitation(token, name, organisationName, _) = notices[0] else {
                Issue.record("expected one invitation, queued \(notices)")
                return
            }
            #expect(name == "Admin" && organisationName == "Pass numérique")
            _ = try await store.acceptInvitation(token: token, passwordHash: try Bcrypt.hash("un-mot-de-passe-solide", cost: 4))
            let account = try #require(try await store.loginCandidate(email: "admin@exemple.fr"))
            #expect(try Bcrypt.verify("un-mot-de-passe-solide", created: account.passwordHash))
        })
        await #expect(throws: CommandError.self) {
            try await CommandTests.run(["user", "add", "--email", "p@exemple.fr", "--name", "P", "--role", "operator_admin", "--password", "un-mot-de-passe-solide"])
        }
        await #expect(throws: UsageError.self) {
            try await CommandTests.run(["user", "add", "--email", "f@exemple.fr", "--name", "F", "--role", "funder_manager"])
        }
        await #expect(throws: UsageError.self) {
            try await CommandTests.run(["user", "add", "--email", "f@exemple.fr", "--name", "F", "--role", "chef"])
        }
    }

    @Test("A number out of bounds or a file that cannot be used is refused in one plain line, with the system's reason")
    func plainRefusals() async throws {
        func refusal(_ arguments: [String]) async -> String? {
            do { try await CommandTests.run(arguments) } catch let error as UsageError { return error.description } catch { return "\(error)" }
            return nil
        }
        #expect(await refusal(["mail", "deliver", "--limit", "0"]) == "--limit must be between 1 and 1000 (got 0)")
        #expect(await refusal(["mail", "deliver", "--limit", "1001"]) == "--limit must be between 1 and 1000 (got 1001)")
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-missing-\(UUID().uuidString)").path
        #expect(await refusal(["verify", "--against", missing]) == "cannot read \(missing): No such file or directory")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-file-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(await refusal(["backup", "--out", file.path + "/backup"]) == "cannot create \(file.path)/backup: Not a directory")
        #expect(await refusal(["export", file.path + "/x.zip"]) == "cannot write \(file.path)/x.zip: Not a directory")
        #expect(await refusal(["import-places", missing]) == "cannot read \(missing): No such file or directory")
        #expect(await refusal(["invoices", "export", "--month", "2026-03", "--out", file.path + "/factures"])
                == "cannot create \(file.path)/factures: Not a directory")
    }
}
