import Crypto
import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Settings read once at start.
struct WebSettings: Sendable {
    /// The address people reach the platform at: links in password reset messages and QR codes.
    /// Without a trailing slash, so that every absolute link (mails, QR codes, the API) is `publicBaseURL + path`.
    let publicBaseURL: String
    /// How long a session may go unused, by role (PASSNUM_SESSION_IDLE_MINUTES: "30/120", operator admins / others,
    /// or one number for every role; 1 to 720 minutes). A malformed value keeps the standard, stricter one.
    var sessionTimeouts = SessionTimeouts.standard
    /// Cookies get the Secure flag when the public address is HTTPS (behind a TLS proxy).
    var secureCookies: Bool { publicBaseURL.lowercased().hasPrefix("https://") }

    init(publicBaseURL: String) {
        var url = Substring(publicBaseURL)
        while url.hasSuffix("/") { url = url.dropLast() }
        self.publicBaseURL = String(url)
    }

    static func fromEnvironment() -> WebSettings {
        var settings = WebSettings(publicBaseURL: Environment.get("PASSNUM_PUBLIC_URL") ?? "http://127.0.0.1:8080")
        if let text = Environment.get("PASSNUM_SESSION_IDLE_MINUTES"), let timeouts = SessionTimeouts.parse(minutes: text) {
            settings.sessionTimeouts = timeouts
        }
        return settings
    }
}

/// Per client address limits of the public pages that cost a database query, counted in the database like the
/// API's (so they hold across app servers). PASSNUM_PUBLIC_LIMITS changes them, e.g.
/// "home=60,finder=120,check=20,signup=10,opendata=30,reset=5,login=30,window=60": requests per window of `window` seconds,
/// except `login`, failed sign-ins per 15 minutes. Unknown names and values outside 1…100000 are ignored.
struct PublicLimits: Sendable {
    enum Kind: String, CaseIterable, Sendable {
        /// The home page and its counts.
        case home
        /// The place finder, a place's page and the API's place search.
        case finder
        /// Checking a check's number and code.
        case check
        /// Creating a place's account.
        case signup
        /// The open data files.
        case opendata
        /// Asking for a password reset link.
        case reset
    }

    var perWindow: [Kind: Int] = [.home: 60, .finder: 120, .check: 20, .signup: 10, .opendata: 30, .reset: 5]
    var windowSeconds = 60
    var loginFailuresPerAddress = AccountRules.failuresPerAddress

    static func fromEnvironment() -> PublicLimits { parse(Environment.get("PASSNUM_PUBLIC_LIMITS") ?? "") }

    static func parse(_ text: String) -> PublicLimits {
        var limits = PublicLimits()
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let value = Int(parts[1]), (1...100_000).contains(value) else { continue }
            switch parts[0] {
            case "window": limits.windowSeconds = value
            case "login": limits.loginFailuresPerAddress = value
            default: if let kind = Kind(rawValue: parts[0]) { limits.perWindow[kind] = value }
            }
        }
        return limits
    }
}

extension Application {
    private struct SettingsKey: StorageKey { typealias Value = WebSettings }

    var webSettings: WebSettings {
        get { storage[SettingsKey.self] ?? .fromEnvironment() }
        set { storage[SettingsKey.self] = newValue }
    }

    private struct PublicLimitsKey: StorageKey { typealias Value = PublicLimits }

    var publicLimits: PublicLimits {
        get { storage[PublicLimitsKey.self] ?? .fromEnvironment() }
        set { storage[PublicLimitsKey.self] = newValue }
    }
}

enum Cookies {
    static let session = "passnum_session"
    static let csrf = "passnum_csrf"
    static let notice = "passnum_notice"

