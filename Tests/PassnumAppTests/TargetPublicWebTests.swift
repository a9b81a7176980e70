import Foundation
@testable import PassnumApp
import PassnumDomain
import PassnumPersistence
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The publics a funder declares, the prescriber's choice at hand-out (form and API) and the statement's split.
@Suite("Target publics on the web and the API")
struct TargetPublicWebTests {
    /// The page's text with French typography's unbreakable spaces as plain ones, to compare with plain text.
    static func plain(_ response: TestingHTTPResponse) -> String {
        response.body.string.replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
    }

    @Test("the funder declares publics; the hand-out form offers them with only « Aucun » ticked; the statement and its CSV split by public",
          arguments: WebWorld.Database.allCases)
    func story(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var funder = try await Browser.signedIn(world.app, as: try #require(world.a[.funderManager]))
            var prescriber = try await Browser.signedIn(world.app, as: try #require(world.a[.prescriberAgent]))
            let booklet = try await world.store.allocate(programme: world.programmeA, prescriber: world.prescriberA, booklets: 1, actor: .system)[0]
            let person = "/prescripteur/beneficiaires/\(world.beneficiaryA)"

            // No public declared: the hand-out form asks nothing.
            var page = try await prescriber.get(person)
            #expect(page.status == .ok && !page.body.string.contains("name=\"targetPublic\""))

            #expect(try await funder.get("/financeur/programmes").body.string.contains("/financeur/programmes/\(world.programmeA)/publics"))
            let path = "/financeur/programmes/\(world.programmeA)/publics"
            page = try await funder.get(path)
            #expect(page.status == .ok && page.body.string.contains("Demandeurs d’emploi") && !page.body.string.contains("checked"))
            let saved = try await funder.post(path, [("publics[]", "job_seekers"), ("publics[]", "aged_60_plus"), ("publics[]", "nonsense")])
            #expect(saved.status == .seeOther)
            #expect(try await world.store.programme(world.programmeA).targetPublics == [.jobSeekers, .aged60AndOver])
            page = try await funder.get(path)
            #expect(page.body.string.contains("Publics visés enregistrés."))
            #expect(page.body.string.components(separatedBy: " checked").count - 1 == 2)
            // Another funder's programme is not found, to read or to change.
            #expect(try await funder.get("/financeur/programmes/\(world.programmeB)/publics").status == .notFound)
            #expect(try await funder.post("/financeur/programmes/\(world.programmeB)/publics", [("publics[]", "job_seekers")]).status == .notFound)

            // The form offers the declared publics, « Aucun » alone ticked.
            page = try await prescriber.get(person)
            let html = page.body.string
            #expect(html.contains("name=\"targetPublic\" value=\"job_seekers\"") && html.contains("name=\"targetPublic\" value=\"aged_60_plus\""))
            #expect(!html.contains("value=\"rsa_recipients\""))
            #expect(html.contains("id=\"targetPublic-aucun\" name=\"targetPublic\" value=\"\" checked"))
            #expect(html.components(separatedBy: "name=\"targetPublic\"").dropFirst().filter { $0.hasPrefix(" value=\"") && $0.contains("checked") && $0.firstRange(of: "checked")!.lowerBound < $0.firstRange(of: ">")!.lowerBound }.count == 1)

            // A public the programme does not declare is refused in French, and nothing is handed out.
            let refused = try await prescriber.post(person + "/remise", [("booklet", "\(booklet)"), ("checks", "2"), ("targetPublic", "rsa_recipients")])
            #expect(refused.status == .unprocessableEntity)
            #expect(Self.plain(refused).contains("Ce public n’est pas prévu par le programme de ce carnet : choisissez « Aucun de ces publics »."))
            #expect(refused.body.string.contains("value=\"\" checked"))
            #expect(try await ApiTests.count(world.store, "SELECT COUNT(*) AS n FROM checks WHERE booklet_id = \(booklet.rawValue) AND beneficiary_id IS NOT NULL") == 0)
            _ = try await prescriber.get(person)
            let handed = try await prescriber.post(person + "/remise", [("booklet", "\(booklet)"), ("checks", "4"), ("targetPublic", "job_seekers")])
            #expect(handed.status == .seeOther)
            #expect(try await ApiTests.count(world.store, "SELECT COUNT(*) AS n FROM checks WHERE target_public = 'job_seekers'") == 4)
            // Nothing about the public is kept on the person.
            let beneficiary = world.beneficiaryA.rawValue
            let columns = try await world.store.read { tx in try await tx.sql.raw("SELECT * FROM beneficiaries WHERE id = \(bind: beneficiary)").first()?.allColumns }
            #expect(try #require(columns).allSatisfy { !$0.contains("public") })
            // The person's record (right of access) shows it with each check.
            let record = Self.plain(try await prescriber.get(person + "/donnees"))
            #expect(record.contains("<th scope=\"col\">Public</th>") && record.components(separatedBy: "<td>Demandeurs d’emploi</td>").count - 1 == 4)

            // Two of the job seeker's checks used, one of the checks handed out with no public (WebWorld's first booklet).
            let store = world.store
            let jobSeekers = try await store.read { tx in
                try await tx.sql.raw("SELECT id FROM checks WHERE target_public = 'job_seekers' ORDER BY id LIMIT 2").all().map { try $0.decode(column: "id", as: Int64.self) }
            }.compactMap(CheckSerial.init(number:))
            let used = (jobSeekers + [world.serialsA[0]]).map { PresentedCheck(serial: $0.grouped, code: world.store.secret.securityCode(for: $0).grouped) }
            #expect(try await world.store.validate(ValidationRequest(place: world.placeA, checks: used, category: .everydayTools, key: "k16")).accepted)

            let query = "?programme=\(world.programmeA)&periode=2026-03"
            let statement = Self.plain(try await funder.get("/financeur/cofinancement" + query))
            #expect(statement.contains("Chèques par public visé"))
            #expect(statement.contains("<td>Demandeurs d’emploi</td><td>4</td><td>40,00 €</td><td>2</td><td>20,00 €</td><td>66,67 %</td>"))
            #expect(statement.contains("<td>Personnes de 60 ans et plus</td><td>0</td>"))
            #expect(statement.contains("<td>Non renseigné</td><td>10</td><td>100,00 €</td><td>1</td><td>10,00 €</td><td>33,33 %</td>"))
            #expect(statement.contains("Demandeurs d’emploi : 2 chèques utilisés sur 3, 66,67 %"))

            let csv = try await funder.get("/financeur/cofinancement.csv" + query)
            let rows = csv.body.string.dropFirst().split(separator: "\r\n").map { $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init) }
            let handedOut = rows.filter { $0.first == "Remis par public" }, usedRows = rows.filter { $0.first == "Utilisés par public" }
            #expect(handedOut.map { $0[1] } == ["Demandeurs d’emploi", "Personnes de 60 ans et plus", "Non renseigné"])
            #expect(handedOut.map { $0[2] } == ["4", "0", "10"])
            #expect(usedRows.map { $0[1] } == ["Demandeurs d’emploi (66,67 %)", "Personnes de 60 ans et plus (0 %)", "Non renseigné (33,33 %)"])
            #expect(usedRows.map { $0[3] } == ["2000", "0", "1000"])
            // The parts add up to the totals of the same file.
            let totals = Dictionary(rows.filter { $0.first == "Chèques" }.map { ($0[1], $0) }, uniquingKeysWith: { first, _ in first })
            #expect(handedOut.compactMap { Int($0[2]) }.reduce(0, +) == Int(totals["Remis"]?[2] ?? ""))
            #expect(usedRows.compactMap { Int($0[2]) }.reduce(0, +) == Int(totals["Utilisés"]?[2] ?? ""))
            #expect(usedRows.compactMap { Int($0[3]) }.reduce(0, +) == Int(totals["Utilisés"]?[3] ?? ""))

            var admin = try await Browser.signedIn(world.app, as: try #require(world.a[.operatorAdmin]))
            let all = Self.plain(try await admin.get("/operateur/cofinancement?periode=2026-03"))
            #expect(all.contains("Demandeurs d’emploi : 2 chèques utilisés sur 3, 66,67 % ; Personnes de 60 ans et plus : 0 chèque utilisé sur 3, 0 %"))
        }
    }

    @Test("the API's hand-out takes an optional target_public the programme declares, and refuses any other in English",
          arguments: WebWorld.Database.allCases)
    func api(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            try await world.store.setTargetPublics([.aged60AndOver], programme: world.programmeA, actor: .system)
            let booklet = try await world.store.allocate(programme: world.programmeA, prescriber: world.prescriberA, booklets: 1, actor: .system)[0]
            let key = try await ApiTests.key(world, .prescriber(world.prescriberA), [.handOut])
            for code in ["job_seekers", "invented"] {
                let refused = try await ApiTests.call(world.app, .POST, "/api/v1/hand-outs", key: key,
                                                      body: #"{"booklet_id":\#(booklet),"beneficiary_id":\#(world.beneficiaryA),"checks":1,"target_public":"\#(code)"}"#)
                #expect(refused.status == .unprocessableEntity)
                #expect(try ApiTests.problem(refused) == "invalid-request")
                #expect(refused.body.string.contains("Invalid targetPublic"))
            }
            let handed = try await ApiTests.call(world.app, .POST, "/api/v1/hand-outs", key: key,
                                                 body: #"{"booklet_id":\#(booklet),"beneficiary_id":\#(world.beneficiaryA),"checks":2,"target_public":"aged_60_plus"}"#)
            #expect(handed.status == .created)
            let none = try await ApiTests.call(world.app, .POST, "/api/v1/hand-outs", key: key,
                                               body: #"{"booklet_id":\#(booklet),"beneficiary_id":\#(world.beneficiaryA),"checks":1}"#)
            #expect(none.status == .created)
            #expect(try await ApiTests.count(world.store, "SELECT COUNT(*) AS n FROM checks WHERE target_public = 'aged_60_plus'") == 2)
            #expect(try await ApiTests.count(world.store, "SELECT COUNT(*) AS n FROM checks WHERE booklet_id = \(booklet.rawValue) AND beneficiary_id IS NOT NULL") == 3)
        }
    }
}
