import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// `/statistiques`, its open data and the journal's witness on documents, through the web app.
@Suite("Public statistics pages and files")
struct StatisticsWebTests {
    static func response(_ app: Application, _ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse!
        try await app.testing().test(.GET, path, headers: headers) { result = $0 }
        return result
    }

    /// One check of A used at place A: one person, secret.
    static func useOne(_ world: WebWorld) async throws {
        let serial = world.serialsA[0]
        _ = try await world.store.validate(ValidationRequest(
            place: world.placeA, checks: [PresentedCheck(serial: serial.grouped, code: world.store.secret.securityCode(for: serial).grouped)],
            category: .everydayTools, key: "stat-1"))
    }

    @Test("The page shows the country's months with a chart and a table, one person secret; a bad filter is a 422 in French",
          arguments: WebWorld.Database.allCases)
    func page(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            try await Self.useOne(world)
            let page = try await Self.response(world.app, "/statistiques")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Toute la France, de avril 2025 à mars 2026"))
            #expect(html.contains("<svg role=\"img\" aria-labelledby=\"graphique-titre graphique-texte\""))
            #expect(html.contains("<td>mars 2026</td><td>40</td><td>20</td><td>1</td><td>5,0\u{a0}%</td><td>secret</td><td>1</td><td>10,00\u{a0}€</td>"), "\(html)")
            for link in ["/open-data/statistiques.csv", "/open-data/statistiques.json", "/open-data/statistiques.schema.json", "/open-data/journal-temoins.csv"] {
                #expect(html.contains("href=\"\(link)\""))
            }
            let one = try await Self.response(world.app, "/statistiques?departement=59&annee=2026")
            #expect(one.status == .ok && one.body.string.contains("Département 59, de janvier 2026 à mars 2026"))
            for bad in ["departement=99", "departement=%3Cscript%3E", "annee=1990", "annee=deux"] {
                let refused = try await Self.response(world.app, "/statistiques?" + bad)
                #expect(refused.status == .unprocessableEntity, "\(bad)")
                #expect(refused.body.string.contains("role=\"alert\"") && !refused.body.string.contains("<script>"), "\(bad)")
            }
        }
    }

    @Test("The CSV and JSON are the store's rows, with an ETag that answers 304, and the schema is served",
          arguments: WebWorld.Database.allCases)
    func files(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            try await Self.useOne(world)
            let rows = try await world.store.usageStatistics(months: Month.earliest...Month.latest)
            let csv = try await Self.response(world.app, "/open-data/statistiques.csv")
            #expect(csv.status == .ok && csv.body.string == UsageOpenData.csv(rows))
            #expect(csv.body.string.contains("59,2026-03,40,20,1,5.0,secret,1,10.00"))
            #expect(csv.headers.first(name: .lastModified) != nil)
            let etag = try #require(csv.headers.first(name: .eTag))
            #expect(try await Self.response(world.app, "/open-data/statistiques.csv", headers: ["If-None-Match": etag]).status == .notModified)
            let json = try await Self.response(world.app, "/open-data/statistiques.json")
            #expect(json.body.string == UsageOpenData.json(rows) && json.headers.first(name: .eTag) != etag)
            let schema = try await Self.response(world.app, "/open-data/statistiques.schema.json")
            #expect(schema.status == .ok && schema.body.string == UsageOpenData.schema)
        }
    }

    @Test("The daily job publishes the witnesses; the CSV lists them, an invoice prints the latest at its date, verify --against reads the CSV",
          arguments: WebWorld.Database.allCases)
    func witnesses(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            world.clock.advance(seconds: 86_400)
            let lines = try await ScheduledJob.standard.first { $0.name == .witness }!.body(world.app)
            #expect(lines == ["1 days witnessed"])
            let witness = try #require(try await world.store.witnesses().first)
            let csv = try await Self.response(world.app, "/open-data/journal-temoins.csv")
            #expect(csv.body.string.hasPrefix("jour,empreinte,sequences\r\n2026-03-02,\(witness.hash),"))
            let published = try VerifyCommand.publishedHeads(csv.body.string)
            #expect(published.map(\.day) == [CivilDate("2026-03-02")!])
            #expect(try await world.store.verifyWitnesses(published).isEmpty)
            var operatorBrowser = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin] ?? "")
            let invoice = try await operatorBrowser.get(SiteURL.invoice(world.invoiceB).path)
            #expect(invoice.status == .ok)
            #expect(invoice.body.string.contains("Empreinte du journal au 02/03/2026\u{00A0}: <code class=\"hash\">\(witness.hash)</code>"))
            #expect(try await Self.response(world.app, "/statistiques").body.string.contains(witness.hash))
        }
    }

    @Test("A published list is read line by line: a header and blank lines skipped, anything else refused with its line")
    func publishedHeads() throws {
        let hash = String(repeating: "a1", count: 32)
        let heads = try VerifyCommand.publishedHeads("jour,empreinte\n2026-03-02,\(hash)\n\n2026-03-03;\(hash.uppercased());1 2\n")
        #expect(heads.map(\.day.description) == ["2026-03-02", "2026-03-03"] && heads.allSatisfy { $0.hash == hash })
        for bad in ["2026-03-02,abc", "jour,empreinte\n2026-02-30,\(hash)", "x\ny", ""] {
            #expect(throws: UsageError.self, "\(bad)") { try VerifyCommand.publishedHeads(bad) }
        }
    }
}
