import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// `passnum tick`: applies the expiry timeline; idempotent, safe to run every hour from cron. Alerts (end − 30
/// days) and the hand-out stop (end − 15 days) follow from the date and need no run; after end + grace, checks
/// still unused expire and one credit note per programme is issued, once.
struct TickCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Applies the expiry timeline (idempotent; run it every hour from cron)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let notes = try await context.application.store.expireProgrammes(actor: Actor("tick"))
        if notes.isEmpty {
            context.console.print("nothing to expire")
        }
        for note in notes {
            context.console.print("programme \(note.programme) expired: \(note.checks) checks, credit note of \(note.amount) to funder \(note.funder)")
        }
    }
}
