import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// How mail leaves: the relay (`PASSNUM_SMTP_URL`; none in the demo), the sender (`PASSNUM_MAIL_FROM`, by default
/// `Pass numérique <ne-pas-repondre@HOST>` with the host of `PASSNUM_PUBLIC_URL`) and the links' base address.
struct MailSettings: Sendable {
    static let fromVariable = "PASSNUM_MAIL_FROM"

    var smtp: SMTPSettings?
    var from: MailAddress
    var publicBaseURL: String

    /// The host of the public address: Message-IDs, EHLO and the default sender.
    var host: String { Self.host(of: publicBaseURL) }

    static func host(of url: String) -> String { URLComponents(string: url)?.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost" }

    init(smtp: SMTPSettings?, from: MailAddress? = nil, publicBaseURL: String) {
        self.smtp = smtp
        self.publicBaseURL = publicBaseURL
        self.from = from ?? MailAddress(name: "Pass numérique", address: "ne-pas-repondre@" + Self.host(of: publicBaseURL))
    }

    /// From the environment; a malformed value stops the start with a message naming the variable.
    static func fromEnvironment(_ environment: [String: String], publicBaseURL: String) throws(SMTPError) -> MailSettings {
        let smtp = try environment[SMTPSettings.variable].flatMap { $0.isEmpty ? nil : $0 }.map { text throws(SMTPError) in try SMTPSettings.parse(text) }
        var from: MailAddress?
        if let text = environment[fromVariable], !text.isEmpty {
            guard let address = MailAddress.parse(text) else { throw .settings("\(fromVariable) must be an address, or Name <address>") }
            from = address
        }
        return MailSettings(smtp: smtp, from: from, publicBaseURL: publicBaseURL)
    }
}

/// What one delivery run did.
struct MailDeliveryReport: Sendable, Equatable, CustomStringConvertible {
    /// Accepted by the relay.
    var sent = 0
    /// Failed for now (4xx, relay unreachable): queued again after the backoff.
    var retried = 0
    /// Refused for good (5xx) or out of retries.
    var failed = 0
    /// No relay configured: kept for the operator's mails page.
    var held = 0

    var description: String { "sent \(sent), to retry \(retried), failed \(failed), held \(held)" }
}

extension Application {
    private struct MailSettingsKey: StorageKey { typealias Value = MailSettings }

    /// Set by `configure` from the environment; tests set their own relay.
    var mailSettings: MailSettings {
        get { storage[MailSettingsKey.self] ?? MailSettings(smtp: nil, publicBaseURL: webSettings.publicBaseURL) }
        set { storage[MailSettingsKey.self] = newValue }
    }

    /// Delivers up to `limit` due messages of the outbox, oldest first, over one SMTP session; without a relay,
    /// holds them for the operator. Safe with several servers (each row is claimed by one run). Nothing of a
    /// message's content goes to the log: counts and the relay's answers only.
    func deliverMail(limit: Int = 100) async throws -> MailDeliveryReport {
        let settings = mailSettings
        let store = self.store
        var report = MailDeliveryReport()
        // Counted however the run ends, a database error half-way included.
        defer { metrics.mailDelivery(report) }
        guard let smtp = settings.smtp else {
            report.held = try await store.holdDueMail(now: store.clock.now)
            return report
        }
        let mails = try await store.claimDueMail(limit: limit, now: store.clock.now)
        guard !mails.isEmpty else { return report }
        let session: SMTPSession
        do {
            session = try await SMTPSession.open(smtp, helloName: settings.host, group: eventLoopGroup)
        } catch {
            logger.warning("mail: the relay \(smtp) is not usable: \(error); \(mails.count) message(s) retried later")
            for mail in mails { try await record(store.markMailFailed(mail, error: "\(error)", permanent: false, at: store.clock.now), in: &report) }
            return report
        }
        var remaining = mails[...]
        do {
            while let mail = remaining.popFirst() {
                guard let notice = mail.notice else {
                    try await record(store.markMailFailed(mail, error: "the stored notice does not read (kind \(mail.kind))", permanent: true, at: store.clock.now), in: &report)
                    continue
                }
                let messageID = UUID().uuidString.lowercased() + "@" + settings.host
                let data = MailMIME.render(MailComposer.compose(notice, baseURL: settings.publicBaseURL), from: settings.from,
                                           to: mail.recipient, date: store.clock.now, messageID: messageID)
                do {
                    try await session.send(from: settings.from.address, to: mail.recipient, data: data)
                    try await store.markMailSent(mail, messageID: messageID, at: store.clock.now)
                    report.sent += 1
                } catch let error as SMTPError {
                    if case .rejected = error {
                        try await record(store.markMailFailed(mail, error: error.description, permanent: error.isPermanent, at: store.clock.now), in: &report)
                        do { try await session.reset() } catch { break }
                    } else {
                        // The session is over: this message and the rest wait for the next run.
                        logger.warning("mail: the session with \(smtp) ended: \(error)")
                        for left in [mail] + remaining { try await record(store.markMailFailed(left, error: error.description, permanent: false, at: store.clock.now), in: &report) }
                        remaining = []
                    }
                }
            }
        } catch {
            // Not the relay's doing (the database, say): the session is closed, not left open; the rows still claimed
            // wait for their lease to end and go in a later run.
            await session.close()
            throw error
        }
        if remaining.isEmpty { await session.quit() } else {
            for left in remaining { try await record(store.markMailFailed(left, error: "the session ended", permanent: false, at: store.clock.now), in: &report) }
            await session.close()
        }
        if report.failed > 0 { logger.warning("mail: \(report.failed) message(s) failed for good; see the operator's mails page") }
        return report
    }

    private func record(_ state: OutboxState, in report: inout MailDeliveryReport) {
        if state == .failed { report.failed += 1 } else { report.retried += 1 }
    }
}

/// `passnum mail deliver`: one delivery run now (the server runs it every few seconds), for cron or by hand.
struct MailCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "deliver")
        var action: String
        @Option(name: "limit", help: "At most this many messages (1…1000, default 100)")
        var limit: Int?
    }

    var help: String { "Delivers the mail outbox now (deliver)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "deliver" else { throw UsageError("unknown action \(signature.action); known: deliver") }
        // The mail job's run, under its lease, with the limit asked for.
        let limit = signature.limit ?? 100
        guard (1...1_000).contains(limit) else { throw UsageError("--limit must be between 1 and 1000 (got \(limit))") }
        try await JobsCommand.run(ScheduledJob(name: .mail, interval: ScheduledJob.mailInterval) { app in
            ["mail: " + (try await app.deliverMail(limit: limit)).description]
        }, context: context)
    }
}
