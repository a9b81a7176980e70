import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The places in the national open-data format, for anyone: written from the public index a page at a time (the
/// memory does not grow with the number of places), with an ETag and a Last-Modified from the index's last change,
/// so that a client that already has this version gets a 304 without the body.
enum OpenDataController {
    enum Format: String {
        case csv, json
    }

    @Sendable static func csv(_ request: Request) async throws -> Response {
        try await export(request, as: .csv)
    }

    @Sendable static func json(_ request: Request) async throws -> Response {
        try await export(request, as: .json)
    }

    static func export(_ request: Request, as format: Format) async throws -> Response {
        try await request.limitPublic(.opendata)
        let store = request.store
        let version = try await store.publicIndexVersion()
        var headers = HTTPHeaders()
        let etag = "\"lieux-\(version?.version ?? 0)-\(Int64((version?.changedAt.timeIntervalSince1970 ?? 0) * 1000))-\(format.rawValue)\""
        headers.replaceOrAdd(name: .eTag, value: etag)
        if let version { headers.lastModified = .init(version.changedAt) }
        // Any cache may keep it, but must ask again each time (the answer is then a cheap 304).
        headers.replaceOrAdd(name: .cacheControl, value: "public, no-cache")
        if notModified(request.headers, etag: etag, changedAt: version?.changedAt) {
            return Response(status: .notModified, headers: headers)
        }
        switch format {
        case .csv:
            headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
            headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"lieux.csv\"")
        case .json:
            headers.contentType = .json
        }
        // Each page is its own short read: a slow client never holds a database connection while it reads.
        let body = Response.Body(managedAsyncStream: { writer in
            try await writer.write(.buffer(ByteBuffer(string: format == .csv ? OpenData.csvHeader : OpenData.jsonOpening)))
            var after: OpenDataPage.Position?
            var first = true
            repeat {
                let page = try await store.openDataPage(after: after)
                let text = format == .csv ? OpenData.csvLines(page.records) : try OpenData.jsonElements(page.records, first: first)
                if !text.isEmpty { try await writer.write(.buffer(ByteBuffer(string: text))) }
                first = first && page.records.isEmpty
                after = page.next
            } while after != nil
            if format == .json { try await writer.write(.buffer(ByteBuffer(string: OpenData.jsonClosing))) }
        })
        return Response(status: .ok, headers: headers, body: body)
    }

    /// RFC 9110: If-None-Match decides when present (weak comparison); otherwise If-Modified-Since, to the second.
    static func notModified(_ headers: HTTPHeaders, etag: String, changedAt: Date?) -> Bool {
        if let match = headers.first(name: .ifNoneMatch) {
            guard match.utf8.count <= 2048 else { return false }
            let tags = match.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return tags.contains { $0 == "*" || ($0.hasPrefix("W/") ? String($0.dropFirst(2)) : $0) == etag }
        }
        guard let changedAt, let since = headers.first(name: .ifModifiedSince), since.utf8.count <= 64 else { return false }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: since) else { return false }
        return changedAt.timeIntervalSince1970.rounded(.down) <= date.timeIntervalSince1970
    }
}
