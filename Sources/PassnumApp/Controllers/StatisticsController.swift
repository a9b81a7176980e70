import Crypto
import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The public statistics page and its open data (statistics by département and month, their Table Schema, the journal's
/// published witnesses). The files are small (one row per département and month, one per day): built whole, with an
/// ETag, so that a client that has them gets a 304. The statistics' ETag comes from the counters read and the file's
/// format, before the file is made: a 304 makes nothing. They have no Last-Modified: a hand-out changes the statistics
/// and the witness job the witnesses without a journal entry, and no cheap date says when either last changed; the ETag
/// alone is exact.
enum StatisticsController {
    @Sendable static func page(_ request: Request) async throws -> Response {
        try await request.limitPublic(.home)
        let store = request.store
        let model = try await StatisticsPage.Model.query(
            store: store, departement: request.query[String.self, at: "departement"], year: request.query[String.self, at: "annee"],
            today: CivilDate(store.clock.now))
        return Layout.response(StatisticsPage.View(model: model, context: PageContext(request)).document,
                               status: model.errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable static func csv(_ request: Request) async throws -> Response {
        try await statistics(request, format: "csv", type: HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"]),
                             name: "statistiques.csv", UsageOpenData.csv)
    }

    @Sendable static func json(_ request: Request) async throws -> Response {
        try await statistics(request, format: "json", type: .json, name: nil, UsageOpenData.json)
    }

    /// The statistics in `format`, made by `make` only when the client does not have them already.
    static func statistics(_ request: Request, format: String, type: HTTPMediaType, name: String?,
                           _ make: ([UsageRow]) -> String) async throws -> Response {
        try await request.limitPublic(.opendata)
        let rows = try await request.store.usageStatistics(months: Month.earliest...Month.latest)
        // The figures as read and the schema (which names the columns and their rules) give the file: same tag, same bytes.
        let version = [format, UsageOpenData.schema] + rows.map { row in
            let f = row.figures
            return "\(row.departement.value) \(row.month) \(f.issued) \(f.handedOut) \(f.used) \(f.people) \(f.places) \(f.amount.cents)"
        }
        return respond(request, etag: tag(version.joined(separator: "\n")), type: type, name: name) { make(rows) }
    }

    @Sendable static func schema(_ request: Request) async throws -> Response {
        try await request.limitPublic(.opendata)
        return file(request, UsageOpenData.schema, type: .json, name: nil)
    }

    @Sendable static func witnesses(_ request: Request) async throws -> Response {
        try await request.limitPublic(.opendata)
        let witnesses = try await request.store.witnesses()
        return file(request, UsageOpenData.witnessesCSV(witnesses),
                              type: HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"]), name: "journal-temoins.csv")
    }

    static func file(_ request: Request, _ body: String, type: HTTPMediaType, name: String?) -> Response {
        respond(request, etag: tag(body), type: type, name: name) { body }
    }

    /// A strong ETag: the first 128 bits of the SHA-256 of `text`.
    static func tag(_ text: String) -> String {
        "\"" + String(SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined().prefix(32)) + "\""
    }

    /// A 304 when the client has `etag`, else the body `make` gives.
    static func respond(_ request: Request, etag: String, type: HTTPMediaType, name: String?,
                        _ make: () -> String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .eTag, value: etag)
        headers.replaceOrAdd(name: .cacheControl, value: "public, no-cache")
        if OpenDataController.notModified(request.headers, etag: etag, changedAt: nil) {
            return Response(status: .notModified, headers: headers)
        }
        headers.contentType = type
        if let name { headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(name)\"") }
        return Response(status: .ok, headers: headers, body: .init(string: make()))
    }
}
