import Foundation
import Vapor

/// The first middleware: gives the request its id and counts it once answered.
///
/// The id: nginx's `X-Request-Id` when it is a plain token (at most 64 letters, digits and dashes), a fresh UUID
/// otherwise (Vapor takes the header as sent, so a forged one could write anything into the log). It goes into
/// `request.logger`'s `request-id` metadata, which every line logged while handling the request carries, and back
/// to the client as `X-Request-Id`.
///
/// The count: by route pattern (`/lieux/:id`, never the path: no token of `/invitation/:token` or `/c/…` becomes a
/// label, and the number of series stays that of the routes), method and final status, with the latency.
struct RequestMetricsMiddleware: AsyncMiddleware {
    static let maximumIDLength = 64

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Without the header, `request.id` is the UUID Vapor made; with one, Vapor copied it unchecked.
        let sent = request.headers.first(name: .xRequestId)
        let id = sent == nil ? request.id : Self.acceptedID(sent) ?? UUID().uuidString
        request.logger[metadataKey: "request-id"] = .string(id)
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            // The error middlewares answer every error; one that still gets here becomes Vapor's 500.
            record(request, status: (error as? any AbortError)?.status.code ?? 500, since: started)
            throw error
        }
        response.headers.replaceOrAdd(name: .xRequestId, value: id)
        record(request, status: response.status.code, since: started)
        return response
    }

    private func record(_ request: Request, status: UInt, since started: ContinuousClock.Instant) {
        request.metrics.request(route: Self.routeLabel(request.route), method: Self.methodLabel(request.method), status: status,
                                duration: ContinuousClock.now - started)
    }

    /// The incoming id, if it is one a log may carry as is.
    static func acceptedID(_ header: String?) -> String? {
        guard let header, !header.isEmpty, header.utf8.count <= maximumIDLength,
              header.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
        else { return nil }
        return header
    }

    /// `/lieux/:id`; `unmatched` for a request no route took (its path is whatever the client sent).
    static func routeLabel(_ route: Route?) -> String {
        guard let route else { return "unmatched" }
        return "/" + route.path.map(\.description).joined(separator: "/")
    }

    /// The usual methods by name; any other (a client may send any word) as `other`.
    static func methodLabel(_ method: HTTPMethod) -> String {
        switch method {
        case .GET, .HEAD, .POST, .PUT, .PATCH, .DELETE, .OPTIONS: method.rawValue
        default: "other"
        }
    }
}
