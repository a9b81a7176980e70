import Foundation
import PassnumDomain
import SQLKit

/// Throughput measurements for `passnum bench`, each next to the raw ceiling of the same database measured
/// in the same run. Meant for a release build on a fresh, throwaway store.
public enum Benchmark {
    /// The faster of two results: a ceiling is measured before and after what it bounds, so that neither
    /// a cold start nor a database grown by the measured work gives it a head start.
    public static func best(_ first: Result, _ second: Result) -> Result { first.perSecond >= second.perSecond ? first : second }

    public struct Result: Sendable {
        public let name: String
        public let operations: Int
        public let seconds: Double
        public var perSecond: Double { Double(operations) / seconds }
    }

    public static func time(_ body: () async throws -> Void) async rethrows -> Double {
        let start = ContinuousClock.now
        try await body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// A funder, a programme valid around today, a prescriber with a large quota, a qualified and affiliated
    /// place and a beneficiary.
    struct Setup {
        let programme: ProgrammeID
        let prescriber: PrescriberID
        let place: PlaceID
        let beneficiary: BeneficiaryID

        static func make(_ store: Store) async throws -> Setup {
            let today = CivilDate(store.clock.now)
            let funder = try await store.createFunder(name: "Bench funder")
            let programme = try await store.createProgramme(funder: funder, terms: ProgrammeTerms(
                name: "Bench", validFrom: today.adding(days: -10), validUntil: today.adding(days: 300),
                perimeter: Perimeter(departements: [DepartementCode("59")!]), shares: [CoFundingShare(cofunder: "État", percent: 100)]))
            let prescriber = try await store.createPrescriber(name: "Bench prescriber", commune: CommuneCode("59350")!)
            try await store.setQuota(programme: programme, prescriber: prescriber, booklets: 1_000_000, actor: .system)
            let place = try await store.createPlace(NewPlace(name: "Bench place", commune: CommuneCode("59350")!, postcode: "59000"))
            try await store.changePlaceState(place, to: .qualified)
            try await store.requestAffiliation(place: place, funder: funder)
            try await store.decideAffiliation(place: place, funder: funder, approve: true)
            let beneficiary = try await store.createBeneficiary(NewBeneficiary(
                firstName: "Bench", lastName: "Person", birthYear: 1960, commune: CommuneCode("59350")!, consentDate: today),
                prescriber: prescriber)
            return Setup(programme: programme, prescriber: prescriber, place: place, beneficiary: beneficiary)
        }

        func paidOrder(_ store: Store, booklets: Int) async throws -> OrderID {
            let funder = Actor("bench funder", organisation: .funder(try await store.programme(programme).funder))
            let order = try await store.createOrder(programme: programme, booklets: booklets, actor: funder)
            try await store.carryOrder(order, to: .paid, funder: funder, operator: .system)
            return order
        }
    }

    /// A fulfilled order of `booklets` booklets, for the print benchmark.
    public static func fulfilledOrder(_ store: Store, booklets: Int) async throws -> OrderID {
        let order = try await Setup.make(store).paidOrder(store, booklets: booklets)
        try await store.moveOrder(order, to: .fulfilled, actor: .system)
        return order
    }

    /// Allocates `allocate` booklets to one prescriber from a programme's stock of `stock` booklets (the order is
    /// fulfilled first, untimed): issue 13 found this past 5 minutes at 40 000 of 50 000 when the stock was tested
    /// booklet by booklet and the update bound one parameter per booklet.
    public static func allocation(_ store: Store, stock: Int, allocate: Int) async throws -> Result {
        let setup = try await Setup.make(store)
        let order = try await setup.paidOrder(store, booklets: stock)
        try await store.moveOrder(order, to: .fulfilled, actor: .system)
        var allocated = 0
        let seconds = try await time {
            allocated = try await store.allocate(programme: setup.programme, prescriber: setup.prescriber, booklets: allocate, actor: .system).count
        }
        guard allocated == allocate else { throw Inconsistency("allocated \(allocated) booklets instead of \(allocate)") }
        return Result(name: "allocate \(allocate) booklets from a stock of \(stock)", operations: allocate, seconds: seconds)
    }

    /// Fulfils one order of `checks` checks (booklets of 10): the whole issuance, booklets and journal included.
    public static func issuance(_ store: Store, checks: Int) async throws -> Result {
        let setup = try await Setup.make(store)
        let order = try await setup.paidOrder(store, booklets: checks / 10)
        let seconds = try await time { try await store.moveOrder(order, to: .fulfilled, actor: .system) }
        return Result(name: "issuance (fulfil one order)", operations: checks, seconds: seconds)
    }

    /// The fastest plain bulk insert of `rows` rows of the width issuance writes (id, booklet_id, programme_id,
    /// state) into a table with only a primary key, in one transaction: the better of multi-row VALUES
    /// statements (5 000 rows each) and one INSERT … SELECT over a generated series.
    public static func issuanceCeiling(_ store: Store, rows: Int) async throws -> Result {
        try await store.read { tx in
            for table in ["bench_values", "bench_series"] {
                try await tx.sql.raw("DROP TABLE IF EXISTS \(ident: table)").run()
                try await tx.sql.raw("""
                    CREATE TABLE \(ident: table) (id BIGINT PRIMARY KEY, booklet_id BIGINT NOT NULL, programme_id BIGINT NOT NULL,
                      state TEXT NOT NULL)
                    """).run()
            }
        }
        let values = try await time {
            try await store.transaction { tx in
                var next = Int64(1)
                while next <= Int64(rows) {
                    let last = min(next + 4_999, Int64(rows))
                    let tuples: [SQLQueryString] = (next...last).map { "(\(bind: $0), \(bind: $0 / 10), 1, \(literal: CheckState.issued.rawValue))" }
                    try await tx.sql.raw("INSERT INTO bench_values (id, booklet_id, programme_id, state) VALUES \(tuples.joined(separator: ", "))").run()
                    next = last + 1
                }
            }
        }
        let series = try await time {
            try await store.transaction { tx in
                try await tx.sql.raw(tx.series(from: 1, to: Int64(rows)) + """
                     INSERT INTO bench_series (id, booklet_id, programme_id, state) SELECT x, x / 10, 1, \(literal: CheckState.issued.rawValue) FROM series
                    """).run()
            }
        }
        return Result(name: values < series ? "plain bulk insert (multi-row VALUES)" : "plain bulk insert (INSERT … SELECT series)",
                      operations: rows, seconds: min(values, series))
    }

    /// `count` single-check validations, split between `workers` concurrent workers, each with its own
    /// request key. The checks are issued and handed out beforehand (not timed).
    public static func validations(_ store: Store, count: Int, workers: Int) async throws -> Result {
        let setup = try await Setup.make(store)
        let serials = try await setup.handedOut(store, booklets: (count + 9) / 10).flatMap { $0 }
        let checks = Array(serials.prefix(count)).map { PresentedCheck(serial: $0.compact, code: store.secret.securityCode(for: $0).canonical) }
        let seconds = try await time {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        for index in stride(from: worker, to: checks.count, by: workers) {
                            let outcome = try await store.validate(ValidationRequest(
                                place: setup.place, checks: [checks[index]], category: .everydayTools, key: "bench-\(index)"))
                            guard outcome.accepted else { throw Inconsistency("benchmark validation refused: \(outcome)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        return Result(name: "single-check validations, \(workers) workers", operations: count, seconds: seconds)
    }

    /// The same number of operations by the same workers, each one read outside a transaction then a
    /// transaction of eight plain statements (2 primary-key reads, 2 updates, 4 single-row inserts), the
    /// statement count of a single-check validation (read place and check; update check; insert redemption;
    /// read and update the journal lane's head; insert journal entry and lines; store the answer), through the
    /// same connection pool and transaction handling.
    public static func validationCeiling(_ store: Store, count: Int, workers: Int) async throws -> Result {
        try await store.read { tx in
            try await tx.sql.raw("DROP TABLE IF EXISTS bench_rows").run()
            try await tx.sql.raw("DROP TABLE IF EXISTS bench_log").run()
            try await tx.sql.raw("CREATE TABLE bench_rows (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)").run()
            try await tx.sql.raw("CREATE TABLE bench_log (k TEXT PRIMARY KEY, n BIGINT NOT NULL)").run()
            try await tx.sql.raw(tx.series(from: 1, to: Int64(count)) + " INSERT INTO bench_rows (id, n) SELECT x, 0 FROM series").run()
        }
        let seconds = try await time {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        for index in stride(from: worker, to: count, by: workers) {
                            let id = Int64(index + 1)
                            _ = try await store.read { tx in try await tx.sql.raw("SELECT n FROM bench_log WHERE k = \(bind: "r\(id)")").first() }
                            try await store.transaction { tx in
                                _ = try await tx.sql.raw("SELECT n FROM bench_rows WHERE id = \(bind: id)").first()
                                _ = try await tx.sql.raw("SELECT n FROM bench_rows WHERE id = \(bind: id)").first()
                                try await tx.sql.raw("UPDATE bench_rows SET n = n + 1 WHERE id = \(bind: id)").run()
                                try await tx.sql.raw("UPDATE bench_rows SET n = n + 1 WHERE id = \(bind: id)").run()
                                for suffix in ["a", "b", "c", "d"] {
                                    try await tx.sql.raw("INSERT INTO bench_log (k, n) VALUES (\(bind: "\(suffix)\(id)"), \(bind: id))").run()
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        return Result(name: "plain transactions of 8 statements, \(workers) workers", operations: count, seconds: seconds)
    }
}
