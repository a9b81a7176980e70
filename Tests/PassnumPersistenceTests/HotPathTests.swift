import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

/// The statements every API validation sends (docs/BENCHMARKS.md): few, and on PostgreSQL prepared once per connection.
@Suite("The validation's hot path")
struct HotPathTests {
    @Test("On PostgreSQL a validation is two statements, one read and one write, and a repeated key the read alone; both databases write the same")
    func validationStatements() async throws {
        var written: [TestDatabase: [String]] = [:]
        for database in TestDatabase.allCases {
            try await withStore(database) { store, _ in
                let territory = try await Territory.make(store, booklets: 2)
                let (first, second) = (try await territory.handOut(store), try await territory.handOut(store))
                // A check of each of two booklets: both booklets start, in one statement on PostgreSQL.
                let request = territory.request(store, [first[0], second[0]], key: "till-1")
                let before = store.statementsExecuted
                #expect(try await store.validate(request).accepted)
                let validation = store.statementsExecuted - before
                let again = try await store.validate(request)
                let repeated = store.statementsExecuted - before - validation
                #expect(again.accepted && again.total == Money(cents: 2000))
                if database == .postgres {
                    #expect(validation == 2)
                    #expect(repeated == 1)
                }
                try await expectInvariantsHold(store)
                written[database] = try await store.read { tx in
                    try await tx.sql.raw("""
                        SELECT dimension, ref, code, CAST(SUM(checks) AS BIGINT) AS n FROM tallies WHERE checks <> 0
                        GROUP BY dimension, ref, code ORDER BY dimension, ref, code
                        """).all().map { "\(try $0.string("dimension")) \(try $0.int("ref")) \(try $0.string("code")) \(try $0.int("n"))" }
                }
            }
        }
        // The place, prescriber and beneficiary ids are the same in both fresh databases.
        if let postgres = written[.postgres], let sqlite = written[.sqlite] {
            #expect(postgres == sqlite)
            #expect(sqlite.contains { $0.hasPrefix("booklets_started 0  2") })
        }
    }

    /// The read is a prepared statement whose plan the connection caches (an unnamed statement would not be in
    /// `pg_prepared_statements` at all).
    @Test("PostgreSQL keeps one plan for the validation's read on a connection instead of planning it each time")
    func genericPlan() async throws {
        try await withStore(.postgres) { store, _ in
            // Thousands of checks, with statistics, as a database in service has them: a plan made for one check then looks
            // cheaper than the generic one.
            let territory = try await Territory.make(store, booklets: 300, quota: 300)
            let serials = try await territory.handOut(store)
            try await store.read { tx in try await tx.sql.raw("ANALYZE").run() }
            let plans = try await store.onOneConnection(begin: nil) { tx in
                for count in 1...8 {
                    _ = try await tx.prepared.execute(ValidationLoad(key: "k\(count)", service: nil, checks: serials.prefix(count % 3 + 1).map(\.number),
                                                                     place: territory.place.rawValue))
                }
                return try await tx.sql.raw("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = \(bind: ValidationLoad.name)").first()
            }
            let row = try #require(plans)
            #expect(try row.int("generic_plans") >= 3)
            #expect(try row.int("custom_plans") <= 5)
        }
    }

    @Test("Rate limits count a bucket only while the buckets before it are within their limit, and drop a bucket's old windows", arguments: TestDatabase.allCases)
    func rateLimits(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            func hits(_ bucket: String) async throws -> [Int] {
                try await store.read { tx in
                    try await tx.sql.raw("SELECT hits FROM rate_limits WHERE bucket = \(bind: bucket) ORDER BY window_start").all().map { Int(try $0.int("hits")) }
                }
            }
            let before = store.statementsExecuted
            #expect(try await store.hitRateLimits([("key", 2), ("address", 5)], windowSeconds: 60).refused == nil)
            if database == .postgres { #expect(store.statementsExecuted - before == 1) }
            #expect(try await store.hitRateLimits([("key", 2), ("address", 5)], windowSeconds: 60).refused == nil)
            let third = try await store.hitRateLimits([("key", 2), ("address", 5)], windowSeconds: 60)
            #expect(third.refused?.bucket == "key" && third.refused?.limit == 2)
            #expect((1...60).contains(third.retryAfterSeconds))
            #expect(try await hits("key") == [3])
            #expect(try await hits("address") == [2])
            // The second bucket refuses once the first lets the request through.
            #expect(try await store.hitRateLimits([("other-key", 10), ("address", 3)], windowSeconds: 60).refused == nil)
            #expect(try await store.hitRateLimits([("other-key", 10), ("address", 3)], windowSeconds: 60).refused?.bucket == "address")
            #expect(try await hits("address") == [4])
            // One bucket alone, as the public pages count.
            #expect(try await store.hitRateLimits([("public", 1)], windowSeconds: 60).refused == nil)
            #expect(try await store.hitRateLimits([("public", 1)], windowSeconds: 60).refused?.bucket == "public")
            // The next window starts from one, and its first hit drops the old window.
            clock.advance(seconds: 60)
            #expect(try await store.hitRateLimits([("key", 2), ("address", 5)], windowSeconds: 60).refused == nil)
            #expect(try await hits("key") == [1])
            #expect(try await hits("address") == [1])
        }
    }
}
