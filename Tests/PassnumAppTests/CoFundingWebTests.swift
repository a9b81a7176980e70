import Foundation
@testable import PassnumApp
import PassnumDomain
import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// The co-funding statement's pages and CSV, and the diagnostic grid's page.
@Suite("Co-funding statement and diagnostic grid on the web")
struct CoFundingWebTests {
    @Test("the funder's statement page and its CSV give the same figures; the operator sees every funder", arguments: WebWorld.Database.allCases)
    func statementAndCSV(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            let codes = world.serialsA.prefix(3).map { PresentedCheck(serial: $0.grouped, code: world.store.secret.securityCode(for: $0).grouped) }
            #expect(try await world.store.validate(ValidationRequest(place: world.placeA, checks: codes, category: .everydayTools, key: "k")).accepted)
            var funder = try await Browser.signedIn(world.app, as: try #require(world.a[.funderManager]))
            let query = "?programme=\(world.programmeA)&periode=2026-03"
            let page = try await funder.get("/financeur/cofinancement" + query)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Relevé de cofinancement") && html.contains("mars 2026") && html.contains("Empreinte actuelle du journal"))

            let csv = try await funder.get("/financeur/cofinancement.csv" + query)
            #expect(csv.status == .ok)
            #expect(csv.headers.first(name: .contentDisposition)?.contains("cofinancement-\(world.programmeA)-2026-03.csv") == true)
            let rows = csv.body.string.dropFirst().split(separator: "\r\n").map { $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init) }
            #expect(rows.first == ["Rubrique", "Libellé", "Chèques", "Montant (centimes)", "Montant (euros)"])
            let checks = rows.filter { $0.first == "Chèques" }
            // 2 booklets of 10 bought, one booklet handed out, 3 checks used, at 10 € each.
            #expect(checks.map { $0[1] } == ["Achetés (émis)", "Remis", "Utilisés"])
            #expect(checks.map { $0[2] } == ["20", "10", "3"])
            #expect(checks.map { $0[3] } == ["20000", "10000", "3000"])
            #expect(rows.filter { $0.first == "Cofinanceur" } == [["Cofinanceur", "État (100 %)", "", "3000", "30,00"]])
            // The page shows each of the CSV's figures in the same row, and the same seal.
            for row in checks {
                let cents = try #require(Int64(row[3]))
                #expect(html.contains("<td>\(row[1])</td><td>\(row[2])</td><td>\(money(Money(cents: cents)))</td>"), "\(row)")
            }
            let seal = try #require(rows.first { $0.first == "Empreinte du journal" }?[1])
            #expect(seal.count == 64 && html.contains(seal))

            // The printable file, and refusals in French.
            let file = try await funder.get("/financeur/cofinancement" + query + "&telecharger=1")
            #expect(file.headers.first(name: .contentDisposition)?.hasPrefix("attachment") == true)
            let badPeriod = try await funder.get("/financeur/cofinancement?periode=2026-T9")
            #expect(badPeriod.status == .unprocessableEntity && badPeriod.body.string.contains("Indiquez une période entre 2000 et 2100"))
            #expect(try await funder.get("/financeur/cofinancement.csv?periode=20266").status == .badRequest)
            let foreign = try await funder.get("/financeur/cofinancement?programme=\(world.programmeB)&periode=2026")
            #expect(foreign.status == .unprocessableEntity && foreign.body.string.contains("Choisissez un de vos programmes."))
            #expect(!foreign.body.string.contains("Programme secret B"))
            #expect(try await funder.get("/financeur/cofinancement.csv?programme=\(world.programmeB)&periode=2026").status == .notFound)

            var admin = try await Browser.signedIn(world.app, as: try #require(world.a[.operatorAdmin]))
            let all = try await admin.get("/operateur/cofinancement?periode=2026-T1")
            #expect(all.status == .ok)
            #expect(all.body.string.contains("Programme secret A") && all.body.string.contains("Programme secret B"))
            #expect(all.body.string.contains("<td>Programme secret A</td><td>20</td><td>10</td><td>3</td>"))
            #expect(try await admin.get("/operateur/cofinancement?periode=T4").status == .unprocessableEntity)
        }
    }

    @Test("the funder edits a programme's grid until its first hand-out, with French refusals", arguments: WebWorld.Database.allCases)
    func grid(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            let fresh = try await world.store.createProgramme(funder: world.funderA, terms: ProgrammeTerms(
                name: "Programme neuf", validFrom: CivilDate("2026-03-01")!, validUntil: CivilDate("2026-06-30")!,
                perimeter: Perimeter(departements: [DepartementCode("59")!]), shares: [CoFundingShare(cofunder: "État", percent: 100)],
                maxChecksPerBeneficiary: 8))
            var funder = try await Browser.signedIn(world.app, as: try #require(world.a[.funderManager]))
            let programmes = try await funder.get("/financeur/programmes")
            #expect(programmes.body.string.contains("/financeur/programmes/\(fresh)/diagnostic"))
            let path = "/financeur/programmes/\(fresh)/diagnostic"
            #expect(try await funder.get(path).body.string.contains("Enregistrer la grille"))
            func fields(_ ceilings: [String], _ advised: [String]) -> [(String, String)] {
                ceilings.enumerated().map { ("seuil\($0.offset + 1)", $0.element) } + advised.enumerated().map { ("conseil\($0.offset + 1)", $0.element) }
            }
            let notIncreasing = try await funder.post(path, fields(["5", "5", "15"], ["8", "6", "4", "2"]))
            #expect(notIncreasing.status == .unprocessableEntity)
            #expect(notIncreasing.body.string.contains("chaque seuil doit être plus grand que le précédent."))
            try await funder.get(path)
            let tooMany = try await funder.post(path, fields(["5", "10", "15"], ["10", "6", "4", "2"]))
            #expect(tooMany.status == .unprocessableEntity && tooMany.body.string.contains("indiquez un nombre entre 1 et 8."))
            try await funder.get(path)
            let words = try await funder.post(path, fields(["cinq", "10", "15"], ["8", "6", "4", "2"]))
            #expect(words.status == .unprocessableEntity && words.body.string.contains("Indiquez un nombre de points entre 0 et 19."))
            try await funder.get(path)
            #expect(try await funder.post(path, fields(["3", "9", "17"], ["8", "6", "4", "2"])).status == .seeOther)
            #expect(try await world.store.programme(fresh).diagnosticGrid == DiagnosticGrid(ceilings: [3, 9, 17], recommended: [8, 6, 4, 2]))

            // Programme A has handed out checks: its grid is read-only; another funder's programme is not found.
            let handedOut = try await funder.get("/financeur/programmes/\(world.programmeA)/diagnostic")
            #expect(handedOut.body.string.contains("la grille ne peut plus changer") && !handedOut.body.string.contains("Enregistrer la grille"))
            #expect(try await funder.post("/financeur/programmes/\(world.programmeA)/diagnostic", fields(["3", "9", "17"], ["8", "6", "4", "2"]))
                .body.string.contains("Des chèques de ce programme ont déjà été remis"))
            #expect(try await funder.get("/financeur/programmes/\(world.programmeB)/diagnostic").status == .notFound)
        }
    }
}
