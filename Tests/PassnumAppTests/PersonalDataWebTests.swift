import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

@Suite("Personal data pages: the public notice, a person's record, erasure")
struct PersonalDataWebTests {
    @Test("Anyone reads the personal data page, linked from every page's footer")
    func publicNotice() async throws {
        try await WebWorld.with { world in
            var visitor = Browser(world.app)
            #expect(try await visitor.get("/").body.string.contains("href=\"/donnees-personnelles\""))
            let page = try await visitor.get("/donnees-personnelles")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("24 mois après la fin du programme") && page.body.string.contains("jamais votre nom"))
        }
    }

    @Test("A prescriber prints everything held on one of their people, and not on another prescriber's")
    func record() async throws {
        try await WebWorld.with { world in
            var agent = try await Browser.signedIn(world.app, as: world.a[.prescriberAgent]!)
            let person = try await agent.get("/prescripteur/beneficiaires/\(world.beneficiaryA)").body.string
            #expect(person.contains("href=\"/prescripteur/beneficiaires/\(world.beneficiaryA)/donnees\"") && person.contains("Effacer les données"))
            let record = try await agent.get("/prescripteur/beneficiaires/\(world.beneficiaryA)/donnees")
            #expect(record.status == .ok)
            let body = record.body.string
            #expect(body.contains("Secrète A") && body.contains("1950") && body.contains("59350") && body.contains("Prescripteur A"))
            #expect(world.serialsA.allSatisfy { body.contains($0.grouped) } && body.contains("Programme secret A") && body.contains("Financeur A"))
            #expect(body.contains("Pas gardées") && body.contains("Télécharger ce document"))
            let file = try await agent.get("/prescripteur/beneficiaires/\(world.beneficiaryA)/donnees?telecharger=1")
            #expect(file.headers.first(name: .contentDisposition)?.contains("donnees-personne-\(world.beneficiaryA).html") == true)
            #expect(try await agent.get("/prescripteur/beneficiaires/\(world.beneficiaryB)/donnees").status == .notFound)
        }
    }

    @Test("Erasure goes through its confirmation page, is refused while a check is usable (as an alert), then replaces the name",
          arguments: WebWorld.Database.allCases)
    func erasure(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var agent = try await Browser.signedIn(world.app, as: world.a[.prescriberAgent]!)
            let path = "/prescripteur/beneficiaires/\(world.beneficiaryA)"
            try await agent.get(path)
            var response = try await agent.post(path + "/effacement", [])
            #expect(response.status == .seeOther && response.headers.first(name: .location) == path + "/effacement")
            let confirmation = try await agent.get(path + "/effacement").body.string
            #expect(confirmation.contains("Effacer les données de Personne Secrète A") && confirmation.contains("<dt>Personne</dt><dd>Personne Secrète A</dd>"))
            #expect(confirmation.contains("<dt>Chèques reçus</dt><dd>\(world.serialsA.count)</dd>"))
            #expect(confirmation.contains("name=\"confirme\" value=\"oui\"") && confirmation.contains("href=\"\(path)\">Annuler</a>"))
            #expect(try await world.store.beneficiary(world.beneficiaryA, of: world.prescriberA)?.lastName == "Secrète A", "nothing before Confirmer")
            response = try await agent.post(path + "/effacement", [("confirme", "oui")])
            #expect(response.status == .unprocessableEntity && response.body.string.contains("encore des chèques utilisables"))
            #expect(response.body.string.contains("class=\"errors\" role=\"alert\""))
            #expect(try await world.store.beneficiary(world.beneficiaryA, of: world.prescriberA)?.lastName == "Secrète A")

            try await world.store.oppose(world.serialsA, reason: .lost, actor: Actor("agent", organisation: .prescriber(world.prescriberA)))
            response = try await agent.post(path + "/effacement", [("confirme", "oui")])
            #expect(response.status == .seeOther)
            let page = try await agent.get(path).body.string
            #expect(page.contains("Données effacées") && page.contains("#\(world.beneficiaryA)") && !page.contains("Secrète A"))
            #expect(try await agent.get(path + "/donnees").body.string.contains("Effacé le"))
            // Another prescriber does not even see the person.
            var other = try await Browser.signedIn(world.app, as: world.b[.prescriberAgent]!)
            try await other.get("/prescripteur")
            #expect(try await other.post(path + "/effacement", [("confirme", "oui")]).status == .notFound)
            #expect(try await other.get(path + "/effacement").status == .notFound)
        }
    }
}
