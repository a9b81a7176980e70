import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// An API refusal, rendered as `application/problem+json` (RFC 9457). Each `type` is stable: integrators branch on it.
struct Problem: Error, Sendable {
    let status: HTTPResponseStatus
    /// The last segment of the type URI `/api/v1/problems/{code}` (documented in the OpenAPI document).
    let code: String
    let title: String
    var detail: String?
    var retryAfter: Int?
    /// Per-check reasons of a refused validation.
    var checks: [CheckRefusal]?

    struct CheckRefusal: Codable, Sendable {
        let serial: String
        let reason: String
    }

    init(_ status: HTTPResponseStatus, _ code: String, _ title: String, detail: String? = nil) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
    }

    static let typePrefix = "/api/v1/problems/"

    func response() -> Response {
        struct Body: Encodable {
            let type: String, title: String, status: Int
            let detail: String?
            let checks: [CheckRefusal]?
        }
        let response = ApiJSON.response(Body(type: Self.typePrefix + code, title: title, status: Int(status.code), detail: detail, checks: checks),
                                        status: status)
        response.headers.contentType = HTTPMediaType(type: "application", subType: "problem+json")
        if let retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter)) }
        return response
    }

    static let unauthorized = Problem(.unauthorized, "unauthorized", "A valid API key is required", detail: "Send it as Authorization: Bearer <key>.")
    static func forbidden(_ scope: ApiScope) -> Problem {
        Problem(.forbidden, "forbidden", "This key does not have the scope \(scope.rawValue)")
    }
    static let notFound = Problem(.notFound, "not-found", "Not found")

    /// A business refusal, with a stable type per case and the status of `HTTPResponseStatus(for:)`.
    static func from(_ error: DomainError) -> Problem {
        let status = HTTPResponseStatus(for: error)
        return switch error {
        case let .invalid(field, problem): Problem(status, "invalid-request", "Invalid \(field.rawValue)", detail: problem.description)
        case .notFound(let what): Problem(status, "not-found", "Not found", detail: "\(what) not found")
        case .invalidTransition: Problem(status, "conflict", "Not possible in the current state", detail: error.description)
        case .noQuota, .quotaExceeded: Problem(status, "quota-exceeded", "Quota exceeded", detail: error.description)
        case .insufficientStock: Problem(status, "insufficient-stock", "Not enough checks in stock", detail: error.description)
        case .programmeClosed: Problem(status, "programme-closed", "The programme is closed for this", detail: error.description)
        case .beneficiaryLimit: Problem(status, "beneficiary-limit", "The beneficiary would exceed the programme's limit", detail: error.description)
        case .monthNotOver: Problem(status, "conflict", "Not possible yet", detail: error.description)
        case .undoRefused(let reason): Problem(status, reason.rawValue.replacingOccurrences(of: "_", with: "-"), "Cannot undo", detail: reason.description)
        case .notAllowed: Problem(status, "forbidden", "Forbidden", detail: error.description)
        case .idempotencyKeyReused: Problem(status, "idempotency-key-reused", "This Idempotency-Key was used with a different request")
        }
    }
}

extension HTTPResponseStatus {
    /// The status of a business refusal, for the API and the web pages alike: bad input 422, a missing or
    /// foreign record 404, a forbidden action 403, a refusal given the current state 409.
    init(for error: DomainError) {
        self = switch error {
        case .invalid, .idempotencyKeyReused: .unprocessableEntity
        case .notFound: .notFound
        case .notAllowed: .forbidden
        case .invalidTransition, .noQuota, .quotaExceeded, .insufficientStock, .programmeClosed, .beneficiaryLimit,
             .monthNotOver, .undoRefused: .conflict
        }
    }
}

/// Every error under /api/ becomes problem+json; the HTML error pages never answer an API client.
struct ApiProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.url.path.hasPrefix("/api/") else { return try await next.respond(to: request) }
        do {
            return try await next.respond(to: request)
        } catch let problem as Problem {
            return problem.response()
        } catch let error as DomainError {
            return Problem.from(error).response()
        } catch let abort as any AbortError {
            let code = switch abort.status {
            case .notFound: "not-found"
            case .payloadTooLarge: "payload-too-large"
            default: "invalid-request"
            }
            return Problem(abort.status, code, abort.status.reasonPhrase).response()
        } catch is DecodingError {
            return Problem(.badRequest, "invalid-request", "The body is not the JSON this operation expects").response()
        } catch {
            request.logger.report(error: error)
            return Problem(.internalServerError, "internal-error", "Internal error").response()
        }
    }
}

