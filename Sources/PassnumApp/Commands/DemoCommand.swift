import PassnumPersistence
import Vapor

/// `passnum demo`: fills an empty database with the demo territory and prints a summary.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "seed", help: "Seed of the demo's random choices (default 2019)")
        var seed: UInt64?
    }

    var help: String { "Fills an empty database with realistic demo data and prints a summary" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = context.application.store
        guard try await store.overview().funders == 0 else {
            throw UsageError("the database already holds data; the demo only fills an empty database (use another --data-dir)")
        }
        let report = try await DemoScenario(store: store, seed: signature.seed ?? 2019).run()
        context.console.print(report.summary)
        if !report.violations.isEmpty { throw UsageError("the demo data breaks an invariant") }
    }
}
