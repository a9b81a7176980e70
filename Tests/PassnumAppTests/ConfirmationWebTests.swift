import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// Issue 17 item 4, the rest: revoking a key, deactivating an account, noting payout batches, the steps of an order
/// with no way back and refusing bank details each show what will happen first (GET, or a POST without `confirme=oui`,
/// changes nothing) and happen only after "Confirmer"; refusals come back as alerts. On SQLite and PostgreSQL.
@Suite("Confirmation pages of the irreversible actions")
struct ConfirmationWebTests {
    typealias Database = WebWorld.Database

    /// Posts `form` without the confirmation: answered by a redirect to the confirmation page, which is returned.
    static func confirmationPage(_ browser: inout Browser, _ path: String, _ form: [(String, String)]) async throws -> (location: String, body: String) {
        let posted = try await browser.post(path, form)
        #expect(posted.status == .seeOther)
        let location = try #require(posted.headers.first(name: .location))
        #expect(location.hasPrefix(path), "\(location) is the action's own address")
        let page = try await browser.get(location)
        #expect(page.status == .ok)
        let body = page.body.string
        #expect(body.contains("name=\"confirme\" value=\"oui\"") && body.contains("name=\"_csrf\"") && body.contains(">Annuler</a>"))
        return (location, body)
    }

    @Test("Revoking an API key shows the key first; it stops working only after Confirmer", arguments: Database.allCases)
    func apiKeyRevocation(database: Database) async throws {
        try await WebWorld.with(database) { world in
            let manager = Actor(world.a[.placeManager]!, organisation: .place(world.placeA))
            let key = try await world.store.createApiKey(name: "Caisse du lieu", scopes: [.validate], organisation: .place(world.placeA), actor: manager).key
            var browser = try await Browser.signedIn(world.app, as: world.a[.placeManager]!)
            try await browser.get("/cles-api")
            let (_, page) = try await Self.confirmationPage(&browser, "/cles-api/\(key.id)/revocation", [])
            #expect(page.contains("Révoquer la clé «\u{00A0}Caisse du lieu\u{00A0}»\u{202F}?") && page.contains("<dd>\(key.prefix)…</dd>"))
            #expect(page.contains("<dd>jamais</dd>") && page.contains("href=\"/cles-api\">Annuler</a>"))
            #expect(try await world.store.apiKeys(of: .place(world.placeA)).first { $0.id == key.id }?.revokedAt == nil)
            #expect(try await browser.post("/cles-api/\(key.id)/revocation", [("confirme", "oui")]).status == .seeOther)
            #expect(try await world.store.apiKeys(of: .place(world.placeA)).first { $0.id == key.id }?.revokedAt != nil)
            // Asked again once revoked: said as an error.
            let again = try await browser.get("/cles-api/\(key.id)/revocation")
            #expect(again.status == .seeOther)
            let list = try await browser.get("/cles-api").body.string
            #expect(list.contains("class=\"errors\" role=\"alert\"") && list.contains("Cette clé est déjà révoquée."))
            // Another place's key has no confirmation page (revoking it is refused in ApiTests).
            #expect(try await browser.get("/cles-api/\(world.apiKeyB)/revocation").status == .notFound)
        }
    }

