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
                // A counter is the sum of its lanes: +20 in one lane and -20 in another is a counter at zero.
                written[database] = try await store.read { tx in
                    try await tx.sql.raw("""
                        SELECT dimension, ref, code, CAST(SUM(checks) AS BIGINT) AS n FROM tallies
                        GROUP BY dimension, ref, code HAVING SUM(checks) <> 0 ORDER BY dimension, ref, code
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

    @Test("An API validation checks its key in its first statement on PostgreSQL: two statements, and the same answers, counts and writes on both databases",
          arguments: TestDatabase.allCases)
    func authenticatedValidation(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 2)
            let serials = try await territory.handOut(store)
            let count = ApiRequestCount(operation: "validate", perKey: 4, address: "192.0.2.1", perAddress: 100, windowSeconds: 60)
            // As the API authorizes: a key within its limits, of a place; `elsewhere` names another place than the key's.
            struct NotAuthorized: Error { let reason: String }
            func validate(_ checks: [PresentedCheck], key: String, secret: String, elsewhere: PlaceID? = nil) async throws -> ValidationOutcome {
                try await store.validate(checks: checks, category: .everydayTools, key: key, service: nil, presenting: secret, counting: count) { found in
                    if let refused = found.refused { throw NotAuthorized(reason: "refused by \(refused.bucket)") }
                    guard let key = found.key, let place = key.organisation.place else { throw NotAuthorized(reason: "no key of a place") }
                    return (elsewhere ?? place, Actor("api key \(key.id)"))
                }
            }
            func placeOf(_ serial: CheckSerial) async throws -> Int64? {
                try await store.read { tx in
                    try await tx.sql.raw("SELECT place_id FROM redemptions WHERE check_id = \(bind: serial.number)").first().map { try $0.int("place_id") }
                }
            }
            let secret = try await store.createApiKey(name: "caisse", scopes: [.validate], organisation: .place(territory.place), actor: .system).secret
            // The first use of the key also writes its last-used time.
            #expect(try await validate([territory.presented(store, serials[0])], key: "a", secret: secret).accepted)
            var before = store.statementsExecuted
            let accepted = try await validate([territory.presented(store, serials[1]), territory.presented(store, serials[2])], key: " b ", secret: secret)
            let statements = store.statementsExecuted - before
            #expect(accepted.accepted && accepted.total == Money(cents: 2000))
            before = store.statementsExecuted
            // The key as stored is the trimmed one: the same request under "b" gets the same answer.
            #expect(try await validate([territory.presented(store, serials[1]), territory.presented(store, serials[2])], key: "b", secret: secret) == accepted)
            if database == .postgres {
                #expect(statements == 2)
                #expect(store.statementsExecuted - before == 1)
            }
            #expect(try await placeOf(serials[1]) == territory.place.rawValue)
            // A refusal is answered and stored under its key.
            let wrong = PresentedCheck(serial: serials[3].grouped, code: "0000 0000 0000 0")
            let refused = try await validate([wrong], key: "r", secret: secret)
            #expect(!refused.accepted && refused.items.map(\.refusal) == [.wrongCode])
            // The fifth request of the window is over the key's limit: refused before anything is written.
            await #expect(throws: NotAuthorized.self) { try await validate([territory.presented(store, serials[3])], key: "c", secret: secret) }
            #expect(try await placeOf(serials[3]) == nil)
            // No key matches: counted against the address's failed authentications.
            await #expect(throws: NotAuthorized.self) { try await validate([territory.presented(store, serials[3])], key: "c", secret: "pn_unknown") }
            let failed = try await store.read { tx in
                try await tx.sql.raw("SELECT hits FROM rate_limits WHERE bucket = 'address:192.0.2.1:unauthorized'").first().map { try $0.int("hits") }
            }
            #expect(failed == 1)
            // Authorized at another place than the key's, the checks are read again for that place.
            let other = try await territory.place(store)
            let second = try await store.createApiKey(name: "accueil", scopes: [.validate], organisation: .place(territory.place), actor: .system).secret
            #expect(try await validate([territory.presented(store, serials[3])], key: "c", secret: second, elsewhere: other).accepted)
            #expect(try await placeOf(serials[3]) == other.rawValue)
            try await expectInvariantsHold(store)
        }
    }

    /// The read and the writes are prepared statements whose plans the connection caches (an unnamed statement would not be
    /// in `pg_prepared_statements` at all), and the plans stay generic once the tables have statistics: a plan made for one
    /// check then looks cheaper than the generic one, and unpadded arrays of checks made PostgreSQL plan the writes again
    /// on every execution (in the HTTP benchmark, after autovacuum's ANALYZE: 0.71 to 1.11 ms of its CPU per validation).
    @Test("PostgreSQL keeps one plan for the validation's reads and writes on a connection instead of planning them each time")
    func genericPlan() async throws {
        try await withStore(.postgres) { store, _ in
            // Thousands of checks handed out among ten times more in other states, with statistics, as in a database in
            // service (or the load benchmark's, whose statistics are from before its checks were handed out). PostgreSQL
            // then costs a plan for one check, or for the few checks in the state the writes look for, well below the
            // generic plan (made for arrays of 10 and any state); on a new connection it keeps planning each execution
            // unless the statements' estimates do not depend on those values.
            _ = try await Benchmark.fulfilledOrder(store, booklets: 4_000)
            let load = try await Benchmark.validationLoad(store, checks: 3_000)
            let serials = try load.checks.prefix(9).map { try CheckSerial.parse($0.serial).get() }
            try await store.read { tx in try await tx.sql.raw("ANALYZE").run() }
            let plans = try await store.onOneConnection(begin: nil) { tx in
                let counting = ApiRequestCount(operation: "validate", perKey: 100, address: "192.0.2.1", perAddress: 100, windowSeconds: 60)
                for count in 1...8 {
                    let checks = serials.prefix(count % 3 + 1).map(\.number)
                    _ = try await tx.prepared.execute(ValidationLoad(key: "k\(count)", service: nil, checks: checks, place: load.place.rawValue))
                    // The API's read, with the key: its rows are the place's.
                    let counted = LiveApiKeyCounted(hash: Store.digest(load.apiKey), count: counting, now: store.clock.now.millis)
                    let rows = try await tx.prepared.execute(AuthenticatedValidationLoad(counted: counted, key: "k\(count)", service: nil, checks: checks))
                    let place = try rows.first?.optionalInt("place_id")
                    #expect(rows.count == checks.count && place == load.place.rawValue)
                }
                // Eight accepted validations of one check each, on this connection.
                for index in 1...8 {
                    let request = ValidationRequest(place: load.place, checks: [load.checks[index]], category: .everydayTools, key: "plan-\(index)")
                    let outcome = try await tx.redeem(store.screen(request.checks), request: request, fingerprint: Store.fingerprint(of: request),
                                                      now: store.clock.now, actor: .system)
                    #expect(outcome.accepted)
                }
                return try await tx.sql.raw("""
                    SELECT name, generic_plans, custom_plans FROM pg_prepared_statements
                    WHERE name IN (\(bind: ValidationLoad.name), \(bind: AuthenticatedValidationLoad.name), \(bind: RedemptionWrites.name))
                    ORDER BY name
                    """).all()
            }
            #expect(plans.count == 3)
            for row in plans {
                let name = try row.string("name")
                #expect(try row.int("generic_plans") >= 3, "\(name)")
                #expect(try row.int("custom_plans") <= 5, "\(name)")
            }
            try await expectInvariantsHold(store)
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
