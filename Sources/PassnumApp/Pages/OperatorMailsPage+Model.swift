import PassnumDomain
import PassnumPersistence

/// The operator's mails: every message of the outbox, newest first, a page at a time, by state; and one message
/// with its text while it is not sent (the demo has no relay: this is where a reset link is read).
enum OperatorMailsPage {
    struct Model: Sendable, Equatable {
        var mails: [OutboxMail]
        var filter: OutboxFilter?
        var position: PagePosition = .single
        /// False in the demo: nothing leaves, messages are held here.
        var relayConfigured: Bool

        static func query(store: Store, filter: OutboxFilter?, page asked: ListingPageQuery = ListingPageQuery(), relayConfigured: Bool) async throws -> Model {
            let mails = try await store.outbox(filter, asked.page)
            return Model(mails: mails.rows, filter: filter, position: PagePosition(mails, asked), relayConfigured: relayConfigured)
        }
    }
}

enum OperatorMailPage {
    struct Model: Sendable, Equatable {
        var mail: OutboxMail
        /// The message as it is (or would be) sent, while it waits; nil once sent (its link is forgotten) and for a failed
        /// one (its link still works: not shown, it goes only to its recipient when resent).
        var composed: ComposedMail?
        /// Whether it can be sent again: a failed message, or a held one once a relay is configured.
        var canResend: Bool

        static func query(store: Store, mail id: OutboxMailID, baseURL: String, relayConfigured: Bool) async throws -> Model? {
            guard let mail = try await store.outboxMail(id) else { return nil }
            let readable = mail.state == .queued || mail.state == .held
            return Model(mail: mail, composed: readable ? mail.notice.map { MailComposer.compose($0, baseURL: baseURL) } : nil,
                         canResend: mail.state == .failed || (mail.state == .held && relayConfigured))
        }
    }
}
