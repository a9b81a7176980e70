import Crypto
import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The public statistics page and its open data (statistics by département and month, their Table Schema, the journal's
/// published witnesses). The files are small (one row per département and month, one per day): built whole, with an
/// ETag from their content and a Last-Modified from the journal's last entry, so that a client that has them gets a 304.
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
        try await request.limitPublic(.opendata)
        let rows = try await request.store.usageStatistics(months: Month.earliest...Month.latest)
        return try await file(request, UsageOpenData.csv(rows), type: HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"]),
                              name: "statistiques.csv")
    }

    @Sendable static func json(_ request: Request) async throws -> Response {
        try await request.limitPublic(.opendata)
        let rows = try await request.store.usageStatistics(months: Month.earliest...Month.latest)
        return try await file(request, UsageOpenData.json(rows), type: .json, name: nil)
    }

    @Sendable static func schema(_ request: Request) async throws -> Response {
        try await request.limitPublic(.opendata)
        return try await file(request, UsageOpenData.schema, type: .json, name: nil)
    }

    @Sendable static func witnesses(_ request: Request) async throws -> Response {
        try await request.limitPublic(.opendata)
        let witnesses = try await request.store.witnesses()
        return try await file(request, UsageOpenData.witnessesCSV(witnesses),
                              type: HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"]), name: "journal-temoins.csv")
    }

    static func file(_ request: Request, _ body: String, type: HTTPMediaType, name: String?) async throws -> Response {
        let changedAt = try await request.store.journalChangedAt()
        var headers = HTTPHeaders()
        let etag = "\"" + String(SHA256.hash(data: Data(body.utf8)).map { String(format: "%02x", $0) }.joined().prefix(32)) + "\""
        headers.replaceOrAdd(name: .eTag, value: etag)
        if let changedAt { headers.lastModified = .init(changedAt) }
        headers.replaceOrAdd(name: .cacheControl, value: "public, no-cache")
        if OpenDataController.notModified(request.headers, etag: etag, changedAt: changedAt) {
            return Response(status: .notModified, headers: headers)
        }
        headers.contentType = type
        if let name { headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(name)\"") }
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }
}
