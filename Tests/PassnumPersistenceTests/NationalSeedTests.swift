import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("The national dataset")
struct NationalSeedTests {
    static let end = Month(year: 2026, month: 3)!

    @Test("seed-national at a tiny scale writes the planned sizes, and verify holds on it", arguments: TestDatabase.allCases)
    func tinyDataset(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let plan = try NationalSeed.Plan(scale: 0.0005, end: Self.end)
            let overview = try await NationalSeed(store: store, plan: plan, passwordHash: "not-a-hash") { _ in }.run()
            try await expectInvariantsHold(store)

            #expect(overview.funders == plan.funders)
            #expect(overview.programmes == plan.programmesPerFunder * plan.funders)
            #expect(overview.orders == plan.programmes)
            #expect(overview.booklets == plan.booklets)
            #expect(overview.checks == 10 * plan.booklets)
            #expect(overview.beneficiaries == plan.beneficiaries)
            #expect(overview.prescribers == plan.prescribers)
            #expect(overview.places == plan.places)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM users") == plan.users)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM place_sites") > plan.places)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM affiliations WHERE state = 'approved'") >= plan.places)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM bank_detail_changes WHERE state = 'verified'") == plan.places)
            // A fifth of the stock of the programmes still running stays with the funder; the others' expired.
            let stock = plan.bookletsPerProgramme.enumerated().filter { $0.offset % plan.programmesPerFunder != 0 }.reduce(0) { $0 + $1.element / 5 }
            #expect(overview.checksByState[.issued] == stock * 10)
            #expect(overview.creditNotes == plan.funders)
            #expect((overview.checksByState[.expired] ?? 0) > 0)
            // Beneficiaries of the first eleven months of the second programme, all of the first, use three checks of five.
            let redeemed = (overview.checksByState[.redeemed] ?? 0) + (overview.checksByState[.paid] ?? 0) + (overview.checksByState[.voided] ?? 0)
            #expect(redeemed > plan.beneficiaries * 2 && redeemed < plan.beneficiaries * 4)
            #expect((overview.checksByState[.paid] ?? 0) > 0 && (overview.checksByState[.redeemed] ?? 0) > 0)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE void_reason = 'reversed'") > 0)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE void_reason = 'lost'") > 0)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM deduction_applications") > 0)
            // Twelve monthly runs: the first month has nothing to pay yet, the last run's batch is still with the bank.
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM payout_runs") == 11)
            #expect(try await count(store, "SELECT COUNT(DISTINCT period) AS n FROM payouts") == 10)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM payout_batches WHERE state = 'settled'") == 9)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM payout_batches WHERE state = 'exported'") == 1)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM validation_requests")
                    == count(store, "SELECT COUNT(*) AS n FROM journal_transactions WHERE kind = 'redemption'"))
            if database == .postgres {
                // Settled: vacuumed once at the end, so the payable checks' index-only scans read no table page.
                #expect(try await count(store, "SELECT COUNT(*) AS n FROM pg_stat_user_tables WHERE relname = 'checks' AND last_vacuum IS NOT NULL") == 1)
            }
        }
    }

    @Test("after seeding, the business operations carry on: ids and the journal chain continue", arguments: TestDatabase.allCases)
    func operationsAfterSeeding(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let plan = try NationalSeed.Plan(scale: 0.0005, end: Self.end)
            _ = try await NationalSeed(store: store, plan: plan, passwordHash: "not-a-hash") { _ in }.run()
            let funder = try await store.createFunder(name: "Nouveau financeur")
            #expect(funder.rawValue == Int64(plan.funders + 1))
            // A check handed out in the last month, validated now by a place of its funder's territory.
            let check = try await count(store, """
                SELECT MAX(c.id) AS n FROM checks c JOIN programmes p ON p.id = c.programme_id WHERE c.state = 'distributed' AND p.expired_at IS NULL
                """)
            let place = try await count(store, "SELECT MIN(place_id) AS n FROM affiliations")
            let serial = try #require(CheckSerial(number: Int64(check)))
            let outcome = try await store.validate(ValidationRequest(
                place: PlaceID(Int64(place)), checks: [PresentedCheck(serial: serial.compact, code: store.secret.securityCode(for: serial).canonical)],
                category: .everydayTools, key: "after-seed"))
            #expect(outcome.accepted, "\(outcome)")
            try await expectInvariantsHold(store)
        }
    }

    @Test("seed-national refuses a database that holds data, and a scale out of bounds", arguments: TestDatabase.allCases)
    func refusals(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            _ = try await store.createFunder(name: "Déjà là")
            let plan = try NationalSeed.Plan(scale: 0.0005, end: Self.end)
            await #expect(throws: SeedError.notEmpty) {
                _ = try await NationalSeed(store: store, plan: plan, passwordHash: "x") { _ in }.run()
            }
        }
        #expect(throws: SeedError.badScale(maximum: NationalSeed.Plan.maximumScale)) { _ = try NationalSeed.Plan(scale: 0, end: Self.end) }
        #expect(throws: SeedError.badScale(maximum: NationalSeed.Plan.maximumScale)) { _ = try NationalSeed.Plan(scale: .nan, end: Self.end) }
    }

    @Test("the plan scales every count, with at least one of each organisation")
    func plan() throws {
        let national = try NationalSeed.Plan(scale: 1, end: Self.end)
        #expect(national.funders == 200 && national.programmes == 400 && national.booklets == 1_000_000 && national.checks == 10_000_000)
        #expect(national.agents == 20_000 && national.prescribers == 4_000 && national.places == 10_000 && national.beneficiaries == 1_000_000)
        #expect(national.months.first == Month(year: 2025, month: 3) && national.months.last == Month(year: 2026, month: 2))
        let departement = try NationalSeed.Plan(scale: 0.05, end: Self.end)
        #expect(departement.funders == 10 && departement.booklets == 50_000 && departement.places == 500)
        let busier = try NationalSeed.Plan(scale: 0.01, end: Self.end, programmesPerFunder: 4, activity: 2)
        #expect(busier.funders == 2 && busier.programmes == 8 && busier.booklets == 20_000 && busier.places == 100)
        #expect(throws: SeedError.badShape) { _ = try NationalSeed.Plan(scale: 0.01, end: Self.end, programmesPerFunder: 1) }
        let tiny = try NationalSeed.Plan(scale: 0.000_001, end: Self.end)
        #expect(tiny.funders == 1 && tiny.places == 1 && tiny.prescribers == 1 && tiny.bookletsPerProgramme.allSatisfy { $0 >= 5 })
    }
}
