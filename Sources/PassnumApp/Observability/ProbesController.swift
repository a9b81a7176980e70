import Foundation
import PassnumPersistence
import Vapor

/// `PASSNUM_METRICS_TOKEN`: the bearer token Prometheus sends to `/metrics`. Unset, `/metrics` answers 404.
struct MetricsSettings: Sendable {
    static let variable = "PASSNUM_METRICS_TOKEN"
    /// Long enough that guessing it over HTTP is hopeless (`openssl rand -hex 32` gives 64).
    static let minimumLength = 32

    var token: String?

    static func fromEnvironment(_ environment: [String: String]) throws -> MetricsSettings {
        guard let token = environment[variable], !token.isEmpty else { return MetricsSettings(token: nil) }
        guard token.utf8.count >= minimumLength, token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw UsageError("\(variable) must be at least \(minimumLength) printable characters without spaces (for example: openssl rand -hex 32)")
        }
        return MetricsSettings(token: token)
    }

    /// Whether `authorization` is `Bearer <token>`: every byte compared whatever the first difference, so the time
    /// taken tells nothing of how much of a guess was right.
    func admits(authorization: String?) -> Bool {
        guard let token, let authorization, authorization.hasPrefix("Bearer ") else { return false }
        let sent = Array(authorization.utf8.dropFirst(7)), expected = Array(token.utf8)
        guard sent.count == expected.count else { return false }
        return zip(sent, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Application {
    private struct MetricsSettingsKey: StorageKey { typealias Value = MetricsSettings }

    /// Set by `configure` from the environment; tests set their own.
    var metricsSettings: MetricsSettings {
        get { storage[MetricsSettingsKey.self] ?? MetricsSettings(token: nil) }
        set { storage[MetricsSettingsKey.self] = newValue }
    }
}

/// What the load balancer and Prometheus call: plain text, no page, no session needed, never rate-limited.
enum ProbesController {
    /// The process answers. Reads nothing from the database: a database outage must not make the load balancer
    /// restart every server.
    @Sendable static func healthz(_ request: Request) async throws -> Response {
        text("ok\n", status: .ok)
    }

    /// The database answers and its migrations are this code's: 200, or 503 with the reason.
    @Sendable static func readyz(_ request: Request) async throws -> Response {
        switch await request.store.readiness() {
        case .ready:
            return text("ready\n", status: .ok)
        case .notReady(let reason, let detail):
            if let detail { request.logger.warning("not ready: \(reason): \(detail)") }
            return text("not ready: \(reason)\n", status: .serviceUnavailable)
        }
    }

    /// Prometheus' text format. 404 when no token is set (nothing says the endpoint exists), 401 for a missing or
    /// wrong token (answered here: the page middleware would turn a thrown 401 into the sign-in page).
    @Sendable static func metrics(_ request: Request) async throws -> Response {
        let settings = request.application.metricsSettings
        guard settings.token != nil else { throw Abort(.notFound) }
        guard settings.admits(authorization: request.headers.first(name: .authorization)) else {
            let response = text("unauthorized\n", status: .unauthorized)
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer")
            return response
        }
        let store = request.store
        // SQLite has no pool worth a gauge: one file, its writers queued in-process.
        let loops = request.application.eventLoopGroup.makeIterator().reduce(0) { count, _ in count + 1 }
        let body = await request.metrics.scrape(store: store, poolSize: store.kind == .postgres ? loops * store.configuration.connectionsPerEventLoop : nil)
        let response = text(body, status: .ok)
        response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        return response
    }

    private static func text(_ body: String, status: HTTPResponseStatus) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/plain; charset=utf-8")
        // Probes and scrapes are never cached by a proxy: each must reach this server.
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: status, headers: headers, body: .init(string: body))
    }
}