    @Test("Deactivating a member names them and the keys that go with them; a missing reason is an alert before the page",
          arguments: Database.allCases)
    func deactivation(database: Database) async throws {
        try await WebWorld.with(database) { world in
            let agentEmail = world.a[.placeAgent]!
            let agent = try #require(try await world.store.accounts(of: .place(world.placeA), emailPrefix: agentEmail, .first).rows.first)
            _ = try await world.store.createApiKey(name: "Tablette", scopes: [.validate], organisation: .place(world.placeA),
                                                   actor: Actor(agentEmail, organisation: .place(world.placeA)))
            var manager = try await Browser.signedIn(world.app, as: world.a[.placeManager]!)
            try await manager.get("/equipe")
            #expect(try await manager.post("/equipe/\(agent.id)/depart", [("reason", " ")]).status == .seeOther)
            let refused = try await manager.get("/equipe").body.string
            #expect(refused.contains("class=\"errors\" role=\"alert\"") && refused.contains("Compte non désactivé"))
            try await manager.get("/equipe")
            let (location, page) = try await Self.confirmationPage(&manager, "/equipe/\(agent.id)/depart", [("reason", "A quitté le lieu")])
            #expect(location.contains("reason="))
            #expect(page.contains("<dt>Personne</dt><dd>\(agent.name)</dd>") && page.contains("<dd>\(agentEmail)</dd>"))
            #expect(page.contains("<dt>Clés API révoquées avec le compte</dt><dd>1</dd>") && page.contains("<dd>A quitté le lieu</dd>"))
            #expect(page.contains("href=\"/equipe\">Annuler</a>"))
            #expect(try await world.store.accounts(of: .place(world.placeA), emailPrefix: agentEmail, .first).rows.first?.state == .active)
            #expect(try await manager.post("/equipe/\(agent.id)/depart", [("reason", "A quitté le lieu"), ("confirme", "oui")]).status == .seeOther)
            #expect(try await world.store.accounts(of: .place(world.placeA), emailPrefix: agentEmail, .first).rows.first?.state == .deactivated)
            // Another organisation's member: not found on the page.
            #expect(try await manager.get("/equipe/\(world.managerB)/depart?reason=x").status == .notFound)

            // The operator's list asks the same, for any account.
            let agentB = try #require(try await world.store.accounts(of: .place(world.placeB), emailPrefix: world.b[.placeAgent]!, .first).rows.first)
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            try await admin.get("/operateur/comptes")
            let (_, adminPage) = try await Self.confirmationPage(&admin, "/operateur/comptes/\(agentB.id)/desactivation", [("reason", "Départ")])
            #expect(adminPage.contains("<dt>Structure</dt><dd>Lieu B</dd>") && adminPage.contains("href=\"/operateur/comptes\">Annuler</a>"))
            #expect(try await world.store.accounts(of: .place(world.placeB), emailPrefix: world.b[.placeAgent]!, .first).rows.first?.state == .active)
            #expect(try await admin.post("/operateur/comptes/\(agentB.id)/desactivation", [("reason", "Départ"), ("confirme", "oui")]).status == .seeOther)
            #expect(try await world.store.accounts(of: .place(world.placeB), emailPrefix: world.b[.placeAgent]!, .first).rows.first?.state == .deactivated)
        }
    }

    @Test("Noting a batch as handed to the bank, then as executed, shows its places, amount and date first", arguments: Database.allCases)
    func payoutBatches(database: Database) async throws {
        try await WebWorld.with(database) { world in
            var admin = try await world.operatorPaidMarch(checks: 3)
            let batch = try #require(try await world.store.payoutBatches().first)
            try await admin.get("/operateur/remboursements")
            let (_, exported) = try await Self.confirmationPage(&admin, "/operateur/virements/\(batch.id)/transmis", [])
            #expect(exported.contains("<dt>Lieux payés</dt><dd>1</dd>") && exported.contains("<dt>Montant viré</dt><dd>30,00\u{00A0}€</dd>"))
            #expect(exported.contains("<dt>Mois</dt><dd>mars 2026</dd>"))
            #expect(try await world.store.payoutBatches().first?.state == .prepared)
            #expect(try await admin.post("/operateur/virements/\(batch.id)/transmis", [("confirme", "oui")]).status == .seeOther)
            #expect(try await world.store.payoutBatches().first?.state == .exported)

            try await admin.get("/operateur/remboursements")
            // A date that is no date is refused before the page, as an alert.
            try await admin.post("/operateur/virements/\(batch.id)/execute", [("date", "demain")])
            #expect(try await admin.get("/operateur/remboursements").body.string.contains("class=\"errors\" role=\"alert\""))
            let (location, settled) = try await Self.confirmationPage(&admin, "/operateur/virements/\(batch.id)/execute", [("date", "2026-04-02")])
            #expect(location.hasSuffix("?date=2026-04-02"))
            #expect(settled.contains("<dt>Date des virements à la banque</dt><dd>2 avril 2026</dd>") && settled.contains("name=\"date\" value=\"2026-04-02\""))
            #expect(try await world.store.payoutBatches().first?.state == .exported)
            #expect(try await admin.post("/operateur/virements/\(batch.id)/execute", [("date", "2026-04-02"), ("confirme", "oui")]).status == .seeOther)
            #expect(try await world.store.payoutBatches().first?.state == .settled)
            #expect(try await world.store.verify().isEmpty)
            #expect(try await admin.get("/operateur/virements/999/transmis").status == .notFound)
        }
    }

