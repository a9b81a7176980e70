import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// `passnum bench`: measures issuance and validation throughput on throwaway databases (a temporary SQLite
/// file, and a scratch database on the PostgreSQL server given by --postgres), each next to the raw ceiling
/// of the same database measured in the same run, before and after (the better of the two is kept). Run it on a release build: scripts/bench does.
struct BenchCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "postgres", help: "URL of a PostgreSQL server on which to create scratch databases")
        var postgres: String?
        @Option(name: "checks", help: "Checks to issue (default 1000000)")
        var checks: Int?
        @Option(name: "validations", help: "Validations to run (default 10000)")
        var validations: Int?
        @Option(name: "workers", help: "Concurrent validation workers (default 8)")
        var workers: Int?
        @Option(name: "print", help: "Instead: print an order of this many booklets to PDF (SQLite), timed, with memory before and after")
        var print: Int?
        @Option(name: "allocate", help: "Instead: allocate this many booklets to one prescriber from a stock of --stock booklets, timed")
        var allocate: Int?
        @Option(name: "stock", help: "With --allocate: the programme's stock in booklets (default: --allocate + 25 %)")
        var stock: Int?
    }

    var help: String { "Measures issuance and validation throughput against the database's raw ceiling" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let checks = signature.checks ?? 1_000_000
        let validations = signature.validations ?? 10_000
        let workers = signature.workers ?? 8
        guard checks >= 10, checks % 10 == 0, validations >= 1, workers >= 1 else {
            throw UsageError("--checks must be a positive multiple of 10; --validations and --workers at least 1")
        }
        if let booklets = signature.print {
            guard booklets >= 1 else { throw UsageError("--print takes a number of booklets") }
            return try await printBench(booklets: booklets, context: context)
        }
        var kinds: [DatabaseKind] = [.sqlite]
        if signature.postgres != nil { kinds.append(.postgres) }
        if let allocate = signature.allocate {
            let stock = signature.stock ?? allocate + allocate / 4
            guard (1...2_000_000).contains(allocate), (allocate...2_000_000).contains(stock) else {
                throw UsageError("--allocate takes 1 to 2000000 booklets, and --stock at least as many")
            }
            context.console.print("| database | measured | booklets | time |")
            context.console.print("|---|---|---:|---:|")
            for kind in kinds {
                let result = try await withScratchStore(kind, postgres: signature.postgres, app: context.application) { store in
                    try await Benchmark.allocation(store, stock: stock, allocate: allocate)
                }
                context.console.print("| \(kind.rawValue) | \(result.name) | \(result.operations) | \(String(format: "%.2f", result.seconds)) s |")
            }
            return
        }
        var rows: [String] = []
        for kind in kinds {
            for measure in Measure.allCases {
                let (result, ceiling) = try await withScratchStore(kind, postgres: signature.postgres, app: context.application) { store in
                    switch measure {
                    case .issuance:
                        let before = try await Benchmark.issuanceCeiling(store, rows: checks)
                        let measured = try await Benchmark.issuance(store, checks: checks)
                        let after = try await Benchmark.issuanceCeiling(store, rows: checks)
                        return (measured, Benchmark.best(before, after))
                    case .validation:
                        let before = try await Benchmark.validationCeiling(store, count: validations, workers: workers)
                        let measured = try await Benchmark.validations(store, count: validations, workers: workers)
                        let after = try await Benchmark.validationCeiling(store, count: validations, workers: workers)
                        return (measured, Benchmark.best(before, after))
                    }
                }
                let row = "| \(kind.rawValue) | \(result.name) | \(result.operations) | \(Self.format(result.perSecond))/s "
                    + "| \(ceiling.name) | \(Self.format(ceiling.perSecond))/s | \(Int((result.perSecond / ceiling.perSecond * 100).rounded())) % |"
                context.console.print(row)
                rows.append(row)
            }
        }
        context.console.print("")
        context.console.print("| database | measured | operations | rate | ceiling | ceiling rate | share of ceiling |")
        context.console.print("|---|---|---:|---:|---|---:|---:|")
        for row in rows { context.console.print(row) }
    }

    enum Measure: CaseIterable { case issuance, validation }

    /// Prints an order of `booklets` booklets to a temporary PDF. Reports the printing time alone, the file's size,
    /// and the process's peak memory before and after printing: what printing adds to it.
    private func printBench(booklets: Int, context: CommandContext) async throws {
        try await withScratchStore(.sqlite, postgres: nil, app: context.application) { store in
            let order = try await store.printableOrder(try await Benchmark.fulfilledOrder(store, booklets: booklets))
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-bench-\(UUID().uuidString).pdf").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            guard FileManager.default.createFile(atPath: path, contents: nil) else { throw UsageError("could not create \(path)") }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            let before = Self.peakMemoryKB()
            var printed = (booklets: 0, checks: 0)
            let seconds = try await Benchmark.time {
                printed = try await BookletPrinting.write(order, store: store, publicBaseURL: "https://pass.example.fr", format: .pdf, to: handle)
            }
            try handle.close()
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            context.console.print("| booklets | checks | printing time | PDF size | peak memory before printing | peak memory after |")
            context.console.print("|---:|---:|---:|---:|---:|---:|")
            context.console.print("| \(printed.booklets) | \(printed.checks) | \(String(format: "%.2f", seconds)) s | \(size / 1_000_000) MB | \(before / 1024) MiB | \(Self.peakMemoryKB() / 1024) MiB |")
        }
    }

    /// The process's peak resident memory so far, in KiB.
    static func peakMemoryKB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }

    static func format(_ rate: Double) -> String { String(Int(rate.rounded())) }

    private func withScratchStore<T: Sendable>(
        _ kind: DatabaseKind, postgres: String?, app: Application, _ body: (Store) async throws -> T
    ) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var location: DatabaseLocation? = nil
        let scratch = "passnum_bench_\(UInt32.random(in: 0...UInt32.max))"
        if kind == .postgres, let postgres {
            location = .postgres(url: try await PostgresScratch.create(scratch, on: postgres))
        }
        let store = try await Store.open(
            StoreConfiguration(dataDirectory: directory, location: location, connectionsPerEventLoop: 8),
            eventLoopGroup: app.eventLoopGroup, threadPool: app.threadPool)
        do {
            let result = try await body(store)
            await store.close()
            if kind == .postgres, let postgres { try await PostgresScratch.drop(scratch, on: postgres) }
            return result
        } catch {
            await store.close()
            if kind == .postgres, let postgres { try? await PostgresScratch.drop(scratch, on: postgres) }
            throw error
        }
    }
}
