import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// The outbox delivered over SMTP to a real server on loopback (Tests/smtp/server.py), on SQLite and PostgreSQL.
@Suite("Mail delivery over SMTP")
struct MailDeliveryTests {
    typealias Database = WebWorld.Database

    static let publicURL = "https://pass.example.fr"

    /// An application on a fresh store of `database`, its clock, and mail settings pointing at `relay` (nil: the demo).
    static func withApp(_ database: Database, relay: String?, _ body: (Application, Store, ManualClock) async throws -> Void) async throws {
        let clock = ManualClock(CivilDate("2026-03-02")!.start.addingTimeInterval(10 * 3600))
        try await WebWorld.withApp(database, name: "mail", clock: clock, logLevel: .error) { app, store in
            app.mailSettings = try MailSettings.fromEnvironment(relay.map { [SMTPSettings.variable: $0] } ?? [:], publicBaseURL: publicURL)
            app.mailSettings.smtp?.timeout = .seconds(10)
            try await body(app, store, clock)
        }
    }

    static func enqueue(_ store: Store, _ notice: Notice, to addresses: [String]) async throws {
        try await store.transaction { tx in try await tx.enqueue(notice, to: addresses, at: store.clock.now) }
    }

    static func rows(_ store: Store) async throws -> [OutboxMail] {
        try await store.outbox(nil, PageRequest(limit: 100)).rows.reversed()
    }

    // MARK: Delivery

    @Test("a reset link reaches the relay: recipient, accented subject, both parts, Message-ID stored, token forgotten", arguments: Database.allCases)
    func delivers(_ database: Database) async throws {
        guard let server = try await SMTPTestServer.start(["--auth", "relais:mot de passe%é"]) else { return }
        defer { Task { await server.shutdown() } }
        let url = server.url(user: "relais", password: "mot%20de%20passe%25%C3%A9")
        try await Self.withApp(database, relay: url) { app, store, _ in
            try await Self.enqueue(store, .passwordReset(token: "jeton-secret-123", name: "Élodie Gaëlle"), to: ["elodie@exemple.fr"])
            let report = try await app.deliverMail(limit: 10)
            #expect(report == MailDeliveryReport(sent: 1))
            let received = try server.received()
            try #require(received.count == 1)
            let mail = received[0]
            #expect(mail.rcpt_tos == ["elodie@exemple.fr"])
            #expect(mail.mail_from == "ne-pas-repondre@pass.example.fr")
            #expect(mail.login == "relais", "AUTH with the percent-decoded user and password")
            #expect(mail.defects.isEmpty, "Python's parser finds no defect: \(mail.defects)")
            #expect(mail.headers["Subject"] == "Pass numérique : choisir un nouveau mot de passe")
            #expect(mail.headers["From"] == "Pass numérique <ne-pas-repondre@pass.example.fr>")
            #expect(mail.headers["To"] == "elodie@exemple.fr")
            #expect(mail.headers["MIME-Version"] == "1.0")
            #expect(mail.headers["Date"]?.hasSuffix("2026 09:00:00 +0000") == true)
            #expect(mail.content_type == "multipart/alternative")
            #expect(mail.text?.contains("Bonjour Élodie Gaëlle,") == true)
            #expect(mail.text?.contains("https://pass.example.fr/mot-de-passe/jeton-secret-123") == true)
            #expect(mail.html?.contains("href=\"https://pass.example.fr/mot-de-passe/jeton-secret-123\"") == true)
            #expect(mail.raw.split(separator: "\n", omittingEmptySubsequences: false).dropLast().allSatisfy { $0.hasSuffix("\r") && $0.utf8.count <= 999 })
            #expect(!mail.raw.contains("jeton-secret-123"), "the body is encoded: the token is not readable on the wire as plain text")

            let row = try #require(try await Self.rows(store).first)
            #expect(row.state == .sent)
            #expect(row.attempts == 1)
            #expect(row.sentAt == store.clock.now)
            let messageID = try #require(row.messageID)
            #expect(mail.headers["Message-ID"] == "<\(messageID)>")
            #expect(messageID.hasSuffix("@pass.example.fr"))
            #expect(row.notice == .passwordReset(token: "", name: "Élodie Gaëlle"), "the link's token is no longer stored once sent")
            let stored = try await store.read { tx in try await tx.sql.raw("SELECT notice FROM outbox").all() }
            #expect(try stored.allSatisfy { !(try $0.decode(column: "notice", as: String.self)).contains("jeton-secret-123") })

            #expect(try await app.deliverMail(limit: 10) == MailDeliveryReport(), "nothing is sent twice")
            #expect(try server.received().count == 1)
        }
    }

