import Foundation
import PassnumPersistence
import Vapor

/// `passnum tick`: the `timeline` job by hand (Jobs/ScheduledJob.swift), under the same lease as the server's
/// scheduler; idempotent, safe to run every hour from cron. Alerts (end − 30 and − 15 days) are queued once; the
/// hand-out stop (end − 15 days) follows from the date; after end + grace, checks still unused expire and one
/// credit note per programme is issued, once; the year's subscription invoice goes to each qualified place, once.
struct TickCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Applies the expiry timeline (idempotent; passnum serve runs it every hour, or run it from cron)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await JobsCommand.run(.timeline, context: context)
    }
}
