import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

@Suite("The diagnostic on a person's page: nothing answered in advance, a recorded level in words, redone only on purpose")
struct DiagnosticWebTests {
    @Test("A new diagnostic has no answer chosen; unanswered questions are listed and the answers given stay chosen",
          arguments: WebWorld.Database.allCases)
    func unanswered(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var agent = try await Browser.signedIn(world.app, as: world.a[.prescriberAgent]!)
            let path = "/prescripteur/beneficiaires/\(world.beneficiaryA)"
            let page = try await agent.get(path).body.string
            #expect(page.contains("name=\"q0\"") && page.contains("name=\"q9\""))
            #expect(!page.contains("checked"))
            #expect(!page.contains("Refaire le diagnostic"))

            // Questions 1 and 4 answered, the others not (one with an answer that is not one of the choices).
            let response = try await agent.post(path + "/diagnostic", [("q0", "2"), ("q3", "1"), ("q5", "7")])
            #expect(response.status == .unprocessableEntity)
            let body = response.body.string
            #expect(body.contains("8 informations sont à corriger"))
            for question in [2, 3, 5, 6, 7, 8, 9, 10] {
                #expect(body.contains("<a href=\"#q\(question - 1)\">Question \(question)\u{00A0}: choisissez une réponse.</a>"))
                #expect(body.contains("id=\"q\(question - 1)-erreur\""))
            }
            #expect(!body.contains("<a href=\"#q0\">") && !body.contains("<a href=\"#q3\">"))
            #expect(body.contains("id=\"q0-2\" name=\"q0\" value=\"2\" required=\"\" checked=\"\""))
            #expect(body.contains("id=\"q3-1\" name=\"q3\" value=\"1\" required=\"\" checked=\"\""))
            #expect(body.components(separatedBy: "checked").count - 1 == 2)
            #expect(try await world.store.beneficiary(world.beneficiaryA, of: world.prescriberA)?.level == nil)
        }
    }

    @Test("A recorded level is shown in words with its advised checks, the hand-out first, and no form until the prescriber asks to redo it",
          arguments: WebWorld.Database.allCases)
    func recordedLevel(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var agent = try await Browser.signedIn(world.app, as: world.a[.prescriberAgent]!)
            let path = "/prescripteur/beneficiaires/\(world.beneficiaryA)"
            var page = try await agent.get(path).body.string
            // Without a level, the diagnostic comes before the hand-out.
            #expect(try #require(page.range(of: "id=\"diagnostic\"")).lowerBound < (try #require(page.range(of: "Remettre des chèques")).lowerBound))

            // Every answer "with help": score 10, level 2 by the standard grid.
            let answers = (0..<Diagnostic.questions.count).map { ("q\($0)", "1") }
            let response = try await agent.post(path + "/diagnostic", answers)
            #expect(response.status == .seeOther)
            #expect(try await world.store.beneficiary(world.beneficiaryA, of: world.prescriberA)?.level == 2)
            page = try await agent.get(path).body.string
            #expect(page.contains("Diagnostic enregistré\u{00A0}: niveau 2 sur 4, fait ses premiers pas."))
            #expect(page.contains("Diagnostic du 2 mars 2026\u{00A0}: niveau 2 sur 4, fait ses premiers pas."))
            #expect(page.contains("Nombre de chèques conseillé\u{00A0}: 8."))
            #expect(!page.contains("name=\"q0\"") && !page.contains("Calculer le niveau"))
            #expect(page.contains("Refaire le diagnostic") && page.contains("name=\"refaire\" value=\"1\""))
            // Once the level is known, the hand-out comes first.
            #expect(try #require(page.range(of: "Remettre des chèques")).lowerBound < (try #require(page.range(of: "id=\"diagnostic\"")).lowerBound))

            // Redoing opens an empty form, says why it is empty, and keeps the level until a new one is computed.
            page = try await agent.get(path + "?refaire=1").body.string
            #expect(page.contains("Les réponses ne sont pas gardées\u{00A0}: seul le niveau l’est."))
            #expect(page.contains("name=\"q0\"") && page.contains("Calculer le niveau") && !page.contains("checked"))
            #expect(page.contains("Diagnostic du 2 mars 2026\u{00A0}: niveau 2 sur 4, fait ses premiers pas."))
            let incomplete = try await agent.post(path + "/diagnostic", [("q0", "2")])
            #expect(incomplete.status == .unprocessableEntity && incomplete.body.string.contains("Les réponses ne sont pas gardées"))
            #expect(try await world.store.beneficiary(world.beneficiaryA, of: world.prescriberA)?.level == 2)
            #expect(try await agent.post(path + "/diagnostic", (0..<Diagnostic.questions.count).map { ("q\($0)", "2") }).status == .seeOther)
            #expect(try await agent.get(path).body.string.contains("Diagnostic du 2 mars 2026\u{00A0}: niveau 4 sur 4, presque autonome."))
            #expect(try await agent.get("/prescripteur").body.string.contains("Niveau 4 sur 4\u{00A0}: presque autonome"))

            // Another prescriber's person is not found, whatever the answers.
            #expect(try await agent.post("/prescripteur/beneficiaires/\(world.beneficiaryB)/diagnostic", []).status == .notFound)
        }
    }

    @Test("Each level has its words, from far from digital to almost autonomous")
    func levelWords() {
        #expect(Diagnostic.levels.map(French.level) == [
            "Niveau 1 sur 4 : loin du numérique", "Niveau 2 sur 4 : fait ses premiers pas",
            "Niveau 3 sur 4 : se débrouille avec de l’aide", "Niveau 4 sur 4 : presque autonome",
        ])
    }

    @Test("On the prescriber's home, the new person's form comes before the list", arguments: WebWorld.Database.allCases)
    func homeOrder(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var agent = try await Browser.signedIn(world.app, as: world.a[.prescriberAgent]!)
            let page = try await agent.get("/prescripteur").body.string
            let form = try #require(page.range(of: "Nouvelle personne")).lowerBound
            #expect(form < (try #require(page.range(of: "Trouver une personne")).lowerBound))
            #expect(form < (try #require(page.range(of: "Mes bénéficiaires")).lowerBound))
        }
    }
}
