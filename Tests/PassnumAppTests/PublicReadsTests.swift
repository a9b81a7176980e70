import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 13, item 5: the finder, the places API and the open data read the public index a page at a time.
@Suite("Public reads: finder, places API, open data")
struct PublicReadsTests {
    static func get(_ app: Application, _ path: String, headers: [(String, String)] = []) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse!
        try await app.testing().test(.GET, path, headers: HTTPHeaders(headers)) { result = $0 }
        return result
    }

    /// Imports places in Lille (postcodes 59000…) and affiliates them to funder A: `count` more public places.
    static func addPlaces(_ world: WebWorld, count: Int, firstPivot: Int, sitesEach: Int = 1) async throws {
        var rows: [(line: Int, record: OpenData.Record)] = []
        for index in 0..<count {
            for site in 0..<sitesEach {
                rows.append((rows.count + 2, [
                    "id": "lieu-\(firstPivot + index)-\(site)", "pivot": Siret.completing(String(format: "%013d", 20_000_000 + firstPivot + index)),
                    "nom": "Lieu « \(firstPivot + index) », quai \"\(site)\"", "commune": "Lille", "code_postal": "59000", "code_insee": "59350",
                    "adresse": "\(site + 1) rue Nationale", "date_maj": "2026-01-15", "latitude": "\(50.6 + Double(index) / 1000)",
                    "longitude": "3.06", "horaires": "Mo-Fr 09:00-12:00,14:00-17:00",
                ]))
            }
        }
        #expect(try await world.store.importPlaces(rows, actor: Actor("test")).rejected.isEmpty)
        for index in 0..<count {
            let place = try await world.store.read { tx in
                PlaceID(try #require(try await tx.sql.raw("SELECT id FROM places WHERE siret = \(bind: Siret.completing(String(format: "%013d", 20_000_000 + firstPivot + index)))")
                    .first(decodingColumn: "id", as: Int64.self)))
            }
            try await world.store.requestAffiliation(place: place, funder: world.funderA)
            try await world.store.decideAffiliation(place: place, funder: world.funderA, approve: true)
        }
    }

    static func withWorld(_ body: (inout WebWorld) async throws -> Void) async throws {
        try await WebWorld.with { world in
            world.app.publicLimits = PublicLimits.parse("finder=100000,opendata=100000")
            try await body(&world)
        }
    }

    @Test("The open data streams, page by page, the very bytes the whole-file code wrote (CSV and JSON)")
    func openDataBytes() async throws {
        try await Self.withWorld { world in
            #expect(try await Self.get(world.app, "/open-data/lieux.json").body.string == "[\n\n]")
            #expect(try await Self.get(world.app, "/open-data/lieux.csv").body.string == OldOpenData.csv([]))
            // More sites than one page of the stream (500).
            try await Self.addPlaces(world, count: 2, firstPivot: 0, sitesEach: 260)
            let records = try await OldOpenData.records(world.store)
            #expect(records.count == 520)
            let csv = try await Self.get(world.app, "/open-data/lieux.csv")
            #expect(csv.status == .ok && csv.headers.contentType?.serialize() == "text/csv; charset=utf-8")
            #expect(csv.body.string == OldOpenData.csv(records))
            let json = try await Self.get(world.app, "/open-data/lieux.json")
            #expect(json.body.string == String(decoding: try OldOpenData.json(records), as: UTF8.self))
        }
    }

    @Test("The open data carries an ETag and a Last-Modified from the index's last change, and answers 304 to a client that has them")
    func openDataConditional() async throws {
        try await Self.withWorld { world in
            try await Self.addPlaces(world, count: 1, firstPivot: 0)
            let first = try await Self.get(world.app, "/open-data/lieux.csv")
            let etag = try #require(first.headers.first(name: .eTag))
            let lastModified = try #require(first.headers.first(name: .lastModified))
            #expect(lastModified == "Mon, 02 Mar 2026 09:00:00 GMT")
            #expect(try await Self.get(world.app, "/open-data/lieux.json").headers.first(name: .eTag) != etag)
            for match in [etag, "W/" + etag, "\"autre\", " + etag, "*"] {
                let again = try await Self.get(world.app, "/open-data/lieux.csv", headers: [("If-None-Match", match)])
                #expect(again.status == .notModified && again.body.readableBytes == 0, "\(match)")
                #expect(again.headers.first(name: .eTag) == etag)
            }
            #expect(try await Self.get(world.app, "/open-data/lieux.csv", headers: [("If-None-Match", "\"autre\"")]).status == .ok)
            #expect(try await Self.get(world.app, "/open-data/lieux.csv", headers: [("If-Modified-Since", lastModified)]).status == .notModified)
            #expect(try await Self.get(world.app, "/open-data/lieux.csv", headers: [("If-Modified-Since", "Mon, 02 Mar 2026 08:59:59 GMT")]).status == .ok)
            #expect(try await Self.get(world.app, "/open-data/lieux.csv", headers: [("If-Modified-Since", "hier")]).status == .ok)
            // If-None-Match decides when both are sent.
            #expect(try await Self.get(world.app, "/open-data/lieux.csv",
                                       headers: [("If-None-Match", "\"autre\""), ("If-Modified-Since", lastModified)]).status == .ok)

            // A change to what the public sees: a new version, and the old one is stale.
            world.clock.set(world.clock.now.addingTimeInterval(3600))
            try await world.store.changePlaceState(world.placeB, to: .suspended, reason: "contrôle")
            let changed = try await Self.get(world.app, "/open-data/lieux.csv", headers: [("If-None-Match", etag)])
            #expect(changed.status == .ok && changed.headers.first(name: .eTag) != etag)
            #expect(changed.headers.first(name: .lastModified) == "Mon, 02 Mar 2026 10:00:00 GMT")
            #expect(try await Self.get(world.app, "/open-data/lieux.csv", headers: [("If-Modified-Since", lastModified)]).status == .ok)
        }
    }

    @Test("The places API pages with a cursor: every place once, 20 by default; a bad cursor or limit is a 400 problem")
    func apiPages() async throws {
        try await Self.withWorld { world in
            try await Self.addPlaces(world, count: 23, firstPivot: 0)
            let everything = try ApiTests.json(try await Self.get(world.app, "/api/v1/places?limit=100"))
            let all = try #require(everything["places"] as? [[String: Any]]).compactMap { $0["id"] as? Int }
            #expect(all.count == 25 && Set(all).count == 25 && everything["next_cursor"] == nil && everything["next"] == nil)
            let first = try ApiTests.json(try await Self.get(world.app, "/api/v1/places"))
            #expect((first["places"] as? [[String: Any]])?.count == 20 && first["next_cursor"] is String)
            // `next`, the name this list answered first, carries the same cursor.
            #expect(first["next"] as? String == first["next_cursor"] as? String)

            for query in ["", "commune=59000&", "commune=lille&category=outils&", "departement=59&"] {
                var seen: [Int] = []
                var next: String? = nil
                var pages = 0
                repeat {
                    let cursor = next.map { "&cursor=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""
                    let page = try ApiTests.json(try await Self.get(world.app, "/api/v1/places?\(query)limit=3" + cursor))
                    seen += try #require(page["places"] as? [[String: Any]]).compactMap { $0["id"] as? Int }
                    next = page["next_cursor"] as? String
                    pages += 1
                } while next != nil && pages < 20
                let whole = try ApiTests.json(try await Self.get(world.app, "/api/v1/places?\(query)limit=100"))
                #expect(seen == (whole["places"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }, "\(query)")
                #expect(Set(seen).count == seen.count && !seen.isEmpty)
            }

            let cursor = try #require(first["next_cursor"] as? String)
            for path in ["/api/v1/places?cursor=nope", "/api/v1/places?cursor=" + String(repeating: "A", count: 500),
                         "/api/v1/places?commune=59000&cursor=" + cursor, "/api/v1/places?limit=0", "/api/v1/places?limit=101",
                         "/api/v1/places?limit=dix", "/api/v1/places?limit=-1", "/api/v1/places?limit=99999999999999999999"] {
                let response = try await Self.get(world.app, path)
                #expect(response.status == .badRequest, "\(path)")
                #expect(try ApiTests.problem(response) == "invalid-request", "\(path)")
            }
            #expect(try await Self.get(world.app, "/api/v1/places?cursor=" + cursor).status == .ok)
        }
    }

    @Test("The finder shows 20 places and a link to the next ones; a stale link shows the first page with a word of explanation")
    func finderPages() async throws {
        try await Self.withWorld { world in
            try await Self.addPlaces(world, count: 23, firstPivot: 0)
            let first = try await Self.get(world.app, "/lieux?commune=59000").body.string
            #expect(first.contains("Lieux 1 à 20.") && first.components(separatedBy: "href=\"/lieux/").count - 1 == 20)
            let link = try #require(first.range(of: "href=\"/lieux?commune=59000&amp;apres=")).lowerBound
            let href = String(first[first.index(link, offsetBy: 6)...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
            #expect(first.contains(">Résultats suivants</a>"))
            let second = try await Self.get(world.app, href).body.string
            #expect(second.contains("Lieux 21 à 25.") && !second.contains("Résultats suivants"))
            #expect(second.components(separatedBy: "href=\"/lieux/").count - 1 == 5)

            let stale = try await Self.get(world.app, "/lieux?commune=59000&apres=abc")
            #expect(stale.status == .ok && stale.body.string.contains("n’est plus valable") && stale.body.string.contains("Lieux 1 à 20."))
            #expect(try await Self.get(world.app, "/lieux?commune=lille").body.string.contains("Lieux 1 à 20."))
            #expect(try await Self.get(world.app, "/lieux?commune=75").body.string.contains("0 lieux trouvés."))
        }
    }

    @Test("The finder, a place's page and the places API send as many SQL statements for 3 places as for 60")
    func statementsDoNotGrow() async throws {
        try await Self.withWorld { world in
            let paths = ["/lieux", "/lieux?commune=59000", "/lieux?departement=59&categorie=outils", "/api/v1/places",
                         "/api/v1/places?commune=lille", "/lieux/\(world.placeA)"]
            // The lower of two requests: the first of a rate-limit window also clears the address's older windows.
            func counts() async throws -> [Int] {
                var counts: [Int] = []
                for path in paths {
                    var measured: [Int] = []
                    for _ in 0..<2 {
                        let before = world.store.statementsExecuted
                        #expect(try await Self.get(world.app, path).status == .ok, "\(path)")
                        measured.append(world.store.statementsExecuted - before)
                    }
                    counts.append(measured.min() ?? 0)
                }
                return counts
            }
            try await Self.addPlaces(world, count: 1, firstPivot: 0)
            #expect(try await world.store.searchPlaces(PlaceSearch(), limit: 100).places.count == 3)
            let small = try await counts()
            try await Self.addPlaces(world, count: 57, firstPivot: 100)
            #expect(try await world.store.searchPlaces(PlaceSearch(), limit: 100).places.count == 60)
            let large = try await counts()
            #expect(large == small, "\(paths): \(small) statements with 3 places, \(large) with 60")
        }
    }
}

/// The open data as the code before the index wrote it (every qualified place with a SIRET, its sites one by one,
/// then the whole file at once): the reference the streamed answers must equal byte for byte.
enum OldOpenData {
    static func records(_ store: Store) async throws -> [OpenData.Record] {
        try await store.read { tx in
            let places = try await tx.sql.raw("""
                SELECT id, name, siret, updated_at FROM places WHERE state = \(bind: PlaceState.qualified.rawValue) AND siret IS NOT NULL ORDER BY id
                """).all()
            var records: [OpenData.Record] = []
            for place in places {
                let id = PlaceID(try place.int("id"))
                let application = PlaceApplication(place: id, name: try place.string("name"), state: .qualified,
                                                   steps: try await tx.applicationSteps(of: id), documents: [])
                let organisation = application.decode(ApplicationData.Organisation.self, .organisation)
                let services = application.decode(ApplicationData.Services.self, .services)
                let hours = application.decode(ApplicationData.Hours.self, .hours)
                let updated = CivilDate(Date(millis: try place.int("updated_at"))).description
                for site in try await tx.sql.raw("""
                    SELECT id, name, address, postcode, commune_code, commune_name, latitude, longitude, open_data
                    FROM place_sites WHERE place_id = \(bind: id.rawValue) ORDER BY position
                    """).all() {
                    var record = (try? JSONDecoder().decode(OpenData.Record.self, from: Data(try site.string("open_data").utf8))) ?? [:]
                    let imported = !record.isEmpty
                    let siteID = try site.int("id")
                    if record["id", default: ""].isEmpty { record["id"] = "passnum-lieu-\(siteID)" }
                    record["pivot"] = try place.string("siret")
                    record["nom"] = try site.string("name")
                    record["commune"] = try site.string("commune_name")
                    record["code_postal"] = try site.string("postcode")
                    record["code_insee"] = try site.optionalString("commune_code") ?? ""
                    record["adresse"] = try site.string("address")
                    if let latitude = try site.decode(column: "latitude", as: Double?.self) { record["latitude"] = "\(latitude)" }
                    if let longitude = try site.decode(column: "longitude", as: Double?.self) { record["longitude"] = "\(longitude)" }
                    if let organisation {
                        record["telephone"] = organisation.phone ?? ""
                        record["courriels"] = organisation.email ?? ""
                        record["site_web"] = organisation.website ?? ""
                        record["presentation_resume"] = organisation.summary ?? ""
                    }
                    if let services {
                        record["services"] = services.categories.map(\.rawValue).joined(separator: "|")
                        record["prise_en_charge_specifique"] = services.accessibility.joined(separator: "|")
                    }
                    if let hours { record["horaires"] = hours.openingHours }
                    if record["date_maj", default: ""].isEmpty { record["date_maj"] = updated }
                    if !imported { record["source"] = "passnum" }
                    let detail = record["presentation_detail", default: ""]
                    if !detail.contains(OpenData.passNumeriqueSentence) {
                        record["presentation_detail"] = detail.isEmpty ? OpenData.passNumeriqueSentence : detail + " " + OpenData.passNumeriqueSentence
                    }
                    records.append(record.filter { OpenData.fields.contains($0.key) })
                }
            }
            return records
        }
    }

    static func csv(_ records: [OpenData.Record]) -> String {
        func quoted(_ value: String) -> String { "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let lines = [OpenData.fields.map(quoted).joined(separator: ",")]
            + records.map { record in OpenData.fields.map { quoted(record[$0] ?? "") }.joined(separator: ",") }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func json(_ records: [OpenData.Record]) throws -> Data {
        let encoder = JSONEncoder.sorted
        encoder.outputFormatting.insert(.prettyPrinted)
        return try encoder.encode(records.map { $0.filter { !$0.value.isEmpty } })
    }
}
