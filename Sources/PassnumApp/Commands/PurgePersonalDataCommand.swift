import PassnumPersistence
import Vapor

/// `passnum purge-personal-data [--dry-run]`: pseudonymises the beneficiaries whose retention time is over
/// (`PASSNUM_PERSONAL_DATA_RETENTION_MONTHS`, default 24). `passnum serve` runs it daily; this is the same by hand.
struct PurgePersonalDataCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "dry-run", help: "Only count the people whose name would be replaced")
        var dryRun: Bool
    }

    var help: String { "Pseudonymises the beneficiaries whose retention time is over (--dry-run: count them only)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = context.application.store
        let months = store.configuration.personalDataRetentionMonths
        if signature.dryRun {
            let due = try await store.personalDataDue(now: store.clock.now)
            context.console.print("\(due) people would be pseudonymised (retention \(months) months after their last programme ended)")
        } else {
            // Through the job's lease, as `passnum jobs run personal-data`: never beside the scheduler's own run.
            try await JobsCommand.run(.personalData, context: context)
        }
    }
}
