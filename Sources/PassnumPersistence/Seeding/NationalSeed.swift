import Foundation
import PassnumDomain
import SQLKit

/// A national-size dataset made by the platform itself, for the page benchmarks (issue 13): at scale 1, 200 funders
/// with two programmes each over two départements co-funded by the State and a CAF, 1 M booklets (10 M checks),
/// 1 M beneficiaries, 20 000 prescriber agents in 4 000 structures, 10 000 places with sites, services, verified bank
/// details and affiliations, and 12 months of activity: hand-outs, about 2.7 M redemptions, monthly payouts settled
/// by the bank, reversals deducted from the next payout, lost checks, one programme per funder expired with its
/// credit note.
///
/// What few rows there are (funders, programmes, orders and their invoices and payments, prescribers, places and
/// sites, expiries) are written by the business operations themselves. What there are millions of is written in
/// bulk, each row and journal entry exactly as its operation writes it (see the comment of each phase), the journal
/// chained by `BulkJournal` as `Transaction.post` chains it: `verify` holds on the result. Deterministic: the same
/// plan (scale, end month, seed) writes the same data. Only for an empty database that nothing else writes to.
public struct NationalSeed: Sendable {
    /// How many of everything, from the scale.
    public struct Plan: Sendable, Equatable {
        public let scale: Double
        /// The activity covers the twelve months before this one.
        public let end: Month
        public let seed: UInt64
        public let funders: Int
        public let prescribers: Int
        public let agents: Int
        public let places: Int
        /// The first ends after eight months and is expired with its credit note; the others run past the end.
        public let programmesPerFunder: Int
        /// Booklets of each programme, funder by funder, the same number of beneficiaries each.
        public let bookletsPerProgramme: [Int]

        public static let maximumScale = 2.0

        /// `programmesPerFunder` (2 to 10) and `activity` (booklets and beneficiaries multiplied, 1 to 10, organisations
        /// unchanged) give each organisation more records than the national proportions: for tests that compare sizes.
        public init(scale: Double, end: Month, seed: UInt64 = 2019, programmesPerFunder: Int = 2, activity: Int = 1) throws(SeedError) {
            guard scale.isFinite, scale > 0, scale <= Self.maximumScale else { throw .badScale(maximum: Self.maximumScale) }
            guard (2...10).contains(programmesPerFunder), (1...10).contains(activity) else { throw .badShape }
            self.programmesPerFunder = programmesPerFunder
            self.scale = scale
            self.end = end
            self.seed = seed
            func scaled(_ count: Double) -> Int { Int((count * scale).rounded()) }
            funders = max(1, scaled(200))
            agents = max(funders, scaled(20_000))
            prescribers = max(funders, agents / 5)
            places = max(funders, scaled(10_000))
            let programmes = programmesPerFunder * funders
            // At least 5 booklets a programme: one stays in stock, one allocated only, and beneficiaries get the rest.
            let booklets = max(5 * programmes, scaled(1_000_000) * activity)
            bookletsPerProgramme = (0..<programmes).map { booklets / programmes + ($0 < booklets % programmes ? 1 : 0) }
        }

        public var programmes: Int { bookletsPerProgramme.count }
        public var booklets: Int { bookletsPerProgramme.reduce(0, +) }
        public var checks: Int { booklets * NationalSeed.checksPerBooklet }
        public var beneficiaries: Int { booklets }
        /// Two operator admins, a manager per funder, the agents, a manager per place.
        public var users: Int { 2 + funders + agents + places }
        /// The twelve months of activity, oldest first.
        public var months: [Month] { (1...12).reversed().map { back in (0..<back).reduce(end) { month, _ in month.previous } } }
    }

    /// The demo accounts' password, for every account of the dataset: only for a benchmark database.
    public static let password = "national-passnum-2026"
    public static let operatorEmail = "operateur@national.passnum.fr"
    public static func funderEmail(_ index: Int) -> String { "financeur-\(index + 1)@national.passnum.fr" }
    public static func agentEmail(_ index: Int) -> String { "aiguilleur-\(index + 1)@national.passnum.fr" }
    public static func placeEmail(_ index: Int) -> String { "lieu-\(index + 1)@national.passnum.fr" }
    static let secondOperatorEmail = "operateur2@national.passnum.fr"
    static let checksPerBooklet = 10
    /// Checks handed to each beneficiary: half a booklet.
    static let checksPerBeneficiary = 5