    static func value(_ string: String, secure: Bool, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(string: string, maxAge: maxAge, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}

extension Request {
    private struct UserKey: StorageKey { typealias Value = SessionUser }
    private struct AnonymousTokenKey: StorageKey { typealias Value = String }
    private struct NoticeKey: StorageKey { typealias Value = String }

    /// The confirmation message left by the previous form, shown once.
    var notice: String? {
        get { storage[NoticeKey.self] }
        set { storage[NoticeKey.self] = newValue }
    }

    /// The signed-in user, if any (set by `SessionMiddleware`).
    var user: SessionUser? {
        get { storage[UserKey.self] }
        set { storage[UserKey.self] = newValue }
    }

    /// The token forms must send back: the session's once signed in, otherwise the visitor's CSRF cookie.
    var csrfToken: String {
        if let user { return user.csrfToken }
        if let token = storage[AnonymousTokenKey.self] { return token }
        return cookies[Cookies.csrf]?.string ?? ""
    }

    fileprivate var anonymousToken: String? {
        get { storage[AnonymousTokenKey.self] }
        set { storage[AnonymousTokenKey.self] = newValue }
    }

    /// Counts this request against the client address's limit for `kind`; over it, a French 429 page with Retry-After.
    func limitPublic(_ kind: PublicLimits.Kind) async throws {
        if let over = try await countPublic(kind) {
            throw Abort(.tooManyRequests, headers: [HTTPHeaders.Name.retryAfter.description: String(over.retryAfter)])
        }
    }

    /// Counts this request against the client address's limit for `kind`: nil when allowed, else the limit and the
    /// seconds until the window ends. The API's public reads share the pages' allowance (`limitPublicRead`).
    func countPublic(_ kind: PublicLimits.Kind) async throws -> (limit: Int, retryAfter: Int)? {
        let limits = application.publicLimits
        let limit = limits.perWindow[kind] ?? 60
        let decision = try await store.hitRateLimits([("public:\(kind.rawValue):\(clientAddress)", limit)], windowSeconds: limits.windowSeconds)
        return decision.refused == nil ? nil : (limit, decision.retryAfterSeconds)
    }
}

extension Route {
    private struct BodyLimitKey: Hashable, Sendable {}

    /// The most a form to this route may send, when it is not `SessionMiddleware.defaultBodyLimit`: the CSRF check
    /// reads the body before the route does, and never reads more than this.
    var bodyLimit: Int? {
        get { userInfo[BodyLimitKey()] as? Int }
        set { userInfo[BodyLimitKey()] = newValue }
    }

    /// Declares `bodyLimit` where the route is registered: `app.on(.POST, …, body: .collect(maxSize: "8mb"), …).limitingBody(to: 8 << 20)`.
    @discardableResult
    func limitingBody(to bytes: Int) -> Route {
        bodyLimit = bytes
        return self
    }
}

/// Finds the session's user, gives anonymous visitors a CSRF cookie, and refuses any form whose CSRF token
/// does not match (double-submit cookie before sign-in, the session's own token after).
struct SessionMiddleware: AsyncMiddleware {
    /// The body limit of the site's forms (Routes.swift, `post`); a route that takes more declares it (`limitingBody`).
    static let defaultBodyLimit = 2 << 20

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The partner API authenticates each request with its key: no session, no cookie, no form token.
        guard !request.url.path.hasPrefix("/api/") else { return try await next.respond(to: request) }
        if let token = request.cookies[Cookies.session]?.string, !token.isEmpty {
            request.user = try await request.store.sessionUser(token: token, timeouts: request.application.webSettings.sessionTimeouts)
        }
        var newCSRF: String?
        if request.user == nil, (request.cookies[Cookies.csrf]?.string ?? "").isEmpty {
            newCSRF = [UInt8].random(count: 24).base64URL
            request.anonymousToken = newCSRF
        }
        if let encoded = request.cookies[Cookies.notice]?.string, let data = Data(base64URL: encoded), data.count < 600 {
            request.notice = String(decoding: data, as: UTF8.self)
        }
        // A POST to no route is a 404 further on: its body is never read. Signing out without a session (it timed
        // out) only clears cookies: the form still holds the ended session's token, and nothing is left to protect.
        let signingOutWithoutSession = request.user == nil && request.url.path == SiteURL.logout.path
        if request.method == .POST, let route = request.route, !signingOutWithoutSession {
            // The form token is in the body: read it, but never past what the route itself accepts (413 otherwise).
            let limit = route.bodyLimit ?? Self.defaultBodyLimit
            if let length = request.headers.first(name: .contentLength).flatMap({ Int($0) }), length > limit {
                throw Abort(.payloadTooLarge)
            }
            if let collected = request.body.data, collected.readableBytes > limit { throw Abort(.payloadTooLarge) }
            _ = try await request.body.collect(max: limit).get()
            let sent = (try? request.content.get(String.self, at: "_csrf")) ?? ""
            let expected = request.csrfToken
            guard !expected.isEmpty, sent.utf8.count == expected.utf8.count,
                  zip(sent.utf8, expected.utf8).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0
            else { throw Abort(.forbidden, reason: ErrorPage.expiredForm) }
        }
        let response = try await next.respond(to: request)
        if request.notice != nil && response.status != .seeOther {
            response.cookies[Cookies.notice] = HTTPCookies.Value.expired
        }
        if let newCSRF {
            response.cookies[Cookies.csrf] = Cookies.value(newCSRF, secure: request.application.webSettings.secureCookies, maxAge: nil)
        }
        return response
    }
}

/// Headers every answer carries: no inline script, no framing, no MIME sniffing, no referrer leaks; HSTS under HTTPS.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'", "object-src 'none'",
    ].joined(separator: "; ")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        if response.headers.contentType == .html {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        // Behind HTTPS, browsers must never try plain HTTP again (a downgrade would expose the session cookie).
        if request.application.webSettings.secureCookies {
            response.headers.replaceOrAdd(name: .strictTransportSecurity, value: "max-age=31536000; includeSubDomains")
        }
        return response
    }
}

