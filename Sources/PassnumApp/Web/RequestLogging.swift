import Vapor

/// Logs each request's method and path, in place of Vapor's `RouteLoggingMiddleware` (which logs the path decoded:
/// `%0A` became a new, forged log line, and every check's security code and reset token reached the log).
/// Here the path is logged as sent, percent-encoded, with anything outside printable ASCII escaped; the secrets a
/// path carries are redacted (`/c/SERIAL-CODE`, `/mot-de-passe/TOKEN`, `/invitation/TOKEN`); the query string, which may hold anything,
/// is never logged.
struct RequestLoggingMiddleware: AsyncMiddleware {
    var logLevel: Logger.Level = .info

    /// A path longer than this is cut: a log line stays a line.
    static let maximumLength = 300
    static let redacted = "[redacted]"

    /// Called every few seconds by the load balancer and Prometheus: logged at debug, or they would drown the rest.
    /// Their counts, failed scrapes (401) included, are in `/metrics`.
    static let probes: Set<String> = [SiteURL.healthz.path, SiteURL.readyz.path, SiteURL.metrics.path]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let level = Self.probes.contains(request.url.path) ? .debug : logLevel
        request.logger.log(level: level, "\(request.method) \(Self.loggable(path: request.url.path))")
        return try await next.respond(to: request)
    }

    /// The path as it may be written to a log.
    static func loggable(path: String) -> String {
        let text = escaped(redacting(path))
        return text.count > maximumLength ? String(text.prefix(maximumLength)) + "…" : text
    }

    /// The path with its secret segments replaced. Segments are compared decoded, as the router sees them
    /// (`/%63/…` and `//c/…` reach the check page too).
    static func redacting(_ path: String) -> String {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let first = segments.firstIndex(where: { !$0.isEmpty }) else { return path }
        switch segments[first].removingPercentEncoding ?? segments[first] {
        case SiteURL.qr("").path.split(separator: "/").first.map(String.init) ?? "c":
            for index in segments.indices where index > first && !segments[index].isEmpty {
                // The serial number is no secret and helps support: kept when it is only digits before the dash.
                let decoded = segments[index].removingPercentEncoding ?? ""
                let serial = decoded.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                let keep = index == first + 1 && !serial.isEmpty && serial.count <= 20 && serial.allSatisfy(\.isASCIIDigit)
                segments[index] = keep ? serial + (decoded.contains("-") ? "-" + redacted : "") : redacted
            }
        case SiteURL.resetPassword("").path.split(separator: "/").first.map(String.init) ?? "mot-de-passe",
             SiteURL.invitation("").path.split(separator: "/").first.map(String.init) ?? "invitation":
            for index in segments.indices where index > first && !segments[index].isEmpty { segments[index] = redacted }
        default:
            break
        }
        return segments.joined(separator: "/")
    }

    /// Printable ASCII as is; every other byte (control characters, spaces, non-ASCII) percent-encoded.
    static func escaped(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if (0x21...0x7E).contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
