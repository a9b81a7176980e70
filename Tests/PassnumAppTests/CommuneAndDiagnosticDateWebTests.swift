import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("A person's commune chosen by name, postcode or INSEE code and shown by name; a diagnostic shown with its date")
struct CommuneAndDiagnosticDateWebTests {
    /// The communes published sites would teach: Bordeaux (two postcodes), two Saint-Denis, Lille.
    static func learnCommunes(_ world: WebWorld) async throws {
        try await world.store.transaction { tx in
            try await tx.recordCommunes(ofSites: [(code: "33063", name: "Bordeaux", postcode: "33000"), (code: "33063", name: "Bordeaux", postcode: "33800"),
                                                  (code: "93066", name: "Saint-Denis", postcode: "93200"), (code: "97411", name: "Saint-Denis", postcode: "97400"),
                                                  (code: "59350", name: "Lille", postcode: "59000")])
        }
    }

    /// The prescriber's agent of organisation A on the home page (its form's token in hand), the communes learnt.
    static func agent(_ world: WebWorld) async throws -> Browser {
        try await learnCommunes(world)
        var agent = try await Browser.signedIn(world.app, as: world.a[.prescriberAgent]!)
        _ = try await agent.get("/prescripteur")
        return agent
    }

    static func person(_ commune: String, extra: [(String, String)] = []) -> [(String, String)] {
        [("firstName", "Lucie"), ("lastName", "Bernard"), ("birthYear", "1948"), ("commune", commune), ("consent", "oui")] + extra
    }

    static func people(_ world: WebWorld) async throws -> [String] {
        try await world.store.read { tx in
            try await tx.sql.raw("SELECT commune FROM beneficiaries WHERE last_name = 'Bernard' ORDER BY id").all().map { try $0.string("commune") }
        }
    }

