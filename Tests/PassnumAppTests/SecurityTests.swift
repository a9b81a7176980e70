import Foundation
import Logging
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// Every log line the application writes, as a log backend would print it (message and metadata).
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []

    func append(_ entry: String) { lock.withLock { entries.append(entry) } }
    var lines: [String] { lock.withLock { entries } }

    /// Installs the capture as the application's logger: request loggers derive from it.
    static func install(on app: Application) -> LogCapture {
        let capture = LogCapture()
        app.logger = Logger(label: "passnum.capture") { _ in CapturingLogHandler(capture: capture) }
        app.logger.logLevel = .trace
        return capture
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let all = self.metadata.merging(metadata ?? [:]) { $1 }
        capture.append("\(level) \(message) \(all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }
}

@Suite("Security: logs, sign-in limits, sessions, public limits, body limits")
struct SecurityTests {
    // MARK: Nothing secret in logs

    @Test("A whole story's log holds none of the security codes, reset tokens or passwords it used")
    func nothingSecretInLogs() async throws {
        try await WebWorld.with { world in
            let log = LogCapture.install(on: world.app)
            let serial = world.serialsA[0]
            let code = world.store.secret.securityCode(for: serial)
            // A visitor scans a check's QR code; a place agent scans it too, then validates it.
            var visitor = Browser(world.app)
            #expect(try await visitor.get("/c/\(serial.compact)-\(code.canonical)").status == .ok)
            #expect(try await visitor.get("/c/\(serial.compact)%2D\(code.canonical)").status == .ok)
            var place = try await Browser.signedIn(world.app, as: world.a[.placeAgent]!)
            #expect(try await place.get("/c/\(serial.compact)-\(code.canonical)").status == .ok)
            let validated = try await place.post("/lieu", [("category", "outils"), ("serial0", serial.grouped), ("code0", code.grouped), ("key", "log-1")])
            #expect(validated.body.string.contains("Chèque validé"))

            // The place manager forgets their password: the link is queued in the outbox table, never in the log.
            let email = world.a[.placeManager]!
            try await visitor.get("/mot-de-passe-oublie")
            #expect(try await visitor.post("/mot-de-passe-oublie", [("email", email)]).status == .seeOther)
            let notice = try #require(try await world.store.queuedNotices(to: email).last)
            guard case .passwordReset(let token, _) = notice else {
                Issue.record("queued \(notice.kind), not a password reset")
                return
            }
            #expect(token.count >= 40)
            #expect(MailComposer.compose(notice, baseURL: "https://pass.example.fr").text.contains("https://pass.example.fr/mot-de-passe/\(token)"))
            try await visitor.get("/mot-de-passe/\(token)")
            let newPassword = "un-tout-nouveau-mot-de-passe"
            #expect(try await visitor.post("/mot-de-passe/\(token)", [("password", newPassword), ("confirmation", newPassword)]).status == .seeOther)
            try await visitor.get("/connexion")
            #expect(try await visitor.post("/connexion", [("email", email), ("password", newPassword)]).status == .seeOther)

            let lines = log.lines
            // The capture really holds the requests (so the checks below could fail), with their secrets redacted.
            #expect(lines.contains { $0.contains("GET /c/\(serial.compact)-[redacted]") })
            #expect(lines.contains { $0.contains("GET /mot-de-passe/[redacted]") })
            #expect(lines.contains { $0.contains("POST /lieu") })
            for secret in [code.canonical, code.grouped, String(token), newPassword, WebWorld.password] {
                #expect(!lines.contains { $0.contains(secret) }, "\(secret) reached the log")
            }
        }
    }

    @Test("A path with %0A or other control characters is logged on one line, escaped, without its query string")
    func forgedLines() async throws {
        try await WebWorld.with { world in
            let log = LogCapture.install(on: world.app)
            var browser = Browser(world.app)
            try await browser.get("/lieux%0AINFO%20forged%20line?commune=%0D%0Asecret-du-lien")
            try await browser.get("/x%0D%0A%1B[31mred")
            let lines = log.lines.filter { $0.contains("forged") || $0.contains("red") }
            #expect(lines.count == 2)
            #expect(lines.allSatisfy { !$0.contains("\n") && !$0.contains("\r") && !$0.contains("\u{1B}") })
            #expect(lines.contains { $0.contains("GET /lieux%0AINFO%20forged%20line") })
            #expect(!log.lines.contains { $0.contains("secret-du-lien") })
        }
    }

    @Test("Paths are redacted and escaped before they are logged", arguments: [
        ("/c/100000000017-ABCDEFGHJKMNP", "/c/100000000017-[redacted]"),
        ("/c/100000000017%2DABCDEFGHJKMNP", "/c/100000000017-[redacted]"),
        ("//c/ABCDEFGHJKMNP", "//c/[redacted]"),
        ("/%63/1000-CODE/extra", "/%63/1000-[redacted]/[redacted]"),
        ("/c/ab%0Acd-CODE", "/c/[redacted]"),
        ("/mot-de-passe/jeton-secret", "/mot-de-passe/[redacted]"),
        ("/invitation/jeton-secret", "/invitation/[redacted]"),
        ("/%69nvitation/jeton-secret", "/%69nvitation/[redacted]"),
        ("/lieux/%0A%0D", "/lieux/%0A%0D"),
        ("/caf%C3%A9 \u{1B}\u{7F}", "/caf%C3%A9%20%1B%7F"),
        ("/lieux", "/lieux"),
    ])
    func loggablePaths(path: String, logged: String) {
        #expect(RequestLoggingMiddleware.loggable(path: path) == logged)
    }

    @Test("A very long path is cut in the log")
    func longPath() {
        let logged = RequestLoggingMiddleware.loggable(path: "/" + String(repeating: "a", count: 10_000))
        #expect(logged.count == RequestLoggingMiddleware.maximumLength + 1)
    }

    // MARK: Signing in

    @Test("After sign-in, suite= only ever leads to a path of this site", arguments: [
        "//evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "https://evil.example", "javascript:alert(1)",
        "http:/evil.example", "evil.example", "/%2F/evil.example", "/%2fevil.example", "%2F%2Fevil.example", "/%5Cevil.example",
        "/%5cevil.example", "/\tevil", "/\t/evil.example", "\t//evil.example", "/\n/evil.example", "/%09/evil.example",
        "/%0A/evil.example", "/%0d%0a/evil.example", "/%00", "/a\u{7F}", "/%252F%252Fevil.example", " //evil.example",
        "/ /evil.example", "/\u{2028}/evil.example", "/lieux\u{85}", "", String(repeating: "/a", count: 300),
    ])
    func hostileNext(value: String) {
        #expect(AuthController.safeNext(value) == nil, "\(value.debugDescription) was accepted")
    }

    @Test("Paths of this site, with their query, are kept after sign-in")
    func safeNext() {
        for path in ["/", "/financeur", "/operateur/remboursements?mois=2026-03", "/lieux?commune=Le%20Mans&categorie=outils", "/c/1000-ABC"] {
            #expect(AuthController.safeNext(path) == path)
        }
        #expect(AuthController.safeNext(nil) == nil)
    }

    @Test("Twenty parallel wrong guesses from one client check at most five passwords; then even the right one waits for the window to end")
    func parallelGuesses() async throws {
        try await WebWorld.with { world in
            let email = world.a[.funderManager]!
            var browser = Browser(world.app)
            try await browser.get("/connexion")
            let (cookies, csrf, app) = (browser.cookieHeader, browser.csrf, world.app)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponseStatus.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        var result: HTTPResponseStatus = .ok
                        try await app.testing().test(.POST, "/connexion",
                            headers: ["Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"],
                            body: ByteBuffer(string: "email=\(email)&password=faux-\(index)&_csrf=\(csrf)")) { result = $0.status }
                        return result
                    }
                }
                return try await group.reduce(into: [HTTPResponseStatus]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .unprocessableEntity }.count == AccountRules.failuresBeforeLockout)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 20 - AccountRules.failuresBeforeLockout)
            var response = try await browser.post("/connexion", [("email", email), ("password", WebWorld.password)])
            #expect(response.status == .tooManyRequests)
            #expect(response.body.string.contains(French.typeset(AuthController.locked)))
            let retryAfter = try #require(Int(response.headers.first(name: .retryAfter) ?? ""))
            #expect(retryAfter > 0 && retryAfter <= Int(AccountRules.lockout))
            world.clock.advance(seconds: TimeInterval(retryAfter - 1))
            #expect(try await browser.post("/connexion", [("email", email), ("password", WebWorld.password)]).status == .tooManyRequests)
            world.clock.advance(seconds: 1)
            response = try await browser.post("/connexion", [("email", email), ("password", WebWorld.password)])
            #expect(response.status == .seeOther)
        }
    }

    @Test("A locked account and an address without an account get the same answers")
    func lockedLooksLikeUnknown() async throws {
        try await WebWorld.with { world in
            var browser = Browser(world.app)
            try await browser.get("/connexion")
            var answers: [String: [String]] = [:]
            for email in [world.a[.prescriberAgent]!, "personne@test.fr"] {
                for _ in 0...AccountRules.failuresBeforeLockout {
                    let response = try await browser.post("/connexion", [("email", email), ("password", "mauvais mot de passe")])
                    let message = response.body.string.contains(French.typeset(AuthController.locked)) ? "locked"
                        : response.body.string.contains(French.typeset(AuthController.wrongCredentials)) ? "wrong" : "other"
                    answers[email, default: []].append("\(response.status.code) \(message)")
                }
            }
            let expected = Array(repeating: "422 wrong", count: AccountRules.failuresBeforeLockout) + ["429 locked"]
            #expect(answers[world.a[.prescriberAgent]!] == expected)
            #expect(answers["personne@test.fr"] == expected)
        }
    }

    /// The answer to one sign-in, as a visitor can tell it: status and message.
    static func answer(_ response: TestingHTTPResponse) -> String {
        let body = response.body.string
        let message = body.contains(French.typeset(AuthController.locked)) ? "locked" : body.contains(French.typeset(AuthController.wrongCredentials)) ? "wrong" : "other"
        return "\(response.status.code) \(message)"
    }

    @Test("Three failures, sixteen minutes, three more: the same answers for an address with an account and one without")
    func sameAnswersAcrossWindows() async throws {
        try await WebWorld.with { world in
            var browser = Browser(world.app)
            try await browser.get("/connexion")
            var answers: [String: [String]] = [:]
            for email in [world.a[.prescriberAgent]!, "personne@test.fr"] {
                for round in 0..<2 {
                    for _ in 0..<3 {
                        let response = try await browser.post("/connexion", [("email", email), ("password", "mauvais mot de passe")])
                        answers[email, default: []].append(Self.answer(response))
                    }
                    if round == 0 { world.clock.advance(seconds: 16 * 60) }
                }
            }
            // Failures in an earlier window no longer count: neither is locked.
            #expect(answers[world.a[.prescriberAgent]!] == Array(repeating: "422 wrong", count: 6))
            #expect(answers["personne@test.fr"] == answers[world.a[.prescriberAgent]!])
        }
    }

    /// Posts a sign-in form as the client `address` (behind a trusted proxy, X-Forwarded-For).
    static func signIn(_ app: Application, from address: String, email: String, password: String, browser: Browser) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse!
        let body = "email=\(email.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&password=\(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&_csrf=\(browser.csrf)"
        try await app.testing().test(.POST, "/connexion",
                                     headers: ["Cookie": browser.cookieHeader, "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": address],
                                     body: ByteBuffer(string: body)) { result = $0 }
        return result
    }

    @Test("Failures from one client address do not lock the account's user out at another")
    func lockIsPerClient() async throws {
        try await WebWorld.with { world in
            // The in-memory tests have no peer: "unknown" stands for a trusted proxy that names the client.
            world.app.apiLimits.trustedProxies = ["unknown"]
            let email = world.a[.funderManager]!
            var browser = Browser(world.app)
            try await browser.get("/connexion")
            var answers: [String] = []
            for _ in 0...AccountRules.failuresBeforeLockout {
                answers.append(Self.answer(try await Self.signIn(world.app, from: "192.0.2.66", email: email, password: "mauvais mot de passe", browser: browser)))
            }
            #expect(answers == Array(repeating: "422 wrong", count: AccountRules.failuresBeforeLockout) + ["429 locked"])
            // The guesser stays locked out, even with the right password; the user elsewhere signs in at once.
            #expect(try await Self.signIn(world.app, from: "192.0.2.66", email: email, password: WebWorld.password, browser: browser).status == .tooManyRequests)
            let elsewhere = try await Self.signIn(world.app, from: "198.51.100.9", email: email, password: WebWorld.password, browser: browser)
            #expect(elsewhere.status == .seeOther)
            #expect(elsewhere.headers.first(name: .location) == "/financeur")
        }
    }

    @Test("Failed sign-ins are limited per client address, across accounts, with a French 429 and Retry-After")
    func perAddress() async throws {
        try await WebWorld.with { world in
            world.app.publicLimits.loginFailuresPerAddress = 3
            var browser = Browser(world.app)
            try await browser.get("/connexion")
            for email in ["un@test.fr", "deux@test.fr", world.a[.placeManager]!] {
                #expect(try await browser.post("/connexion", [("email", email), ("password", "mauvais mot de passe")]).status == .unprocessableEntity)
            }
            let response = try await browser.post("/connexion", [("email", world.a[.placeAgent]!), ("password", WebWorld.password)])
            #expect(response.status == .tooManyRequests)
            #expect(response.body.string.contains(French.typeset(AuthController.tooManyFromAddress)))
            #expect(Int(response.headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
            world.clock.advance(seconds: AccountRules.lockout)
            #expect(try await browser.post("/connexion", [("email", world.a[.placeAgent]!), ("password", WebWorld.password)]).status == .seeOther)
        }
    }

    // MARK: Sessions

    @Test("An operator admin's session ends after 30 idle minutes, another role's after 120; using it keeps it open")
    func idleSessions() async throws {
        try await WebWorld.with { world in
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            var funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            world.clock.advance(seconds: 29 * 60)
            #expect(try await admin.get("/operateur").status == .ok)
            world.clock.advance(seconds: 29 * 60)
            #expect(try await admin.get("/operateur").status == .ok)
            world.clock.advance(seconds: 31 * 60)
            let response = try await admin.get("/operateur")
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location)?.hasPrefix("/connexion") == true)
            #expect(try await funder.get("/financeur").status == .ok)
            world.clock.advance(seconds: 121 * 60)
            #expect(try await funder.get("/financeur").status == .seeOther)
        }
    }

    @Test("The idle time setting reads one number or two, within bounds")
    func idleSetting() {
        #expect(SessionTimeouts.parse(minutes: "15") == SessionTimeouts(operatorAdmin: 900, others: 900))
        #expect(SessionTimeouts.parse(minutes: "10/60") == SessionTimeouts(operatorAdmin: 600, others: 3600))
        for bad in ["", "0", "-5", "721", "abc", "10/", "/10", "1/2/3", "99999999999999999999"] {
            #expect(SessionTimeouts.parse(minutes: bad) == nil, "\(bad)")
        }
    }

    @Test("Strict-Transport-Security is sent when the public address is HTTPS, and only then")
    func hsts() async throws {
        try await WebWorld.with { world in
            var browser = Browser(world.app)
            let plain = try await browser.get("/")
            #expect(plain.headers.first(name: .strictTransportSecurity) == nil)
            world.app.webSettings = WebSettings(publicBaseURL: "https://pass.example.fr")
            for path in ["/", "/connexion", "/page-qui-n-existe-pas"] {
                let response = try await browser.get(path)
                #expect(response.headers.first(name: .strictTransportSecurity) == "max-age=31536000; includeSubDomains", "\(path)")
            }
        }
    }

    // MARK: Public pages

    @Test("Public pages that query the database are limited per client address, with a French 429 and Retry-After, until the window ends")
    func publicLimits() async throws {
        try await WebWorld.with { world in
            var limits = PublicLimits()
            for kind in PublicLimits.Kind.allCases { limits.perWindow[kind] = 2 }
            world.app.publicLimits = limits
            var browser = Browser(world.app)
            try await browser.get("/verifier")
            // A refusal page has no form: every post sends the visitor's token read now.
            let csrf = browser.csrf
            let requests: [(PublicLimits.Kind, HTTPMethod, String)] = [
                (.home, .GET, "/"), (.finder, .GET, "/lieux"), (.finder, .GET, "/lieux/\(world.placeA.rawValue)"), (.opendata, .GET, "/open-data/lieux.csv"),
                (.check, .POST, "/verifier"), (.signup, .POST, "/inscription"), (.reset, .POST, "/mot-de-passe-oublie"),
            ]
            for (kind, method, path) in requests {
                for attempt in 1...3 {
                    let response = method == .GET ? try await browser.get(path) : try await browser.post(path, [("email", "x@test.fr")], csrf: csrf)
                    let refused = response.status == .tooManyRequests
                    // The finder's two pages share one allowance.
                    let expectRefused = kind == .finder && path != "/lieux" ? true : attempt == 3
                    #expect(refused == expectRefused, "\(path) #\(attempt): \(response.status)")
                    if refused {
                        #expect(response.body.string.contains("Trop d’essais"))
                        #expect(Int(response.headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
                    }
                }
            }
            world.clock.advance(seconds: 60)
            #expect(try await browser.get("/lieux").status == .ok)
            #expect(try await browser.get("/open-data/lieux.json").status == .ok)
        }
    }

    @Test("The API's place search shares the finder's allowance per client address, and over it answers a 429 problem with Retry-After")
    func apiPlacesLimit() async throws {
        try await WebWorld.with { world in
            world.app.publicLimits.perWindow[.finder] = 2
            var browser = Browser(world.app)
            #expect(try await browser.get("/api/v1/places").status == .ok)
            #expect(try await browser.get("/lieux").status == .ok)
            let refused = try await browser.get("/api/v1/places?commune=Le%20Mans")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers.contentType?.description.hasPrefix("application/problem+json") == true)
            #expect(refused.body.string.contains("/api/v1/problems/rate-limited"))
            #expect(Int(refused.headers.first(name: .retryAfter) ?? "") ?? 0 > 0)
            #expect(try await browser.get("/lieux").status == .tooManyRequests)
            // The document declares it.
            let document = try await browser.get("/api/v1/openapi.json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(document.body.string.utf8)) as? [String: Any])
            let places = (json["paths"] as? [String: Any])?["/api/v1/places"] as? [String: Any]
            let responses = (places?["get"] as? [String: Any])?["responses"] as? [String: Any]
            #expect(responses?["429"] != nil)
            world.clock.advance(seconds: TimeInterval(world.app.publicLimits.windowSeconds))
            #expect(try await browser.get("/api/v1/places").status == .ok)
        }
    }

    @Test("The public limits setting reads name=value pairs within bounds")
    func publicLimitsSetting() {
        let limits = PublicLimits.parse("finder=5, check=0, signup=abc, window=30, login=7, unknown=3, reset=100001")
        #expect(limits.perWindow[.finder] == 5)
        #expect(limits.perWindow[.check] == PublicLimits().perWindow[.check])
        #expect(limits.perWindow[.signup] == PublicLimits().perWindow[.signup])
        #expect(limits.perWindow[.reset] == PublicLimits().perWindow[.reset])
        #expect(limits.windowSeconds == 30 && limits.loginFailuresPerAddress == 7)
    }

    // MARK: Signing out

    @Test("Signing out after the session timed out clears the cookie and leads to the sign-in page, not to a 404")
    func logoutAfterTimeout() async throws {
        try await WebWorld.with { world in
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            #expect(try await admin.get("/operateur").status == .ok)
            let csrf = admin.csrf
            #expect(!csrf.isEmpty && admin.cookies[Cookies.session] != nil)
            world.clock.advance(seconds: 31 * 60)
            let response = try await admin.post("/deconnexion", [], csrf: csrf)
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/connexion")
            #expect(admin.cookies[Cookies.session] == nil)
            let page = try await admin.get("/connexion")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Vous êtes déconnecté."))
            // A live session still needs its own form token to be ended.
            var funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            try await funder.get("/financeur")
            #expect(try await funder.post("/deconnexion", [], csrf: "faux").status == .forbidden)
            #expect(try await funder.get("/financeur").status == .ok)
            #expect(try await funder.post("/deconnexion", []).status == .seeOther)
            #expect(try await funder.get("/financeur").status == .seeOther)
        }
    }

    // MARK: Body limits

    @Test("A 3 MB form to a 2 MB route is refused with 413 before its CSRF token is read; the server still answers")
    func bodyLimitInMemory() async throws {
        try await WebWorld.with { world in
            var browser = Browser(world.app)
            try await browser.get("/connexion")
            let big = String(repeating: "a", count: 3 << 20)
            let response = try await browser.post("/connexion", [("email", big)])
            #expect(response.status == .payloadTooLarge)
            #expect(response.body.string.contains("trop gros"))
            #expect(try await browser.get("/connexion").status == .ok)
        }
    }

    @Test("Over a real connection, a 3 MB body to a 2 MB route gets 413 without being read whole, and the server still answers")
    func bodyLimitOverHTTP() async throws {
        try await WebWorld.with { world in
            let tester = try world.app.testing(method: .running(port: 0))
            let form = "_csrf=x&email=" + String(repeating: "a", count: 3 << 20)
            try await tester.test(.POST, "/connexion", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                  body: ByteBuffer(string: form)) { response in
                #expect(response.status == .payloadTooLarge)
            }
            try await tester.test(.GET, "/connexion") { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("A route that declares a larger body gets it: a 3 MB document reaches the 8 MB upload")
    func declaredBodyLimit() async throws {
        try await WebWorld.with { world in
            var place = Browser(world.app)
            try await place.get("/inscription")
            let response = try await place.post("/inscription", [("placeName", "Atelier Gros"), ("name", "Claire"), ("email", "gros@test.fr"),
                                                                 ("password", "mot-de-passe-gros"), ("confirmation", "mot-de-passe-gros")])
            #expect(response.status == .seeOther)
            try await place.get("/lieu/candidature/documents")
            let upload = try await place.upload("/lieu/justificatifs", field: "document", filename: "statuts.pdf",
                                                bytes: Array("%PDF-1.4 ".utf8) + Array(repeating: 0x20, count: 3 << 20))
            #expect(upload.status == .seeOther, "\(upload.status): \(upload.body.string.prefix(300))")
            // Over the upload's own limit, the same refusal as any other form.
            let huge = try await place.upload("/lieu/justificatifs", field: "document", filename: "statuts.pdf",
                                              bytes: Array("%PDF-1.4 ".utf8) + Array(repeating: 0x20, count: 9 << 20))
            #expect(huge.status == .payloadTooLarge)
        }
    }
}
