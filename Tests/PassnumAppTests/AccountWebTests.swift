import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Accounts on the web: invitations, the team page, the operator's accounts")
struct AccountWebTests {
    /// Place A's accounts, by address.
    static func account(_ world: WebWorld, _ email: String) async throws -> AccountRow {
        try #require(try await world.store.accounts(of: nil, emailPrefix: email, .first).rows.first { $0.email == email })
    }

    @Test("A manager invites from the team page; the link in the outbox opens a page to choose a password, signs in, and works once")
    func invitationEndToEnd() async throws {
        try await WebWorld.with { world in
            var manager = try await Browser.signedIn(world.app, as: world.a[.placeManager]!)
            #expect(try await manager.get("/equipe").body.string.contains("Inviter une personne"))
            let refused = try await manager.post("/equipe", [("email", "pas-une-adresse"), ("name", "Nouvelle"), ("role", "place_agent")])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("nom@exemple.fr"))
            let sent = try await manager.post("/equipe", [("email", "Nouvelle@Lieu-A.fr"), ("name", "Nouvelle Personne"), ("role", "place_agent")])
            #expect(sent.status == .seeOther)
            #expect(try await manager.get("/equipe").body.string.contains("Invitation envoyée à Nouvelle@Lieu-A.fr"))
            #expect(manager.lastBody.contains("Invité\u{00A0}: n’a pas encore choisi son mot de passe"))

            let notice = try #require(try await world.store.queuedNotices(to: "nouvelle@lieu-a.fr").last)
            guard case let .invitation(token, name, organisationName, invitedBy) = notice else {
                Issue.record("queued \(notice.kind), not an invitation")
                return
            }
            #expect(name == "Nouvelle Personne" && organisationName == "Lieu A" && invitedBy == "place_manager a")
            // The message's link is the site's path for the token (its wording is the composer's, tested with it).
            let path = SiteURL.invitation(token).path
            #expect(path == "/invitation/\(token)")

            var newcomer = Browser(world.app)
            let page = try await newcomer.get(path)
            #expect(page.status == .ok && page.body.string.contains("Bienvenue, Nouvelle Personne") && page.body.string.contains("Lieu A"))
            #expect(try await newcomer.post(path, [("password", "court"), ("confirmation", "court")]).status == .unprocessableEntity)
            #expect(newcomer.lastBody.contains("au moins 10 caractères"))
            try await newcomer.get(path)
            let accepted = try await newcomer.post(path, [("password", "mon-mot-de-passe"), ("confirmation", "mon-mot-de-passe")])
            #expect(accepted.status == .seeOther && accepted.headers.first(name: .location) == "/lieu")
            // Signed in: the place's page opens, with the agent's name.
            #expect(try await newcomer.get("/lieu").status == .ok && newcomer.lastBody.contains("Nouvelle Personne"))
            // A second use of the link is refused.
            var other = Browser(world.app)
            #expect(try await other.get(path).status == .notFound)
            #expect(try await newcomer.post(path, [("password", "un-autre-mot-de-passe"), ("confirmation", "un-autre-mot-de-passe")]).status
                    == .notFound)
            #expect(try await world.store.loginCandidate(email: "nouvelle@lieu-a.fr") != nil)
            try await other.get("/connexion")
            #expect(try await other.post("/connexion", [("email", "nouvelle@lieu-a.fr"), ("password", "mon-mot-de-passe")]).status == .seeOther)