    @Test("After recording, the person's page gives the diagnostic's date with its level; an older level without a date shows the level alone",
          arguments: WebWorld.Database.allCases)
    func diagnosticDate(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            world.clock.advance(seconds: 86_400 * 3)
            var agent = try await Browser.signedIn(world.app, as: world.a[.prescriberAgent]!)
            _ = try await agent.get("/prescripteur")
            let path = "/prescripteur/beneficiaires/\(world.beneficiaryA)"
            #expect(try await agent.post(path + "/diagnostic", (0..<Diagnostic.questions.count).map { ("q\($0)", "1") }).status == .seeOther)
            var page = try await agent.get(path).body.string
            #expect(page.contains("Diagnostic du 5 mars 2026\u{00A0}: niveau 2 sur 4, fait ses premiers pas."))
            #expect(try await agent.get("/prescripteur").body.string.contains("fait ses premiers pas, le 5"))

            try await world.store.transaction { tx in try await tx.sql.raw("UPDATE beneficiaries SET diagnostic_at = NULL").run() }
            page = try await agent.get(path).body.string
            #expect(page.contains("Niveau 2 sur 4\u{00A0}: fait ses premiers pas.") && !page.contains("Diagnostic du"))
        }
    }

    @Test("A commune by INSEE code, by a postcode of one commune or by a name one commune has is recorded and shown by its name",
          arguments: WebWorld.Database.allCases)
    func communeFound(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var agent = try await Self.agent(world)
            let home = try await agent.get("/prescripteur").body.string
            #expect(home.contains(">Commune</label>") && home.contains("Nom, code postal ou code INSEE."))
            for typed in ["33063", "33800", "bordeaux"] {
                let response = try await agent.post("/prescripteur/beneficiaires", Self.person(typed))
                #expect(response.status == .seeOther)
                let page = try await agent.get(try #require(response.headers.first(name: .location))).body.string
                #expect(page.contains("<p>Bordeaux, née ou né en 1948.</p>"))
            }
            #expect(try await Self.people(world) == ["33063", "33063", "33063"])
        }
    }

    @Test("A code the platform does not know (maybe a postcode) comes back as one radio, not ticked; ticked, it is recorded",
          arguments: WebWorld.Database.allCases)
    func unknownCodeConfirmed(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var agent = try await Self.agent(world)
            // "75011" is a postcode of Paris 11e (INSEE 75111): typed alone, nothing is recorded.
            var response = try await agent.post("/prescripteur/beneficiaires", Self.person("75011"))
            #expect(response.status == .unprocessableEntity)
            var body = response.body.string
            #expect(body.contains("Vérifiez que c’est le code INSEE de la commune et non son code postal."))
            #expect(body.contains("Code INSEE 75011 (commune que la plateforme ne connaît pas encore)"))
            #expect(body.components(separatedBy: "name=\"communeCode\"").count == 2)
            #expect(body.contains("name=\"communeCode\" value=\"75011\"") && !body.contains("value=\"75011\" checked"))
            #expect(try await Self.people(world).isEmpty)

            // Ticked, but the consent forgotten: it stays ticked.
            response = try await agent.post("/prescripteur/beneficiaires", Self.person("75011", extra: [("communeCode", "75011")]).filter { $0.0 != "consent" })
            #expect(response.status == .unprocessableEntity)
            body = response.body.string
            #expect(body.contains("name=\"communeCode\" value=\"75011\" checked"))
            #expect(try await Self.people(world).isEmpty)

            // Ticked: recorded with that code, shown as a code.
            response = try await agent.post("/prescripteur/beneficiaires", Self.person("75011", extra: [("communeCode", "75011")]))
            #expect(response.status == .seeOther)
            #expect(try await Self.people(world) == ["75011"])
            #expect(try await agent.get(try #require(response.headers.first(name: .location))).body.string.contains("<p>Commune 75011, née ou né en 1948.</p>"))
        }
    }

    @Test("A name several communes have comes back with them to choose from; the chosen one is recorded", arguments: WebWorld.Database.allCases)
    func communeChosen(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var agent = try await Self.agent(world)
            var response = try await agent.post("/prescripteur/beneficiaires", Self.person("Saint-Denis"))
            #expect(response.status == .unprocessableEntity)
            var body = response.body.string
            #expect(body.contains("Plusieurs communes correspondent\u{00A0}: choisissez la bonne dans la liste."))
            #expect(body.contains("<legend>Quelle commune\u{202F}?</legend>"))
            #expect(body.contains("name=\"communeCode\" value=\"93066\"") && body.contains("Saint-Denis (93200) – code INSEE 93066"))
            #expect(body.contains("name=\"communeCode\" value=\"97411\"") && body.contains("Saint-Denis (97400) – code INSEE 97411"))
            #expect(body.contains("value=\"Saint-Denis\"") && !body.contains("name=\"communeCode\" value=\"93066\" checked"))
            #expect(try await Self.people(world).isEmpty)

            // Chosen, but the consent forgotten: the choice is kept as its code.
            response = try await agent.post("/prescripteur/beneficiaires", Self.person("Saint-Denis", extra: [("communeCode", "97411")]).filter { $0.0 != "consent" })
            #expect(response.status == .unprocessableEntity)
            body = response.body.string
            #expect(body.contains("name=\"commune\" value=\"97411\"") && !body.contains("Quelle commune"))
            response = try await agent.post("/prescripteur/beneficiaires", Self.person("Saint-Denis", extra: [("communeCode", "97411")]))
            #expect(response.status == .seeOther)
            #expect(try await Self.people(world) == ["97411"])
            #expect(try await agent.get(try #require(response.headers.first(name: .location))).body.string.contains("<p>Saint-Denis, née ou né en 1948.</p>"))
        }
    }

    @Test("A ticked commune is taken by its code, even when that code is also another commune's postcode", arguments: WebWorld.Database.allCases)
    func chosenCodeIsNoPostcode(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var agent = try await Self.agent(world)
            // 13001 is the INSEE code of Aix-en-Provence and a postcode of Marseille: typed, it names both.
            try await world.store.transaction { tx in
                try await tx.recordCommunes(ofSites: [(code: "13001", name: "Aix-en-Provence", postcode: "13090"),
                                                      (code: "13055", name: "Marseille", postcode: "13001")])
            }
            var response = try await agent.post("/prescripteur/beneficiaires", Self.person("13001"))
            #expect(response.status == .unprocessableEntity && response.body.string.contains("name=\"communeCode\" value=\"13055\""))
            response = try await agent.post("/prescripteur/beneficiaires", Self.person("13001", extra: [("communeCode", "13001")]))
            #expect(response.status == .seeOther)
            #expect(try await Self.people(world) == ["13001"])
        }
    }

    @Test("A commune nobody knows, or none, gets a French error saying what to type, and nobody is recorded", arguments: WebWorld.Database.allCases)
    func communeUnknown(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var agent = try await Self.agent(world)
            var response = try await agent.post("/prescripteur/beneficiaires", Self.person("Lyon"))
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("Commune inconnue\u{00A0}: tapez son nom, son code postal (5 chiffres) ou son code INSEE."))
            response = try await agent.post("/prescripteur/beneficiaires", Self.person("  "))
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("Indiquez la commune\u{00A0}: son nom, son code postal ou son code INSEE."))
            #expect(try await Self.people(world).isEmpty)
        }
    }
}
