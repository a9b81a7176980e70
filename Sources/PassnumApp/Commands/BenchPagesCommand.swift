import Foundation
import PassnumPersistence
import Vapor

/// `passnum bench-pages`: on a database filled by `seed-national` (DATABASE_URL or the data directory), signs in as each
/// role and requests every GET page and API read of that role `--iterations` times, in this process, one request at a
/// time; prints per route p50, p95, the SQL statements of one request and the response's size, next to the static style
/// sheet measured the same way in the same run. Run it on a release build: scripts/bench-pages does.
struct BenchPagesCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "iterations", help: "Requests per route after one unmeasured request (default 50)")
        var iterations: Int?
        @Flag(name: "print-files", help: "Also the funder's booklet files for the printer (CSV and PDF: print jobs, seconds each)")
        var printFiles: Bool
    }

    var help: String { "Measures every page and API read of every role on a seeded database (p50, p95, SQL statements, size)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let iterations = signature.iterations ?? 50
        guard (1...10_000).contains(iterations) else { throw UsageError("--iterations must be between 1 and 10000") }
        let bench = PageBench(app: context.application)
        let targets: [PageBench.Target]
        do { targets = try await bench.targets(includePrintFiles: signature.printFiles) } catch let error as BenchError { throw UsageError(error.description) }
        let overview = try await bench.store.overview()
        context.console.print("""
            bench-pages on \(bench.store.configuration.location): \(overview.checks) checks, \(overview.booklets) booklets, \
            \(overview.beneficiaries) beneficiaries, \(overview.places) places; \(iterations) requests per route, one at a time, in process
            """)
        var rows = [Self.row(try await bench.measure(PageBench.baseline, iterations: iterations))]
        for target in targets {
            let measure = try await bench.measure(target, iterations: iterations)
            rows.append(Self.row(measure))
            FileHandle.standardError.write(Data((rows[rows.count - 1] + "\n").utf8))
        }
        context.console.print("")
        context.console.print("| role | route | status | p50 ms | p95 ms | SQL statements | bytes |")
        context.console.print("|---|---|---:|---:|---:|---:|---:|")
        for row in rows { context.console.print(row) }
        let unmeasured = bench.unmeasured(targets + [PageBench.baseline])
        if !unmeasured.isEmpty { context.console.print("\nGET routes not measured: " + unmeasured.joined(separator: ", ")) }
    }

    static func row(_ measure: PageBench.Measure) -> String {
        let statements = measure.statements.lowerBound == measure.statements.upperBound
            ? "\(measure.statements.lowerBound)" : "\(measure.statements.lowerBound)–\(measure.statements.upperBound)"
        return "| \(measure.target.role) | `\(measure.target.label)` | \(measure.status) | \(String(format: "%.1f", measure.percentile(0.5))) "
            + "| \(String(format: "%.1f", measure.percentile(0.95))) | \(statements) | \(measure.bytes) |"
    }
}
