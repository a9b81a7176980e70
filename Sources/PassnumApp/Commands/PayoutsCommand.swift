import PassnumDomain
import PassnumPersistence
import Vapor

/// `passnum payouts --month YYYY-MM`: the month's payout run, the same operation as the operator's payouts page (same
/// files, same journal entries), for cron or for timing a run on a large database.
struct PayoutsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "month", help: "YYYY-MM: the month to pay, once it is over")
        var month: String?
    }

    var help: String { "Runs the payouts of a month that is over (as the operator's payouts page does)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let text = signature.month, let month = Month(text) else { throw UsageError("--month YYYY-MM is required") }
        let run = try await context.application.store.runPayouts(for: month, actor: Actor(.cli, organisation: .operator))
        context.console.print(run.ran ? "paid \(run.month): \(run.payouts) payouts, \(run.checks) checks, \(run.total.plainDecimal) EUR in all"
                                      : "nothing to pay for \(run.month)")
        if let batch = run.batch { context.console.print("batch \(batch), \(run.files.count) files written") }
        for held in run.heldBack {
            context.console.print("held back: place \(held.place) (\(held.name)), \(held.checks) checks, \(held.amount.plainDecimal) EUR: \(held.reason)")
        }
    }
}
