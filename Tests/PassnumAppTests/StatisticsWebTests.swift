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

    @Test("The page shows the country's months with a chart and a table, one person secret with what they used; a bad filter is a 422 in French",
          arguments: WebWorld.Database.allCases)
    func page(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            try await Self.useOne(world)
            let page = try await Self.response(world.app, "/statistiques")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Toute la France, de avril 2025 à mars 2026"))
            #expect(html.contains("<svg role=\"img\" aria-labelledby=\"graphique-titre graphique-texte\""))
            // One person helped: the check they used, its value and the rate are theirs, hidden with them.
            #expect(html.contains("<td>mars 2026</td><td>40</td><td>20</td><td>secret</td><td>secret</td><td>secret</td><td>1</td><td>secret</td>"), "\(html)")
            // The chart draws no bar for the secret month, and gives no total over the period (it would give the month back).
            #expect(html.contains("mars 2026\u{a0}: secret</desc>") && html.contains("<figcaption>Chèques utilisés par mois. Les chiffres"), "\(html)")
            #expect(!html.contains("sur la période"))
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
            #expect(csv.body.string.contains("59,2026-03,40,20,secret,secret,secret,1,secret"))
            let etag = try #require(csv.headers.first(name: .eTag))
            let notModified = try await Self.response(world.app, "/open-data/statistiques.csv", headers: ["If-None-Match": etag])
            #expect(notModified.status == .notModified && notModified.body.readableBytes == 0 && notModified.headers.first(name: .eTag) == etag)
            let json = try await Self.response(world.app, "/open-data/statistiques.json")
            #expect(json.body.string == UsageOpenData.json(rows) && json.headers.first(name: .eTag) != etag)
            let schema = try await Self.response(world.app, "/open-data/statistiques.schema.json")
            #expect(schema.status == .ok && schema.body.string == UsageOpenData.schema)
        }
    }

    @Test("The files' ETag follows the counters: a hand-out, which writes no journal entry, changes it; no Last-Modified can say otherwise",
          arguments: WebWorld.Database.allCases)
    func etagFollowsTheCounters(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            let booklet = try await world.store.allocate(programme: world.programmeA, prescriber: world.prescriberA, booklets: 1, actor: .system)[0]
            let first = try await Self.response(world.app, "/open-data/statistiques.csv")
            let etag = try #require(first.headers.first(name: .eTag))
            // The journal's last change (what Last-Modified used to say) does not move with a hand-out.
            #expect(first.headers.first(name: .lastModified) == nil)
            let later = HTTPHeaders.LastModified(world.clock.now.addingTimeInterval(3_600)).serialize()
            _ = try await world.store.handOut(booklet: booklet, checks: 3, to: world.beneficiaryA, by: world.prescriberA)
            for headers: HTTPHeaders in [["If-None-Match": etag], ["If-Modified-Since": later]] {
                let again = try await Self.response(world.app, "/open-data/statistiques.csv", headers: headers)
                #expect(again.status == .ok && again.headers.first(name: .eTag) != etag, "\(headers)")
                #expect(again.body.string.contains("59,2026-03,40,23,0,0.0,0,0,0.00"), "\(again.body.string)")
            }
            // The JSON has its own tag, also answered with a 304.
            let json = try #require(try await Self.response(world.app, "/open-data/statistiques.json").headers.first(name: .eTag))
            #expect(json != etag)
            #expect(try await Self.response(world.app, "/open-data/statistiques.json", headers: ["If-None-Match": "\"x\", W/\(json)"]).status == .notModified)
        }
    }

    @Test("An invoice's XML reads no witness: one statement fewer than its page, which prints it", arguments: WebWorld.Database.allCases)
    func invoiceXMLReadsNoWitness(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var operatorBrowser = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin] ?? "")
            var counts: [Int] = []
            for path in [SiteURL.invoice(world.invoiceB).path, SiteURL.invoiceXML(world.invoiceB).path] {
                _ = try await operatorBrowser.get(path)
                let before = world.store.statementsExecuted
                let response = try await operatorBrowser.get(path)
                #expect(response.status == .ok, "\(path)")
                counts.append(world.store.statementsExecuted - before)
            }
            #expect(counts[1] == counts[0] - 1, "page \(counts[0]), XML \(counts[1])")
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
