import Crypto
import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Settings read once at start.
struct WebSettings: Sendable {
    /// The address people reach the platform at: links in password reset messages and QR codes.
    var publicBaseURL: String
    /// Cookies get the Secure flag when the public address is HTTPS (behind a TLS proxy).
    var secureCookies: Bool { publicBaseURL.lowercased().hasPrefix("https://") }

    static func fromEnvironment() -> WebSettings {
        WebSettings(publicBaseURL: Environment.get("PASSNUM_PUBLIC_URL") ?? "http://127.0.0.1:8080")
    }
}

extension Application {
    private struct SettingsKey: StorageKey { typealias Value = WebSettings }

    var webSettings: WebSettings {
        get { storage[SettingsKey.self] ?? .fromEnvironment() }
        set { storage[SettingsKey.self] = newValue }
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

    /// The user, who must have one of `roles`: otherwise 401 (not signed in) or 403.
    func requireUser(_ roles: Role...) throws -> SessionUser {
        guard let user else { throw Abort(.unauthorized) }
        guard roles.contains(user.role) else { throw Abort(.forbidden) }
        return user
    }
}

/// Finds the session's user, gives anonymous visitors a CSRF cookie, and refuses any form whose CSRF token
/// does not match (double-submit cookie before sign-in, the session's own token after).
struct SessionMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The partner API authenticates each request with its key: no session, no cookie, no form token.
        guard !request.url.path.hasPrefix("/api/") else { return try await next.respond(to: request) }
        if let token = request.cookies[Cookies.session]?.string, !token.isEmpty {
            request.user = try await request.store.sessionUser(token: token)
        }
        var newCSRF: String?
        if request.user == nil, (request.cookies[Cookies.csrf]?.string ?? "").isEmpty {
            newCSRF = [UInt8].random(count: 24).base64URL
            request.anonymousToken = newCSRF
        }
        if let encoded = request.cookies[Cookies.notice]?.string, let data = Data(base64URL: encoded), data.count < 600 {
            request.notice = String(decoding: data, as: UTF8.self)
        }
        if request.method == .POST {
            _ = try await request.body.collect(max: 8 << 20).get()
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

/// Headers every answer carries: no inline script, no framing, no MIME sniffing, no referrer leaks.
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
        return response
    }
}