    let store: Store
    let plan: Plan
    let passwordHash: String
    let progress: @Sendable (String) -> Void

    public init(store: Store, plan: Plan, passwordHash: String, progress: @escaping @Sendable (String) -> Void) {
        self.store = store
        self.plan = plan
        self.passwordHash = passwordHash
        self.progress = progress
    }

    /// Refused unless the database holds no organisation, account or journal entry yet.
    public func run() async throws -> Overview {
        let used = try await store.read { tx in
            try await tx.sql.raw("""
                SELECT CAST((SELECT COUNT(*) FROM funders) + (SELECT COUNT(*) FROM places) + (SELECT COUNT(*) FROM users)
                  + (SELECT COUNT(*) FROM journal_transactions) AS BIGINT) AS n
                """).first(decodingColumn: "n", as: Int64.self) ?? 0
        }
        guard used == 0 else { throw SeedError.notEmpty }
        let months = plan.months
        let debtor = store.configuration.operatorAccount.account
        let organised = try await organisations(months[0])
        let world = try await bulk(phase: 1, at: "accounts, services, bank details, affiliations") { tx, journal in
            var world = organised
            try await world.accounts(tx, &journal, at: months[0])
            return world
        }
        try await bulk(phase: 2, at: "allocation") { tx, _ in try await world.allocate(tx, at: months[0]) }
        var ledger = Ledger()
        for (index, month) in months.enumerated() {
            if index > 0 {
                ledger = try await bulk(phase: UInt64(10 + 2 * index), at: "payouts of \(months[index - 1])") { [ledger] tx, journal in
                    var ledger = ledger
                    // The last run's batch stays with the bank (in transit), and the last month's checks wait for the next run.
                    try await ledger.payOut(months[index - 1], on: month, settle: index < months.count - 1, tx, &journal, world: world, debtor: debtor)
                    return ledger
                }
                let notes = try await store.with(clock: ManualClock(Self.instant(month, day: 6, hour: 12)))
                    .expireProgrammes(actor: Actor(Self.operatorEmail, organisation: .operator))
                if !notes.isEmpty { progress("  \(notes.count) programmes expired, credit notes \(notes.map(\.number).joined(separator: ", "))") }
            }
            ledger = try await bulk(phase: UInt64(11 + 2 * index), at: "activity of \(month)") { [ledger] tx, journal in
                var ledger = ledger
                try await world.handOut(month: index, months: months, tx)
                try await ledger.redeem(month: index, months: months, world: world, store: store, tx, &journal)
                return ledger
            }
        }
        // The maintained counters and the public index are derived from the rows: rebuilt once, as after any bulk load.
        let started = ContinuousClock.now
        try await store.transaction { tx in
            try await tx.rebuildTallies()
            try await tx.rebuildPublicIndex(at: Self.instant(plan.end, day: 5, hour: 7))
        }
        progress("  counters and public index rebuilt (\(Self.seconds(since: started)))")
        // PostgreSQL: the bulk state changes leave dead rows and pages not marked all-visible, under autovacuum's
        // thresholds at this size (a fifth of `checks`), so index-only scans would read the table for every row until
        // enough other changes came. Vacuumed and analyzed once, like after a restore, the dataset is a settled one.
        if store.kind == .postgres {
            let vacuumed = ContinuousClock.now
            try await store.read { tx in try await tx.sql.raw("VACUUM (ANALYZE)").run() }
            progress("  vacuumed and analyzed (\(Self.seconds(since: vacuumed)))")
        }
        return try await store.overview()
    }

