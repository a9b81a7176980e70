import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The jobs the platform runs by itself. The raw value is the job's row in `jobs` and its name on the command line.
enum JobName: String, CaseIterable, Sendable {
    case timeline, mail, purge
    case personalData = "personal-data"
    case witness
}

/// One scheduled job: how often it is due and what it does. Its body returns the lines `passnum jobs run` prints.
struct ScheduledJob: Sendable {
    let name: JobName
    let interval: TimeInterval
    let body: @Sendable (Application) async throws -> [String]

    /// Fixed intervals, not settings: each job is cheap when there is nothing to do, and the operator's "run now"
    /// covers the rest. Mail is delivered within seconds of the event; the rest is a matter of days.
    static let mailInterval: TimeInterval = 10

    static let standard: [ScheduledJob] = [
        ScheduledJob(name: .timeline, interval: 3_600) { app in try await Timeline.run(store: app.store) },
        ScheduledJob(name: .mail, interval: mailInterval) { app in [try await app.deliverMail(limit: 100).description] },
        ScheduledJob(name: .purge, interval: 3_600) { app in
            let store = app.store
            return [try await store.purgeExpired(now: store.clock.now, sessionTimeouts: app.webSettings.sessionTimeouts).summary]
        },
        ScheduledJob(name: .personalData, interval: 86_400) { app in
            let store = app.store
            return ["\(try await store.purgePersonalData(now: store.clock.now)) people pseudonymised"]
        },
        // The journal's public witness: every day not yet published, up to yesterday (Europe/Paris).
        ScheduledJob(name: .witness, interval: 3_600) { app in
            let store = app.store
            return ["\(try await store.publishWitnesses(through: CivilDate(store.clock.now).adding(days: -1))) days witnessed"]
        },
    ]
}

/// The expiry timeline (`passnum tick` and the `timeline` job): after end + grace, checks still unused expire and
/// one credit note per programme is issued, once; the E−30 and E−15 alerts are queued, once each; the year's
/// subscription invoice goes to each qualified place, once a year, when the operator set a subscription.
/// Idempotent: running it twice does nothing more.
enum Timeline {
    static func run(store: Store) async throws -> [String] {
        var lines: [String] = []
        let notes = try await store.expireProgrammes(actor: Actor(.tick))
        if notes.isEmpty {
            lines.append("nothing to expire")
        }
        for note in notes {
            lines.append("programme \(note.programme) expired: \(note.checks) checks, credit note \(note.number) of \(note.amount.plainDecimal) EUR to funder \(note.funder)")
        }
        let alerts = try await store.queueProgrammeAlerts(now: store.clock.now)
        if alerts > 0 { lines.append("programme alerts: \(alerts) messages queued") }
        for invoice in try await store.chargeSubscriptions(actor: Actor(.tick)) {
            lines.append("subscription invoice \(invoice.number) of \(invoice.amounts.total.plainDecimal) EUR to place \(invoice.place.map(String.init(describing:)) ?? "")")
        }
        return lines
    }
}
