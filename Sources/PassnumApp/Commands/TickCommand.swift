import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// `passnum tick`: applies the expiry timeline; idempotent, safe to run every hour from cron. Alerts (end − 30
/// days) and the hand-out stop (end − 15 days) follow from the date and need no run; after end + grace, checks
/// still unused expire and one credit note per programme is issued, once. It also issues the year's subscription
/// invoice to each qualified place, once a year, when the operator set a subscription.
struct TickCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Applies the expiry timeline (idempotent; run it every hour from cron)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = context.application.store
        let notes = try await store.expireProgrammes(actor: Actor("tick"))
        if notes.isEmpty {
            context.console.print("nothing to expire")
        }
        for note in notes {
            context.console.print("programme \(note.programme) expired: \(note.checks) checks, credit note \(note.number) of \(note.amount.plainDecimal) EUR to funder \(note.funder)")
        }
        try await store.pruneRateLimits()
        for invoice in try await store.chargeSubscriptions(actor: Actor("tick")) {
            context.console.print("subscription invoice \(invoice.number) of \(invoice.amounts.total.plainDecimal) EUR to place \(invoice.place.map(String.init(describing:)) ?? "")")
        }
    }
}
