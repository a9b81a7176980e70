import Foundation
@testable import PassnumApp
import PassnumDomain
import PassnumPersistence
import Testing
import Vapor

/// Issue 13, item 3: the number of SQL statements of a page must not grow with the data. Every GET page and API read
/// of every role (`PageBench`) is requested on a small national dataset and on a larger one with more of every kind of
/// organisation and more records for each (2 funders instead of 1, 4 programmes each instead of 2, 20 times the places
/// and prescribers, twice the booklets, beneficiaries and validations per prescriber and place). The counts are printed
/// side by side and must be equal.
@Suite("SQL statements per page", .serialized)
struct PageStatementTests {
    static let end = Month(year: 2026, month: 3)!

    enum Database: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    @Test("every page sends as many statements on a small and on a larger dataset", arguments: Database.allCases)
    func statementsDoNotGrow(database: Database) async throws {
        let small = try await Self.counts(database, try NationalSeed.Plan(scale: 0.000_5, end: Self.end))
        let large = try await Self.counts(database, try NationalSeed.Plan(scale: 0.01, end: Self.end, programmesPerFunder: 4, activity: 2))
        #expect(Set(small.keys) == Set(large.keys))
        var report = ["| route | small | large |", "|---|---:|---:|"]
        for route in small.keys.sorted() {
            let (smallCount, largeCount) = (small[route] ?? 0, large[route] ?? 0)
            report.append("| \(route) | \(smallCount) | \(largeCount) |" + (smallCount == largeCount ? "" : " grows"))
            #expect(smallCount == largeCount, "\(route): \(smallCount) statements on the small dataset, \(largeCount) on the larger one")
        }
        print("SQL statements per request on \(database.rawValue):\n" + report.joined(separator: "\n"))
    }

    /// Seeds a fresh database at `scale` behind a test application and returns each route's statement count (the lower
    /// of two requests after a first one: a session's last use is written at most once a minute). Every answer must be the
    /// one a working application gives.
    static func counts(_ database: Database, _ plan: NationalSeed.Plan) async throws -> [String: Int] {
        try await withSeededApp(database, plan) { app in
            let bench = PageBench(app: app)
            var counts: [String: Int] = [:]
            for target in try await bench.targets() {
                let measure = try await bench.measure(target, iterations: 2)
                #expect(measure.status == target.expected, "\(target.path) answered \(measure.status)")
                counts["\(target.role) \(Self.pattern(target.path))"] = measure.statements.lowerBound
            }
            return counts
        }
    }

    /// The route of a path: numeric segments and the QR page's code become ":id", the query stays.
    static func pattern(_ path: String) -> String {
        let parts = path.split(separator: "?", maxSplits: 1)
        let route = parts[0].split(separator: "/").enumerated().map { index, segment in
            segment.allSatisfy(\.isNumber) || (index == 1 && parts[0].hasPrefix("/c/")) ? ":id" : String(segment)
        }
        return "/" + route.joined(separator: "/") + (parts.count > 1 ? "?" + parts[1].split(separator: "=")[0] + "=…" : "")
    }

    static func withSeededApp<T: Sendable>(_ database: Database, _ plan: NationalSeed.Plan, _ body: (Application) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-pages-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var scratch: (name: String, server: String)?
        var location: DatabaseLocation?
        if database == .postgres {
            let server = try #require(ProcessInfo.processInfo.environment["PASSNUM_POSTGRES_SERVER_URL"],
                                      "PASSNUM_POSTGRES_SERVER_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
            let name = "passnum_pages_\(ProcessInfo.processInfo.processIdentifier)_\(UInt32.random(in: 0...UInt32.max))"
            location = .postgres(url: try await PostgresScratch.create(name, on: server))
            scratch = (name, server)
        }
        let app = try await Application.make(.testing)
        do {
            var logger = Logger(label: "test")
            logger.logLevel = .warning
            app.logger.logLevel = .warning
            var configuration = StoreConfiguration(dataDirectory: directory, location: location)
            configuration.statementFile = StatementWording.csv
            let store = try await Store.open(configuration, eventLoopGroup: app.eventLoopGroup, threadPool: app.threadPool, logger: logger)
            app.lifecycle.use(StoreLifecycle(store: store))
            try configure(app, store: store)
            _ = try await NationalSeed(store: store, plan: plan, passwordHash: try await app.password.async.hash(NationalSeed.password)) { _ in }.run()
            try await app.asyncBoot()
            let result = try await body(app)
            try await app.asyncShutdown()
            if let scratch { try await PostgresScratch.drop(scratch.name, on: scratch.server) }
            return result
        } catch {
            try? await app.asyncShutdown()
            if let scratch { try? await PostgresScratch.drop(scratch.name, on: scratch.server) }
            throw error
        }
    }
}