    @Test("a reset asked on the site and an invitation reach the relay, and the links in the received messages work")
    func linksFollowed() async throws {
        guard let server = try await SMTPTestServer.start([]) else { return }
        defer { Task { await server.shutdown() } }
        try await Self.withApp(.sqlite, relay: server.url()) { app, store, _ in
            /// The site's path of the link to `prefix` in the last message the relay received (its plain-text part).
            func receivedLink(_ prefix: String) throws -> String {
                let text = try #require(try server.received().last?.text)
                let match = try #require(text.firstMatch(of: try Regex("https://pass\\.example\\.fr(/\(prefix)/[A-Za-z0-9_-]+)")))
                return try #require(match.output[1].substring.map(String.init))
            }
            let email = "admin@exemple.fr"
            try await store.createUser(email: email, name: "Admin", passwordHash: try Bcrypt.hash("ancien-mot-de-passe", cost: 4),
                                       role: .operatorAdmin, organisation: .operator)
            var visitor = Browser(app)
            try await visitor.get("/mot-de-passe-oublie")
            #expect(try await visitor.post("/mot-de-passe-oublie", [("email", email)]).status == .seeOther)
            #expect(try await app.deliverMail() == MailDeliveryReport(sent: 1))
            let reset = try receivedLink("mot-de-passe")
            #expect(try await visitor.get(reset).status == .ok)
            #expect(try await visitor.post(reset, [("password", "un-nouveau-mot-de-passe"), ("confirmation", "un-nouveau-mot-de-passe")]).status
                    == .seeOther)
            var signIn = Browser(app)
            try await signIn.get("/connexion")
            #expect(try await signIn.post("/connexion", [("email", email), ("password", "un-nouveau-mot-de-passe")]).status == .seeOther)

            _ = try await store.invite(email: "nouveau@exemple.fr", name: "Nouveau Venu", role: .operatorAdmin, organisation: .operator,
                                       actor: .system)
            #expect(try await app.deliverMail() == MailDeliveryReport(sent: 1))
            #expect(try server.received().last?.rcpt_tos == ["nouveau@exemple.fr"])
            let invitation = try receivedLink("invitation")
            var newcomer = Browser(app)
            #expect(try await newcomer.get(invitation).status == .ok)
            #expect(try await newcomer.post(invitation, [("password", "mon-mot-de-passe"), ("confirmation", "mon-mot-de-passe")]).status
                    == .seeOther)
            #expect(try await newcomer.get("/operateur").status == .ok, "signed in by the invitation")
        }
    }

    @Test("a relay that is down then comes back: each message delivered once, in order", arguments: Database.allCases)
    func downThenBack(_ database: Database) async throws {
        guard let server = try await SMTPTestServer.start() else { return }
        defer { Task { await server.shutdown() } }
        let url = server.url()
        await server.stop()
        try await Self.withApp(database, relay: url) { app, store, clock in
            for (index, name) in ["Un", "Deux", "Trois"].enumerated() {
                try await Self.enqueue(store, .passwordReset(token: "t\(index)", name: name), to: ["p\(index)@exemple.fr"])
                clock.advance(seconds: 1)
            }
            #expect(try await app.deliverMail() == MailDeliveryReport(retried: 3))
            let waiting = try await Self.rows(store)
            #expect(waiting.map(\.state) == [.queued, .queued, .queued])
            #expect(waiting.allSatisfy { $0.attempts == 1 && $0.lastError?.contains("cannot reach the relay") == true })
            #expect(waiting.allSatisfy { $0.nextAttemptAt == clock.now.addingTimeInterval(60) }, "the first retry comes a minute later")

            try await server.restart()
            #expect(try await app.deliverMail() == MailDeliveryReport(), "not due yet: the backoff is kept")
            clock.advance(seconds: 61)
            #expect(try await app.deliverMail() == MailDeliveryReport(sent: 3))
            #expect(try await app.deliverMail() == MailDeliveryReport())
            let received = try server.received()
            #expect(received.map(\.rcpt_tos) == [["p0@exemple.fr"], ["p1@exemple.fr"], ["p2@exemple.fr"]])
            #expect(try await Self.rows(store).allSatisfy { $0.state == .sent && $0.attempts == 2 })
        }
    }

    @Test("a refusal (550) fails that message at once and the others go on; a temporary one (451) is retried", arguments: Database.allCases)
    func refusals(_ database: Database) async throws {
        guard let server = try await SMTPTestServer.start(["--reject", "inconnu@exemple.fr", "--tempfail", "plein@exemple.fr"]) else { return }
        defer { Task { await server.shutdown() } }
        try await Self.withApp(database, relay: server.url()) { app, store, _ in
            try await Self.enqueue(store, .passwordReset(token: "a", name: "A"), to: ["inconnu@exemple.fr", "plein@exemple.fr", "connu@exemple.fr"])
            #expect(try await app.deliverMail() == MailDeliveryReport(sent: 1, retried: 1, failed: 1))
            let rows = try await Self.rows(store)
            #expect(rows.map(\.state) == [.failed, .queued, .sent])
            #expect(rows[0].lastError?.contains("550") == true)
            #expect(rows[1].lastError?.contains("451") == true)
            #expect(try server.received().map(\.rcpt_tos) == [["connu@exemple.fr"]])

            // Resend: back in the queue, attempts counted afresh.
            #expect(try await store.requeueMail(rows[0].id, now: store.clock.now) == 1)
            #expect(try await store.requeueMail(rows[2].id, now: store.clock.now) == 0, "a sent message is not resent")
            let again = try #require(try await store.outboxMail(rows[0].id))
            #expect(again.state == .queued && again.attempts == 0)
        }
    }

    @Test("temporary failures back off 1 min, 5 min, 30 min, 2 h, 12 h…, then the message fails after about two days", arguments: Database.allCases)
    func backoff(_ database: Database) async throws {
        try await Self.withApp(database, relay: nil) { _, store, clock in
            try await Self.enqueue(store, .passwordReset(token: "a", name: "A"), to: ["a@exemple.fr"])
            let start = clock.now
            var states: [OutboxState] = []
            var delays: [TimeInterval] = []
            while true {
                let claimed = try await store.claimDueMail(limit: 10, now: clock.now)
                try #require(claimed.count == 1)
                let state = try await store.markMailFailed(claimed[0], error: "451 busy", permanent: false, at: clock.now)
                states.append(state)
                guard state == .queued else { break }
                let row = try #require(try await store.outboxMail(claimed[0].id))
                delays.append(row.nextAttemptAt.timeIntervalSince(clock.now))
                #expect(try await store.claimDueMail(limit: 10, now: clock.now).isEmpty, "not due before its next attempt")
                clock.set(row.nextAttemptAt)
            }
            #expect(delays == OutboxRetry.delays)
            #expect(states.last == .failed && states.count == OutboxRetry.delays.count + 1)
            let days = clock.now.timeIntervalSince(start) / 86_400
            #expect(days > 1.9 && days < 2.5)
        }
    }

    @Test("two delivery runs at once share the queue: every message is sent exactly once", arguments: Database.allCases)
    func concurrentRuns(_ database: Database) async throws {
        guard let server = try await SMTPTestServer.start() else { return }
        defer { Task { await server.shutdown() } }
        try await Self.withApp(database, relay: server.url()) { app, store, _ in
            try await Self.enqueue(store, .passwordReset(token: "x", name: "X"), to: (0..<12).map { "r\($0)@exemple.fr" })
            async let first = app.deliverMail(limit: 5)
            async let second = app.deliverMail(limit: 5)
            let (one, two) = try await (first, second)
            let third = try await app.deliverMail(limit: 5)
            #expect(one.sent + two.sent + third.sent == 12)
            let recipients = try server.received().flatMap(\.rcpt_tos)
            #expect(recipients.count == 12 && Set(recipients).count == 12)
        }
    }

    @Test("a rolled-back transaction leaves no message in the outbox", arguments: Database.allCases)
    func rollback(_ database: Database) async throws {
        struct Refused: Error {}
        try await Self.withApp(database, relay: nil) { _, store, _ in
            await #expect(throws: Refused.self) {
                try await store.transaction { tx in
                    try await tx.enqueue(.passwordReset(token: "a", name: "A"), to: ["a@exemple.fr"], at: store.clock.now)
                    throw Refused()
                }
            }
            #expect(try await Self.rows(store).isEmpty)
            try await Self.enqueue(store, .passwordReset(token: "a", name: "A"), to: ["a@exemple.fr"])
            #expect(try await Self.rows(store).count == 1)
        }
    }

    @Test("STARTTLS with the relay's certificate authority and AUTH; starttls=required refuses a relay without it")
    func startTLS() async throws {
        guard let tlsServer = try await SMTPTestServer.start(["--tls", "--auth", "u:p"]) else { return }
        defer { Task { await tlsServer.shutdown() } }
        guard let plainServer = try await SMTPTestServer.start() else { return }
        defer { Task { await plainServer.shutdown() } }
        try await Self.withApp(.sqlite, relay: tlsServer.url(user: "u", password: "p", query: "starttls=required&cafile=\(tlsServer.certificate)")) { app, store, _ in
            try await Self.enqueue(store, .passwordReset(token: "a", name: "A"), to: ["a@exemple.fr"])
            #expect(try await app.deliverMail() == MailDeliveryReport(sent: 1))
            let received = try tlsServer.received()
            #expect(received.count == 1 && received.first?.tls == true && received.first?.login == "u")
        }
        try await Self.withApp(.sqlite, relay: plainServer.url(query: "starttls=required")) { app, store, _ in
            try await Self.enqueue(store, .passwordReset(token: "a", name: "A"), to: ["a@exemple.fr"])
            #expect(try await app.deliverMail() == MailDeliveryReport(retried: 1))
            #expect(try await Self.rows(store).first?.lastError?.contains("STARTTLS") == true)
            #expect(try plainServer.received().isEmpty)
        }
    }

    @Test("a certificate the client does not trust stops the session: nothing is sent")
    func untrustedCertificate() async throws {
        guard let server = try await SMTPTestServer.start(["--tls"]) else { return }
        defer { Task { await server.shutdown() } }
        try await Self.withApp(.sqlite, relay: server.url()) { app, store, _ in
            try await Self.enqueue(store, .passwordReset(token: "a", name: "A"), to: ["a@exemple.fr"])
            #expect(try await app.deliverMail() == MailDeliveryReport(retried: 1))
            #expect(try server.received().isEmpty)
        }
    }

    @Test("without a relay (the demo) messages are held for the operator, never sent", arguments: Database.allCases)
    func demoHolds(_ database: Database) async throws {
        try await Self.withApp(database, relay: nil) { app, store, _ in
            try await Self.enqueue(store, .passwordReset(token: "a", name: "A"), to: ["a@exemple.fr", "b@exemple.fr"])
            #expect(try await app.deliverMail() == MailDeliveryReport(held: 2))
            #expect(try await Self.rows(store).allSatisfy { $0.state == .held })
            #expect(try await store.outbox(.waiting).rows.count == 2)
            #expect(try await store.outbox(.sent).rows.isEmpty)
            #expect(try await app.deliverMail() == MailDeliveryReport())
            // Only the operator sends a held message again, one at a time, and only when asked to include held ones
            // (the page asks it once a relay is configured).
            let first = try await Self.rows(store)[0].id
            #expect(try await store.requeueMail(first, now: store.clock.now) == 0)
            #expect(try await store.requeueMail(now: store.clock.now) == 0, "resending every failed message leaves held ones")
            #expect(try await store.requeueMail(first, includingHeld: true, now: store.clock.now) == 1)
            #expect(try await store.outboxMail(first)?.state == .queued)
        }
    }

    // MARK: The operator's page

    @Test("the operator reads a held message's link, sees a refused one, and resends it")
    func operatorPage() async throws {
        guard let server = try await SMTPTestServer.start(["--reject", "refus@exemple.fr"]) else { return }
        defer { Task { await server.shutdown() } }
        try await WebWorld.with { world in
            let store = world.store
            _ = try await world.app.deliverMail(limit: 1_000)  // what the world's own setup may have queued
            try await Self.enqueue(store, .passwordReset(token: "lien-de-demo", name: "Anne"), to: ["anne@exemple.fr"])
            #expect(try await world.app.deliverMail() == MailDeliveryReport(held: 1))
            var browser = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            var page = try await browser.get(SiteURL.operatorMails.path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("anne@exemple.fr") && page.body.string.contains("Nouveau mot de passe"))
            let held = try #require(try await store.outbox(.waiting).rows.first)
            page = try await browser.get(SiteURL.operatorMail(held.id).path)
            #expect(page.body.string.contains("/mot-de-passe/lien-de-demo"), "the demo's way to read a reset link")

            world.app.mailSettings = try MailSettings.fromEnvironment([SMTPSettings.variable: server.url()], publicBaseURL: Self.publicURL)
            try await Self.enqueue(store, .passwordReset(token: "x", name: "R"), to: ["refus@exemple.fr"])
            #expect(try await world.app.deliverMail() == MailDeliveryReport(failed: 1))
            page = try await browser.get(OperatorMailsPage.link(.failed))
            #expect(page.body.string.contains("refus@exemple.fr") && page.body.string.contains("550"))
            #expect(!page.body.string.contains("anne@exemple.fr"), "the filter shows failed messages only")
            let failed = try #require(try await store.outbox(.failed).rows.first)
            page = try await browser.get(SiteURL.operatorMail(failed.id).path)
            #expect(!page.body.string.contains("/mot-de-passe/x\""), "a failed message's text is not shown")
            let resent = try await browser.post(SiteURL.operatorMailResend(failed.id).path, [])
            #expect(resent.status == .seeOther)
            #expect(try await store.outboxMail(failed.id)?.state == .queued)

            // "Tout renvoyer" after the relay refused it again; then the relay accepts it.
            #expect(try await world.app.deliverMail() == MailDeliveryReport(failed: 1))
            try await browser.get(OperatorMailsPage.link(.failed))
            try await browser.post(SiteURL.operatorMailsResend.path, [])
            await server.stop()
            let accepting = try #require(try await SMTPTestServer.start())
            defer { Task { await accepting.shutdown() } }
            world.app.mailSettings = try MailSettings.fromEnvironment([SMTPSettings.variable: accepting.url()], publicBaseURL: Self.publicURL)
            #expect(try await world.app.deliverMail() == MailDeliveryReport(sent: 1))
            #expect(try accepting.received().map(\.rcpt_tos) == [["refus@exemple.fr"]])
            let refusedPost = try await browser.post(SiteURL.operatorMailResend(failed.id).path, [], csrf: "faux")
            #expect(refusedPost.status == .forbidden, "the form needs its CSRF token")
        }
    }

    // MARK: Pure parts

    @Test("PASSNUM_SMTP_URL: user and password percent-decoded, never printed; TLS modes; bad values refused")
    func settings() throws {
        let settings = try SMTPSettings.parse("smtp://moi%40relais.fr:p%C3%A2ss%3A%2F@relais.fr:2525")
        #expect(settings.user == "moi@relais.fr" && settings.password == "pâss:/")
        #expect(settings.host == "relais.fr" && settings.port == 2525 && settings.security == .startTLSWhenOffered)
        #expect(!settings.description.contains("p%C3") && !settings.description.contains("pâss"))
        #expect(try SMTPSettings.parse("smtps://relais.fr").security == .implicitTLS)
        #expect(try SMTPSettings.parse("smtps://relais.fr").port == 465)
        #expect(try SMTPSettings.parse("smtp://relais.fr?starttls=required").security == .startTLSRequired)
        #expect(try SMTPSettings.parse("smtp://relais.fr").port == 587)
        for bad in ["http://relais.fr", "relais.fr", "smtp://", "smtp://relais.fr:99999", "smtp://u@relais.fr", "smtp://relais.fr?tls=off"] {
            #expect(throws: SMTPError.self, "\(bad)") { try SMTPSettings.parse(bad) }
        }
        let error = #expect(throws: SMTPError.self) { try MailSettings.fromEnvironment(["PASSNUM_SMTP_URL": "smtp://u:secret@"], publicBaseURL: "https://a.fr") }
        #expect(error?.description.contains("secret") == false)
        #expect(try MailSettings.fromEnvironment([:], publicBaseURL: "https://pass.example.fr/").from
                == MailAddress(name: "Pass numérique", address: "ne-pas-repondre@pass.example.fr"))
        #expect(try MailSettings.fromEnvironment(["PASSNUM_MAIL_FROM": "Équipe <equipe@pass.fr>"], publicBaseURL: "https://a.fr").from
                == MailAddress(name: "Équipe", address: "equipe@pass.fr"))
        #expect(throws: SMTPError.self) { try MailSettings.fromEnvironment(["PASSNUM_MAIL_FROM": "x <a@b.fr>\r\nBcc: c@d.fr"], publicBaseURL: "https://a.fr") }
    }

    @Test("the MIME message: CRLF lines under 998, encoded subject, no header injection, both parts in base64")
    func mime() throws {
        let mail = ComposedMail(subject: "Pass numérique : été\r\nBcc: espion@exemple.fr " + String(repeating: "é", count: 300),
                                text: "Bonjour,\n.\nligne\n", html: "<p>é</p>")
        let raw = MailMIME.render(mail, from: MailAddress(name: "Pass numérique", address: "a@b.fr"), to: "c@d.fr",
                                  date: Date(timeIntervalSince1970: 0), messageID: "id@b.fr", boundary: "B")
        let lines = raw.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 998 && !$0.contains("\n") && !$0.contains("\r") })
        let headers = lines.prefix { !$0.isEmpty }
        #expect(!headers.contains { $0.hasPrefix("Bcc") }, "a line break in the subject cannot add a header")
        #expect(headers.filter { $0.hasPrefix("Subject: =?UTF-8?B?") }.count == 1)
        #expect(headers.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000"))
        #expect(headers.contains("From: =?UTF-8?B?UGFzcyBudW3DqXJpcXVl?= <a@b.fr>"))
        #expect(headers.contains("Message-ID: <id@b.fr>"))
        #expect(raw.contains("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                             + Data("Bonjour,\n.\nligne\n".utf8).base64EncodedString() + "\r\n"))
        #expect(raw.hasSuffix("--B--\r\n"))
        // Each encoded word decodes to whole characters.
        let subject = try #require(headers.first { $0.hasPrefix("Subject: ") })
        let words = subject.dropFirst("Subject: ".count).split(separator: " ")
        let decoded = words.map { word in
            String(decoding: Data(base64Encoded: String(word.dropFirst("=?UTF-8?B?".count).dropLast(2))) ?? Data(), as: UTF8.self)
        }.joined()
        #expect(decoded.hasPrefix("Pass numérique : été  Bcc: espion@exemple.fr éé"))
        #expect(decoded.count == 120)
    }

    @Test("addresses with line breaks, spaces or angle brackets never reach the wire")
    func addresses() {
        #expect(MailAddress.isSafe("anne.dupont+pass@exemple.fr"))
        for bad in ["a@b.fr>\r\nRCPT TO:<c@d.fr", "a b@c.fr", "<a@b.fr>", "ab.fr", "a@b@c.fr", ""] {
            #expect(!MailAddress.isSafe(bad), "\(bad)")
        }
    }
}