    @Test("Cancelling an order, by the funder or the operator, and issuing its booklets show the order's figures first",
          arguments: Database.allCases)
    func orders(database: Database) async throws {
        try await WebWorld.with(database) { world in
            let order = try await world.store.createOrder(programme: world.programmeA, booklets: 3, actor: .system)
            var funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            try await funder.get("/financeur/commandes")
            let (_, page) = try await Self.confirmationPage(&funder, "/financeur/commandes/\(order)/etape", [("etape", "cancelled")])
            let terms = try await world.store.programme(world.programmeA).terms
            #expect(page.contains("Annuler la commande n° \(order)\u{202F}?"))
            #expect(page.contains("<dt>Programme</dt><dd>Programme secret A</dd>") && page.contains("<dt>Carnets</dt><dd>3</dd>"))
            #expect(page.contains("<dt>Chèques</dt><dd>\(3 * terms.checksPerBooklet)</dd>") && page.contains("name=\"etape\" value=\"cancelled\""))
            #expect(try await world.store.order(order).state == .draft)
            // Accepting a quote can still be cancelled: no confirmation; another funder's order is not found.
            #expect(try await funder.get("/financeur/commandes/\(order)/etape?etape=signed").status == .badRequest)
            // Invoicing is the operator's step: a funder is not asked to confirm it.
            #expect(try await funder.get("/financeur/commandes/\(order)/etape?etape=invoiced").status == .badRequest)
            #expect(try await funder.get("/financeur/commandes/\(world.orderB)/etape?etape=cancelled").status == .notFound)
            #expect(try await funder.post("/financeur/commandes/\(order)/etape", [("etape", "cancelled"), ("confirme", "oui")]).status == .seeOther)
            #expect(try await world.store.order(order).state == .cancelled)

            // The operator issuing booklets of a paid order.
            let paid = try await world.store.createOrder(programme: world.programmeA, booklets: 1, actor: .system)
            try await world.store.carry(paid, to: .paid)
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            try await admin.get("/operateur/commandes/\(paid)")
            let (_, issue) = try await Self.confirmationPage(&admin, "/operateur/commandes/\(paid)/etape", [("etape", "fulfilled")])
            #expect(issue.contains("Émettre les carnets") && issue.contains("<dt>Après confirmation</dt><dd>Carnets émis</dd>"))
            #expect(issue.contains("href=\"/operateur/commandes/\(paid)\">Annuler</a>"))
            #expect(try await world.store.order(paid).state == .paid)
            #expect(try await admin.post("/operateur/commandes/\(paid)/etape", [("etape", "fulfilled"), ("confirme", "oui")]).status == .seeOther)
            #expect(try await world.store.order(paid).state == .fulfilled)
            // A step that is not possible, confirmed: refused as an alert on the order's page.
            try await admin.get("/operateur/commandes/\(paid)")
            try await admin.post("/operateur/commandes/\(paid)/etape", [("etape", "cancelled"), ("confirme", "oui")])
            let refused = try await admin.get("/operateur/commandes/\(paid)").body.string
            #expect(refused.contains("class=\"errors\" role=\"alert\"") && refused.contains("Non fait"))
        }
    }