    /// The database's size on disk, in bytes: the SQLite file with its write-ahead log, or PostgreSQL's database.
    public static func databaseSize(_ store: Store) async throws -> Int64 {
        switch store.configuration.location {
        case .sqlite(let path):
            return [path, path + "-wal"].reduce(Int64(0)) { total, file in
                total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0)
            }
        case .postgres:
            return try await store.read { tx in
                try await tx.sql.raw("SELECT CAST(pg_database_size(current_database()) AS BIGINT) AS n").first(decodingColumn: "n", as: Int64.self) ?? 0
            }
        }
    }

    /// One transaction of bulk writes with a journal chained from the lanes' current heads, flushed at the end.
    @discardableResult
    private func bulk<T: Sendable>(phase: UInt64, at name: String,
                                   _ body: @escaping @Sendable (Transaction, inout BulkJournal) async throws -> T) async throws -> T {
        let seed = plan.seed
        let started = ContinuousClock.now
        let result = try await store.transaction { tx in
            var journal = try await BulkJournal.load(tx, random: SplitMix64(seed: seed &+ phase))
            let result = try await body(tx, &journal)
            try await journal.flush(tx)
            try await tx.realignIdentities(World.explicitIDTables)
            return (result, journal.written)
        }
        progress("  \(name): \(result.1) journal entries (\(Self.seconds(since: started)))")
        return result.0
    }

    // MARK: Organisations, by the business operations

    /// Funders, programmes, paid and fulfilled orders, prescribers and places, each by its own operation.
    private func organisations(_ first: Month) async throws -> World {
        let started = ContinuousClock.now
        let store = self.store.with(clock: ManualClock(Self.instant(first, day: 1, hour: 9)))
        let operatorAdmin = Actor(Self.operatorEmail, organisation: .operator)
        try await store.setFeeSchedule(FeeSchedule(managementFee: .rate(basisPoints: 200)), actor: operatorAdmin, reason: "national dataset")
        var world = World(plan: plan, passwordHash: passwordHash)
        let lastDayOfFirstCampaign = first.adding(months: 7).lastDay
        for funder in 0..<plan.funders {
            let id = try await store.createFunder(name: "Financeur \(funder + 1) – \(World.departement(of: funder))")
            let manager = Actor(Self.funderEmail(funder), organisation: .funder(id))
            let home = World.departement(of: funder), next = World.departement(of: funder + 1)
            let perimeter = Perimeter(departements: home == next ? [home] : [home, next])
            for campaign in 0..<plan.programmesPerFunder {
                let terms = ProgrammeTerms(
                    name: "Pass numérique \(first.year + min(campaign, 1)) – financeur \(funder + 1)" + (campaign > 1 ? " (\(campaign))" : ""),
                    validFrom: first.firstDay, validUntil: campaign == 0 ? lastDayOfFirstCampaign : plan.end.firstDay.adding(days: 365),
                    perimeter: perimeter,
                    shares: [CoFundingShare(cofunder: "État", percent: 50), CoFundingShare(cofunder: "Financeur \(funder + 1)", percent: 30),
                             CoFundingShare(cofunder: "CAF", percent: 20)])
                let programme = try await store.createProgramme(funder: id, terms: terms)
                let booklets = plan.bookletsPerProgramme[plan.programmesPerFunder * funder + campaign]
                let order = try await store.createOrder(programme: programme, booklets: booklets, actor: manager)
                try await store.carryOrder(order, to: .paid, funder: manager, operator: operatorAdmin, bankReference: "VIR-NATIONAL")
                try await store.moveOrder(order, to: .fulfilled, actor: operatorAdmin)
                world.programmes.append(try await store.read { tx in try await World.Issued.read(tx, programme: programme, order: order, terms: terms) })
            }
            world.funders.append(id)
        }
        progress("  \(plan.funders) funders, \(plan.programmes) programmes, \(plan.booklets) booklets issued (\(Self.seconds(since: started)))")
        for prescriber in 0..<plan.prescribers {
            let funder = prescriber % plan.funders
            world.prescribers.append(try await store.createPrescriber(
                name: "Structure d’accompagnement \(prescriber + 1)", commune: World.commune(of: funder, index: prescriber)))
        }
        let report = try await store.importPlaces(world.placeRecords(), actor: operatorAdmin)
        guard report.rejected.isEmpty else { throw Inconsistency("the generated places were refused: \(report.rejected)") }
        try await world.readPlaces(store)
        progress("  \(plan.prescribers) prescribers, \(report.places) places with \(report.sites) sites (\(Self.seconds(since: started)))")
        return world
    }

    static func seconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        return String(format: "%.1f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    static func instant(_ month: Month, day: Int, hour: Int) -> Date {
        month.firstDay.adding(days: day - 1).start.addingTimeInterval(Double(hour) * 3600)
    }
}

public enum SeedError: Error, CustomStringConvertible, Equatable {
    case notEmpty
    case badScale(maximum: Double)
    case badShape

    public var description: String {
        switch self {
        case .badScale(let maximum): "--scale must be a number above 0 and at most \(maximum)"
        case .badShape: "a plan has 2 to 10 programmes per funder and an activity of 1 to 10"
        case .notEmpty: "the database already holds data: seed-national fills an empty database only (create a new one, or use a new --data-dir)"
        }
    }
}

extension Month {
    func adding(months: Int) -> Month { (0..<months).reduce(self) { month, _ in month.next } }
}