enum ApiJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func response<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: .init(data: data))
    }

    /// The request's JSON body, decoded with snake_case keys; a malformed body is a 400 problem.
    static func body<T: Decodable>(_ type: T.Type, of request: Request) throws -> T {
        guard let buffer = request.body.data, buffer.readableBytes > 0 else {
            throw Problem(.badRequest, "invalid-request", "A JSON body is required")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let value: T
        do {
            value = try decoder.decode(T.self, from: Data(buffer: buffer))
        } catch {
            throw Problem(.badRequest, "invalid-request", "The body is not the JSON this operation expects", detail: "\(error)".prefix(300).description)
        }
        if holdsControlCharacter(json: String(buffer: buffer)) { throw controlCharacter }
        return value
    }

    static let controlCharacter = Problem(.unprocessableEntity, "invalid-request", "A text value holds a control character",
                                          detail: "Control characters other than tab, line feed and carriage return, DEL, U+FFFE and U+FFFF are refused in every text value.")

    /// Whether a JSON text holds a character no text may hold (`ControlCharacters`), as itself or as a `\u` escape.
    static func holdsControlCharacter(json: String) -> Bool {
        var scalars = json.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if ControlCharacters.isRefused(scalar) { return true }
            guard scalar == "\\", let escaped = scalars.next(), escaped == "u" else { continue }
            var digits = String.UnicodeScalarView()
            for _ in 0..<4 { if let digit = scalars.next() { digits.append(digit) } }
            if let code = UInt32(String(digits), radix: 16), let character = Unicode.Scalar(code), ControlCharacters.isRefused(character) {
                return true
            }
        }
        return false
    }
}

/// Limits of the API, per key and per client address, in requests per window and operation. From
/// PASSNUM_API_LIMITS ("KEY_LIMIT/ADDRESS_LIMIT/WINDOW_SECONDS", default "60/120/60"). Behind a reverse proxy, list
/// its addresses in PASSNUM_TRUSTED_PROXIES (comma-separated): the client is then read from X-Forwarded-For.
struct ApiLimits: Sendable {
    var perKey = 60
    var perAddress = 120
    var windowSeconds = 60
    var trustedProxies: Set<String> = []

    static func fromEnvironment() -> ApiLimits {
        var limits = ApiLimits()
        let parts = (Environment.get("PASSNUM_API_LIMITS") ?? "").split(separator: "/").compactMap { Int($0) }
        if parts.count == 3, parts.allSatisfy({ $0 > 0 }) {
            (limits.perKey, limits.perAddress, limits.windowSeconds) = (parts[0], parts[1], parts[2])
        }
        limits.trustedProxies = Set((Environment.get("PASSNUM_TRUSTED_PROXIES") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty })
        return limits
    }
}

extension Request {
    /// The live API key of the request (Authorization: Bearer pn_…), with `scope`, counted against the rate limits of
    /// `operation` for the key and the client address; else 401, 403 or 429. Failed authentications count against
    /// the address too, and so does a key without the scope (a 403 is counted like any answer).
    func apiKey(_ scope: ApiScope?, operation: String) async throws -> ApiKey {
        try authorized(try await store.authenticateApiKey(apiSecret, counting: apiRequestCount(operation)), scope: scope)
    }

    /// The secret of the Authorization header (Bearer), or "" (no key matches it).
    var apiSecret: String {
        headers.first(name: .authorization).flatMap { header in
            header.lowercased().hasPrefix("bearer ") ? String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces) : nil
        } ?? ""
    }

    /// What a request of `operation` counts against (`ApiLimits`).
    func apiRequestCount(_ operation: String) -> ApiRequestCount {
        let limits = application.apiLimits
        return ApiRequestCount(operation: operation, perKey: limits.perKey, address: clientAddress, perAddress: limits.perAddress,
                               windowSeconds: limits.windowSeconds)
    }

    /// The key found, when it has `scope`: else the 429, 401 or 403 problem.
    func authorized(_ found: ApiKeyAuthentication, scope: ApiScope?) throws -> ApiKey {
        if let refused = found.refused {
            var problem = Problem(.tooManyRequests, "rate-limited", "Too many requests",
                                  detail: "At most \(refused.limit) requests per \(application.apiLimits.windowSeconds) s; retry after \(found.retryAfterSeconds) s.")
            problem.retryAfter = found.retryAfterSeconds
            throw problem
        }
        guard let key = found.key else { throw Problem.unauthorized }
        if let scope, !key.allows(scope) { throw Problem.forbidden(scope) }
        return key
    }

    /// The web pages' per client address limit of `kind` for a public read of the API (same cost, same allowance):
    /// over it, a `rate-limited` problem with Retry-After.
    func limitPublicRead(_ kind: PublicLimits.Kind) async throws {
        guard let over = try await countPublic(kind) else { return }
        var problem = Problem(.tooManyRequests, "rate-limited", "Too many requests",
                              detail: "At most \(over.limit) requests per \(application.publicLimits.windowSeconds) s from one address; retry after \(over.retryAfter) s.")
        problem.retryAfter = over.retryAfter
        throw problem
    }

    /// The client's address: the connection's peer, or behind a trusted proxy the last address X-Forwarded-For
    /// gives that is not itself a trusted proxy (earlier entries can be forged by the client).
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        let trusted = application.apiLimits.trustedProxies
        guard trusted.contains(peer) else { return peer }
        let forwarded = headers[.xForwardedFor].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        return forwarded.last { !trusted.contains($0) } ?? peer
    }
}

extension Application {
    private struct ApiLimitsKey: StorageKey { typealias Value = ApiLimits }

    var apiLimits: ApiLimits {
        get { storage[ApiLimitsKey.self] ?? ApiLimits() }
        set { storage[ApiLimitsKey.self] = newValue }
    }
}