    @Test("Refusing bank details shows the place, the masked IBAN and the reason first; verifying needs no page", arguments: Database.allCases)
    func bankRejection(database: Database) async throws {
        try await WebWorld.with(database) { world in
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            try await admin.get("/operateur/lieux/\(world.placeB)")
            let path = "/operateur/banque/\(world.bankChangeB)/decision"
            let (_, page) = try await Self.confirmationPage(&admin, path, [("decision", "reject"), ("reason", "RIB illisible")])
            #expect(page.contains("<dt>Lieu</dt><dd>Lieu B</dd>") && page.contains("<dd>RIB illisible</dd>") && page.contains("<dd>compte de B</dd>"))
            #expect(!page.contains("FR7630001007941234567890185"), "the IBAN is masked")
            #expect(page.contains("href=\"/operateur/lieux/\(world.placeB)\">Annuler</a>"))
            #expect(try await world.store.bankDetailsChange(world.bankChangeB)?.state == .pending)
            #expect(try await admin.post(path, [("decision", "reject"), ("reason", "RIB illisible"), ("confirme", "oui")]).status == .seeOther)
            #expect(try await world.store.bankDetailsChange(world.bankChangeB)?.state == .rejected)
            // Decided already: confirmed again, refused as an alert.
            try await admin.get("/operateur/lieux/\(world.placeB)")
            try await admin.post(path, [("decision", "reject"), ("reason", "encore"), ("confirme", "oui")])
            let refused = try await admin.get("/operateur/lieux/\(world.placeB)").body.string
            #expect(refused.contains("class=\"errors\" role=\"alert\"") && refused.contains("ce changement a déjà été traité"))
        }
    }

    @Test("A manager's changes are refused on the web to a member before the store is reached, and by the store to a member calling it",
          arguments: Database.allCases)
    func teamRuleOnTheWeb(database: Database) async throws {
        try await WebWorld.with(database) { world in
            let manager = try #require(try await world.store.accounts(of: .place(world.placeA), emailPrefix: world.a[.placeManager]!, .first).rows.first)
            var agent = try await Browser.signedIn(world.app, as: world.a[.placeAgent]!)
            try await agent.get("/lieu")
            #expect(try await agent.post("/equipe/\(manager.id)/depart", [("reason", "x"), ("confirme", "oui")]).status == .forbidden)
            #expect(try await agent.get("/equipe/\(manager.id)/depart?reason=x").status == .forbidden)
            let member = Actor(world.a[.placeAgent]!, organisation: .place(world.placeA))
            await #expect(throws: DomainError.notAllowed(action: "manage the accounts of \(Organisation.place(world.placeA))")) {
                try await world.store.deactivate(manager.id, reason: "x", actor: member)
            }
            #expect(try await world.store.accounts(of: .place(world.placeA), emailPrefix: world.a[.placeManager]!, .first).rows.first?.state == .active)
        }
    }

    @Test("A mail that is not to resend is said as an error, not as a success")
    func mailNotResent() async throws {
        try await WebWorld.with { world in
            // A queued invitation: waiting for the worker, nothing to put back.
            try await world.store.invite(email: "nouveau@test.fr", name: "Nouveau", role: .placeAgent, organisation: .place(world.placeA), actor: .system)
            let id = try #require(try await world.store.read { tx in
                try await tx.sql.raw("SELECT MAX(id) AS id FROM outbox").first().flatMap { try $0.optionalInt("id") }
            })
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            try await admin.get("/operateur/courriels/\(id)")
            #expect(try await admin.post("/operateur/courriels/\(id)/renvoi", []).status == .seeOther)
            let page = try await admin.get("/operateur/courriels/\(id)").body.string
            #expect(page.contains("class=\"errors\" role=\"alert\"") && page.contains("Non renvoyé"))
            #expect(!page.contains("class=\"notice\""))
        }
    }
}
