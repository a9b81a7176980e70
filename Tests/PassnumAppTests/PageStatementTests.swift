import Foundation
@testable import PassnumApp
import PassnumDomain
import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// Issue 13, item 3: the number of SQL statements of a page must not grow with the data. Every GET page and API read
/// of every role (`PageBench`) is requested on a small national dataset and on a larger one with more of every kind of
/// organisation and more records for each (2 funders instead of 1, 4 programmes each instead of 2, 20 times the places
/// and prescribers, twice the booklets, beneficiaries and validations per prescriber and place). The counts are printed
/// side by side and must be equal.
@Suite("SQL statements per page", .serialized)
struct PageStatementTests {
    static let end = Month(year: 2026, month: 3)!

    typealias Database = WebWorld.Database

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
            let targets = try await bench.targets()
            for target in targets {
                let measure = try await bench.measure(target, iterations: 2)
                #expect(measure.status == target.expected, "\(target.path) answered \(measure.status)")
                counts["\(target.role) \(Self.pattern(target.path))"] = measure.statements.lowerBound
            }
            // The searches really search: a parameter the route ignores would measure the unfiltered list instead.
            let searches = targets.filter { $0.role == "public" && $0.path.contains("?commune=") }
            #expect(searches.count == 2)
            for search in searches {
                let unfiltered = try await Self.body(app, String(search.path.prefix { $0 != "?" }))
                let postcode = try #require(search.path.split(separator: "=").last)
                let found = try await Self.body(app, search.path)
                #expect(found != unfiltered && found.contains(String(postcode)), "\(search.path) does not search")
            }
            return counts
        }
    }

    static func body(_ app: Application, _ path: String) async throws -> String {
        var body = ""
        try await app.testing().test(.GET, path) { body = $0.body.string }
        return body
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
        try await WebWorld.withApp(database, name: "pages") { app, store in
            _ = try await NationalSeed(store: store, plan: plan, passwordHash: try await app.password.async.hash(NationalSeed.password)) { _ in }.run()
            try await app.asyncBoot()
            return try await body(app)
        }
    }
}
