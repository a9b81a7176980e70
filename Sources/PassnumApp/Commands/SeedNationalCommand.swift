import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// `passnum seed-national [--scale 1.0]`: fills an empty database with the national dataset of issue 13 (at scale 1:
/// 200 funders, 1 M booklets, 10 M checks, 1 M beneficiaries, 20 000 prescriber agents, 10 000 places, 12 months of
/// activity), written as the business operations write it, so that `passnum verify` holds. `--scale 0.05` gives a
/// département-sized dataset. Prints its progress, the sizes, the time taken, the database's size and the logins.
struct SeedNationalCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "scale", help: "Share of the national sizes, above 0 and at most 2 (default 1.0)")
        var scale: Double?
        @Option(name: "end-month", help: "YYYY-MM: the activity covers the twelve months before it (default: the month of nine days ago)")
        var endMonth: String?
        @Option(name: "seed", help: "Seed of the generator (default 2019): the same seed, scale and end month give the same data")
        var seed: UInt64?
    }

    var help: String { "Fills an empty database with a national-size dataset (see --scale), consistent for verify" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let end: Month
        if let text = signature.endMonth {
            guard let month = Month(text) else { throw UsageError("--end-month must be YYYY-MM") }
            end = month
        } else {
            end = CivilDate(Date().addingTimeInterval(-9 * 86_400)).calendarMonth
        }
        let plan: NationalSeed.Plan
        do { plan = try NationalSeed.Plan(scale: signature.scale ?? 1.0, end: end, seed: signature.seed ?? 2019) } catch {
            throw UsageError(error.description)
        }
        let store = context.application.store
        context.console.print("""
            seed-national --scale \(plan.scale) (\(store.configuration.location)): \(plan.funders) funders, \(plan.programmes) programmes, \
            \(plan.booklets) booklets (\(plan.checks) checks), \(plan.beneficiaries) beneficiaries, \(plan.prescribers) prescribers with \
            \(plan.agents) agents, \(plan.places) places; activity \(plan.months[0]) to \(plan.months[11])
            """)
        let hash = try await context.application.password.async.hash(NationalSeed.password)
        let started = ContinuousClock.now
        let overview: Overview
        do {
            overview = try await NationalSeed(store: store, plan: plan, passwordHash: hash) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }.run()
        } catch let error as SeedError {
            throw UsageError(error.description)
        }
        let elapsed = ContinuousClock.now - started
        let size = try await NationalSeed.databaseSize(store)
        let states = CheckState.allCases.compactMap { state in overview.checksByState[state].map { "\(state.rawValue) \($0)" } }
        context.console.print("""
            done in \(elapsed.formatted(.units(allowed: [.minutes, .seconds], width: .narrow))); database \(size / 1_000_000) MB
              funders \(overview.funders), programmes \(overview.programmes), orders \(overview.orders), prescribers \(overview.prescribers), \
            places \(overview.places)
              booklets \(overview.booklets), checks \(overview.checks), beneficiaries \(overview.beneficiaries)
              checks by state: \(states.joined(separator: ", "))
              payouts \(overview.payouts) (\(overview.paidOut)), credit notes \(overview.creditNotes), journal entries \(overview.journalTransactions)
            Logins (password \(NationalSeed.password)): operator \(NationalSeed.operatorEmail), funder \(NationalSeed.funderEmail(0)), \
            prescriber \(NationalSeed.agentEmail(0)), place \(NationalSeed.placeEmail(0))
            Run `passnum verify` to check the ledger.
            """)
    }
}