            // An invitation not used for 7 days is refused.
            try await manager.get("/equipe")
            try await manager.post("/equipe", [("email", "tard@lieu-a.fr"), ("name", "Tard"), ("role", "place_agent")])
            guard case .invitation(let late, _, _, _) = try #require(try await world.store.queuedNotices(to: "tard@lieu-a.fr").last) else {
                Issue.record("no invitation queued")
                return
            }
            world.clock.advance(seconds: AccountRules.invitationLifetime)
            var stranger = Browser(world.app)
            #expect(try await stranger.get("/invitation/\(late)").status == .notFound)
            // Sent again from the team page (signed in again: a week went by): a new link that works.
            let tard = try await Self.account(world, "tard@lieu-a.fr")
            manager = try await Browser.signedIn(world.app, as: world.a[.placeManager]!)
            try await manager.get("/equipe")
            #expect(try await manager.post("/equipe/\(tard.id)/invitation", []).status == .seeOther)
            guard case .invitation(let fresh, _, _, _) = try #require(try await world.store.queuedNotices(to: "tard@lieu-a.fr").last) else { return }
            #expect(fresh != late)
            #expect(try await stranger.get("/invitation/\(fresh)").status == .ok)
        }
    }

    @Test("A manager changes a member's role and deactivates them: the session and the API key they created stop at once, journaled")
    func roleChangeAndDeactivation() async throws {
        try await WebWorld.with { world in
            let agentEmail = world.a[.placeAgent]!
            let agent = try await Self.account(world, agentEmail)
            var agentBrowser = try await Browser.signedIn(world.app, as: agentEmail)
            #expect(try await agentBrowser.get("/lieu").status == .ok)
            let (_, secret) = try await world.store.createApiKey(name: "Caisse de l’agent", scopes: [.validate], organisation: .place(world.placeA),
                                                                 actor: Actor(agentEmail, organisation: .place(world.placeA)))
            func apiStatus() async throws -> HTTPResponseStatus {
                var status = HTTPResponseStatus.ok
                try await world.app.testing().test(.GET, "/api/v1/validations", headers: ["Authorization": "Bearer " + secret]) { status = $0.status }
                return status
            }
            #expect(try await apiStatus() == .ok)

            var manager = try await Browser.signedIn(world.app, as: world.a[.placeManager]!)
            try await manager.get("/equipe")
            // The reason is required.
            try await manager.post("/equipe/\(agent.id)/role", [("role", "place_manager"), ("reason", "")])
            #expect(try await Self.account(world, agentEmail).role == .placeAgent)
            #expect(try await manager.get("/equipe").body.string.contains("Motif\u{00A0}: à remplir."))
            #expect(try await manager.post("/equipe/\(agent.id)/role", [("role", "place_manager"), ("reason", "Nouvelle responsable")]).status == .seeOther)
            #expect(try await Self.account(world, agentEmail).role == .placeManager)
            try await manager.get("/equipe")
            try await manager.post("/equipe/\(agent.id)/role", [("role", "place_agent"), ("reason", "Retour à l’accueil")])
            #expect(try await Self.account(world, agentEmail).role == .placeAgent)

            try await manager.get("/equipe")
            #expect(try await manager.post("/equipe/\(agent.id)/depart", [("reason", "A quitté le lieu"), ("confirme", "oui")]).status == .seeOther)
            #expect(try await manager.get("/equipe").body.string.contains("Compte désactivé"))
            // The next request of the agent's session and of the key they created is refused.
            let next = try await agentBrowser.get("/lieu")
            #expect(next.status == .seeOther && next.headers.first(name: .location)?.hasPrefix("/connexion") == true)
            #expect(try await apiStatus() == .unauthorized)
            try await agentBrowser.get("/connexion")
            #expect(try await agentBrowser.post("/connexion", [("email", agentEmail), ("password", WebWorld.password)]).status == .unprocessableEntity)

            // Every change is on the operator's journal.
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            let journal = try await admin.get("/operateur/journal").body.string
            for label in ["Rôle changé", "Compte désactivé", "Clé API créée ou retirée"] { #expect(journal.contains(label), "\(label)") }
            let reasons = try await world.store.read { tx in
                try await tx.sql.raw("""
                    SELECT reason FROM journal_transactions WHERE reference LIKE \(bind: "user:\(agent.id)%")
                      AND kind IN ('role_changed', 'account_deactivated') ORDER BY id
                    """).all()
                    .map { try $0.optionalString("reason") }
            }
            #expect(reasons == ["Nouvelle responsable", "Retour à l’accueil", "A quitté le lieu"])
        }
    }

    @Test("The last manager cannot leave nor step down, told in plain French; a place's agent has no team page")
    func lastManagerAndAgents() async throws {
        try await WebWorld.with { world in
            let managerEmail = world.a[.placeManager]!
            let me = try await Self.account(world, managerEmail)
            var manager = try await Browser.signedIn(world.app, as: managerEmail)
            try await manager.get("/equipe")
            #expect(manager.lastBody.contains("(vous)"))
            try await manager.post("/equipe/\(me.id)/depart", [("reason", "Je pars"), ("confirme", "oui")])
            #expect(try await manager.get("/equipe").body.string.contains("la structure doit garder au moins une personne active qui la gère"))
            try await manager.post("/equipe/\(me.id)/role", [("role", "place_agent"), ("reason", "Je passe la main")])
            #expect(try await manager.get("/equipe").status == .ok)
            let unchanged = try await Self.account(world, managerEmail)
            #expect(unchanged.state == .active && unchanged.role == .placeManager)

            var agent = try await Browser.signedIn(world.app, as: world.a[.placeAgent]!)
            #expect(try await agent.get("/equipe").status == .forbidden)
            #expect(!agent.lastBody.contains(managerEmail))
            try await agent.get("/lieu")
            #expect(try await agent.post("/equipe", [("email", "x@y.fr"), ("name", "X"), ("role", "place_manager")]).status == .forbidden)
            #expect(try await agent.post("/equipe/\(me.id)/depart", [("reason", "coup d’état"), ("confirme", "oui")]).status == .forbidden)
            #expect(try await Self.account(world, managerEmail).state == .active)
        }
    }

    @Test("The operator finds any account by address, deactivates and reactivates it")
    func operatorAccounts() async throws {
        try await WebWorld.with { world in
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            let page = try await admin.get("/operateur/comptes?q=FUNDER_MANAGER-")
            #expect(page.status == .ok)
            #expect(page.body.string.contains(world.a[.funderManager]!) && page.body.string.contains(world.b[.funderManager]!))
            #expect(!page.body.string.contains(world.a[.placeManager]!) && page.body.string.contains("Financeur A"))
            let funderB = try await Self.account(world, world.b[.funderManager]!)
            // The only manager of funder B: the operator cannot leave it without one either.
            try await admin.post("/operateur/comptes/\(funderB.id)/desactivation", [("reason", "Contrat terminé"), ("confirme", "oui")])
            #expect(try await Self.account(world, world.b[.funderManager]!).state == .active)
            let agentB = try await Self.account(world, world.b[.placeAgent]!)
            try await admin.get("/operateur/comptes")
            #expect(try await admin.post("/operateur/comptes/\(agentB.id)/desactivation", [("reason", "Départ"), ("confirme", "oui")]).status == .seeOther)
            #expect(try await Self.account(world, world.b[.placeAgent]!).state == .deactivated)
            #expect(try await admin.get("/operateur/comptes?q=place_agent-b").body.string.contains("Réactiver"))
            #expect(try await admin.post("/operateur/comptes/\(agentB.id)/reactivation", [("reason", "Retour")]).status == .seeOther)
            #expect(try await Self.account(world, world.b[.placeAgent]!).state == .active)
            _ = try await Browser.signedIn(world.app, as: world.b[.placeAgent]!)
            // Pages of accounts keep the search; a cursor that does not read gives the first page.
            #expect(try await admin.get("/operateur/comptes?q=a&apres=n-importe-quoi").body.string.contains("n’est plus valable"))
        }
    }
}

extension Store {
    /// The notices queued for an address, oldest first.
    func queuedNotices(to address: String) async throws -> [Notice] {
        try await read { tx in
            try await tx.sql.raw("SELECT notice FROM outbox WHERE recipient = \(bind: address) ORDER BY id").all().map {
                try JSONDecoder().decode(Notice.self, from: Data(try $0.string("notice").utf8))
            }
        }
    }
}
