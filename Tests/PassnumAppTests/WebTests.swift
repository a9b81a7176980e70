import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

@Suite("Web application: accounts, security, isolation, forms")
struct WebTests {
    @Test("Every page carries the security headers, with a CSP that allows no inline script")
    func securityHeaders() async throws {
        try await WebWorld.with { world in
            var browser = Browser(world.app)
            for path in ["/", "/connexion", "/verifier", "/lieux", "/page-qui-n-existe-pas"] {
                let response = try await browser.get(path)
                let csp = response.headers.first(name: "Content-Security-Policy") ?? ""
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"), "\(path)")
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
                #expect(response.headers.first(name: "Referrer-Policy") == "same-origin")
                #expect(!response.body.string.contains("<script>"))
            }
            #expect(try await browser.get("/page-qui-n-existe-pas").status == .notFound)
            // Confirmations come from the site itself, never from the address.
            #expect(!(try await browser.get("/connexion?ok=Appelez+le+0899").body.string.contains("Appelez")))
        }
    }

    @Test("Signing in sets an HttpOnly, SameSite session cookie; signing out ends the session")
    func signInAndOut() async throws {
        try await WebWorld.with { world in
            var browser = Browser(world.app)
            try await browser.get("/connexion")
            var response = try await browser.post("/connexion", [("email", world.a[.funderManager]!), ("password", WebWorld.password)])
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == "/financeur")
            let cookie = try #require(response.headers.setCookie?[Cookies.session])
            #expect(cookie.isHTTPOnly && cookie.sameSite == .lax && !cookie.isSecure)
            #expect(try await browser.get("/financeur").status == .ok)
            response = try await browser.post("/deconnexion", [])
            #expect(response.status == .seeOther)
            #expect(try await browser.get("/financeur").status == .seeOther)
        }
    }

    @Test("Cookies are Secure when the public address is HTTPS")
    func secureCookies() async throws {
        try await WebWorld.with { world in
            world.app.webSettings = WebSettings(publicBaseURL: "https://pass.example.fr")
            var browser = Browser(world.app)
            let page = try await browser.get("/connexion")
            #expect(page.headers.setCookie?[Cookies.csrf]?.isSecure == true)
            let response = try await browser.post("/connexion", [("email", world.a[.placeAgent]!), ("password", WebWorld.password)])
            #expect(response.headers.setCookie?[Cookies.session]?.isSecure == true)
        }
    }

    @Test("A wrong password is refused in French, and repeated failures lock the account")
    func lockout() async throws {
        try await WebWorld.with { world in
            var browser = Browser(world.app)
            try await browser.get("/connexion")
            let email = world.a[.prescriberAgent]!
            var response = try await browser.post("/connexion", [("email", email), ("password", "mauvais mot de passe")])
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("Adresse e-mail ou mot de passe incorrect."))
            response = try await browser.post("/connexion", [("email", "inconnu@test.fr"), ("password", "mauvais mot de passe")])
            #expect(response.body.string.contains("Adresse e-mail ou mot de passe incorrect."))
            for _ in 2...AccountRules.failuresBeforeLockout {
                // The in-memory tests have no peer address: their client address is "unknown".
                _ = try await world.store.claimLoginAttempt(email: email, client: "unknown")
            }
            response = try await browser.post("/connexion", [("email", email), ("password", WebWorld.password)])
            #expect(response.status == .tooManyRequests)
            #expect(response.body.string.contains("bloqué"))
            world.clock.advance(seconds: AccountRules.lockout + 1)
            response = try await browser.post("/connexion", [("email", email), ("password", WebWorld.password)])
            #expect(response.status == .seeOther)
        }
    }

    @Test("A password reset link works once and closes open sessions")
    func passwordReset() async throws {
        try await WebWorld.with { world in
            let email = world.a[.placeManager]!
            var other = try await Browser.signedIn(world.app, as: email)
            var browser = Browser(world.app)
            try await browser.get("/mot-de-passe-oublie")
            let answer = try await browser.post("/mot-de-passe-oublie", [("email", email)])
            #expect(answer.status == .seeOther)
            let token = try #require(try await world.store.createPasswordReset(email: email))
            try await browser.get("/mot-de-passe/\(token)")
            var response = try await browser.post("/mot-de-passe/\(token)", [("password", "court"), ("confirmation", "court")])
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("au moins 10 caractères"))
            response = try await browser.post("/mot-de-passe/\(token)", [("password", "nouveau-mot-de-passe"), ("confirmation", "nouveau-mot-de-passe")])
            #expect(response.status == .seeOther)
            #expect(try await browser.get("/mot-de-passe/\(token)").status == .notFound)
            #expect(try await other.get("/lieu").status == .seeOther)
            try await browser.get("/connexion")
            #expect(try await browser.post("/connexion", [("email", email), ("password", "nouveau-mot-de-passe")]).status == .seeOther)
        }
    }

    @Test("A form without its CSRF token, or with another one, is refused")
    func csrf() async throws {
        try await WebWorld.with { world in
            var browser = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            try await browser.get("/operateur")
            #expect(try await browser.post("/operateur/financeurs", [("name", "Sans jeton")], csrf: "").status == .forbidden)
            #expect(try await browser.post("/operateur/financeurs", [("name", "Autre jeton")], csrf: "abc").status == .forbidden)
            #expect(try await browser.post("/operateur/financeurs", [("name", "Avec jeton")]).status == .seeOther)
            #expect(try await world.store.funders().rows.map(\.name).contains("Avec jeton"))
            #expect(!(try await world.store.funders().rows.map(\.name).contains("Sans jeton")))
        }
    }

    @Test("Bad input on every form gets a French message and a 4xx, never a 500, and saves nothing")
    func badInput() async throws {
        try await WebWorld.with { world in
            let garbage = ["", " ", "abc", "-1", "0", "99999999999999999999", "<script>alert(1)</script>", "2026-13-45", "59,99,XX", "é\u{0}"]
            var random = SplitMix64(seed: 7)
            let before = try await world.store.overview()
            let fields = ["name", "faceValue", "checksPerBooklet", "validFrom", "validUntil", "graceDays", "departements", "communes",
                          "categories[]", "cofunder1", "share1", "programme", "booklets", "prescriber", "action", "firstName", "lastName",
                          "birthYear", "commune", "communeCode", "consent", "booklet", "checks", "serial", "reason", "category", "serial0", "code0", "key",
                          "state", "mois", "decision", "etape", "email", "password", "q0", "amount", "valueDate", "bankReference"]
            for role in Role.allCases {
                var browser = try await Browser.signedIn(world.app, as: world.a[role]!)
                try await browser.get("/")
                let csrf = browser.csrf
                // Every form the role may send (from the registered routes), with organisation A's ids.
                for route in world.app.routes.all where route.method == .POST && route.access?.allows(role) == true
                    && route.access != .public && route.path.first != .constant("deconnexion") {
                    let path = "/" + route.path.map { component in
                        if case .parameter(let name) = component { return name == "step" ? "organisation" : "1" }
                        return component.description
                    }.joined(separator: "/")
                    for _ in 0..<12 {
                        let form = fields.map { ($0, garbage[Int(random.next() % UInt64(garbage.count))]) }
                        let response = try await browser.post(path, form, csrf: csrf)
                        #expect(response.status.code < 500, "\(path) gave \(response.status) for \(form)")
                        #expect(!response.body.string.contains("<script>alert"), "\(path) echoed a script unescaped")
                    }
                }
            }
            for path in ["/verifier", "/connexion", "/mot-de-passe-oublie"] {
                var browser = Browser(world.app)
                try await browser.get(path)
                let response = try await browser.post(path, [("serial", "12"), ("code", "<b>"), ("email", "pas-une-adresse")])
                #expect(response.status == .unprocessableEntity || response.status == .seeOther, "\(path)")
            }
            let after = try await world.store.overview()
            #expect(after.programmes == before.programmes && after.orders == before.orders && after.beneficiaries == before.beneficiaries)
            #expect(try await world.store.verify().isEmpty)
        }
    }

    @Test("The stock form's buttons: allocate (also when none is named, as Enter sends) or set the quota; any other action is refused")
    func stockFormActions() async throws {
        try await WebWorld.with { world in
            var funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            func holding() async throws -> (booklets: Int, quota: Int?)? {
                try await world.store.holdings(of: world.funderA).rows.first { $0.prescriber.id == world.prescriberA }.map { ($0.booklets, $0.quota) }
            }
            let form = [("programme", "\(world.programmeA)"), ("prescriber", "\(world.prescriberA)"), ("booklets", "1")]
            try await funder.get("/financeur/stock")
            let unknown = try await funder.post("/financeur/stock", form + [("action", "supprimer")])
            #expect(unknown.status == .badRequest && unknown.body.string.contains("La demande est incomplète ou mal formée."))
            #expect(try await holding()?.booklets == 1)
            try await funder.get("/financeur/stock")
            #expect(try await funder.post("/financeur/stock", form).status == .seeOther)
            #expect(try await holding()?.booklets == 2)
            try await funder.get("/financeur/stock")
            #expect(try await funder.post("/financeur/stock", [("programme", "\(world.programmeA)"), ("prescriber", "\(world.prescriberA)"),
                                                              ("booklets", "12"), ("action", "quota")]).status == .seeOther)
            let after = try await holding()
            #expect(after?.booklets == 2 && after?.quota == 12)
        }
    }

    @Test("The messages next to fields are in French and the form keeps what was typed")
    func formErrorsInFrench() async throws {
        try await WebWorld.with { world in
            var browser = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            try await browser.get("/financeur/programmes")
            let response = try await browser.post("/financeur/programmes", [
                ("name", "Mon programme"), ("faceValue", "dix"), ("checksPerBooklet", "10"), ("validFrom", "2026-04-01"),
                ("validUntil", "2026-03-01"), ("graceDays", "31"), ("departements", "59"), ("categories[]", "outils"),
                ("cofunder1", "État"), ("share1", "60"), ("cofunder2", "Département"), ("share2", "30"),
            ])
            #expect(response.status == .unprocessableEntity)
            let body = response.body.string
            #expect(body.contains("Indiquez un montant en euros"))
            #expect(body.contains("aria-invalid=\"true\""))
            #expect(body.contains("value=\"Mon programme\""))
            #expect(body.contains("role=\"alert\""))
        }
    }

    @Test("The dashboard's CSV opens right in French spreadsheets: UTF-8 with BOM, semicolons, decimal commas")
    func csvExport() async throws {
        try await WebWorld.with { world in
            var place = try await Browser.signedIn(world.app, as: world.a[.placeAgent]!)
            try await place.get("/lieu")
            let serial = world.serialsA[0]
            let validated = try await place.post("/lieu", [
                ("category", "outils"), ("serial0", serial.grouped), ("code0", world.store.secret.securityCode(for: serial).grouped), ("key", "csv-1"),
            ])
            #expect(validated.body.string.contains("Chèque validé"))
            var funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            let response = try await funder.get("/financeur/export.csv")
            #expect(response.headers.contentType?.description.hasPrefix("text/csv") == true)
            #expect(response.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let bytes = Array(response.body.readableBytesView)
            #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
            let text = response.body.string
            #expect(text.contains("Rubrique;Libellé;Chèques;Montant (€)\r\n"))
            #expect(text.contains("Chèques;Utilisés;1;10,00\r\n"))
            #expect(text.contains("Lieu;Lieu A;1;10,00"))
            #expect(!text.contains("Lieu B"))
            #expect(FrenchCSV.field("=SUM(A1)") == "'=SUM(A1)")
            #expect(FrenchCSV.field("a;b") == "\"a;b\"")
        }
    }

    @Test("A funder edits a programme before its first order")
    func programmeEditPage() async throws {
        try await WebWorld.with { world in
            let funder = try await world.store.createFunder(name: "Financeur C")
            let programme = try await world.store.createProgramme(funder: funder, terms: ProgrammeTerms(
                name: "Programme C", validFrom: CivilDate("2026-03-01")!, validUntil: CivilDate("2026-06-30")!,
                perimeter: Perimeter(departements: [DepartementCode("59")!]), shares: [CoFundingShare(cofunder: "État", percent: 100)]))
            try await world.store.createUser(email: "c@test.fr", name: "C", passwordHash: try Bcrypt.hash(WebWorld.password, cost: 4),
                                             role: .funderManager, organisation: .funder(funder))
            var browser = try await Browser.signedIn(world.app, as: "c@test.fr")
            let page = try await browser.get("/financeur/programmes/\(programme)")
            #expect(page.status == .ok && page.body.string.contains("value=\"Programme C\""))
            let saved = try await browser.post("/financeur/programmes/\(programme)", [
                ("name", "Programme C modifié"), ("faceValue", "12,50"), ("checksPerBooklet", "8"), ("validFrom", "2026-03-01"),
                ("validUntil", "2026-09-30"), ("graceDays", "15"), ("departements", "59, 62"), ("categories[]", "outils"),
                ("categories[]", "demarches"), ("cofunder1", "État"), ("share1", "62,5"), ("cofunder2", "Financeur C"), ("share2", "37,5"),
            ])
            #expect(saved.status == .seeOther)
            let terms = try await world.store.programme(programme).terms
            #expect(terms.name == "Programme C modifié" && terms.faceValue == Money(cents: 1250) && terms.checksPerBooklet == 8)
            #expect(terms.shares == [CoFundingShare(cofunder: "État", basisPoints: 6250), CoFundingShare(cofunder: "Financeur C", basisPoints: 3750)])
            #expect(terms.categories == [.administrativeProcedures, .everydayTools])
        }
    }

    @Test("A place joins on its own: sign-up, every step, review, affiliation, then its first validation")
    func placeJoinsOnItsOwn() async throws {
        try await WebWorld.with { world in
            var place = Browser(world.app)
            try await place.get("/inscription")
            var response = try await place.post("/inscription", [("placeName", "Atelier Clic"), ("name", "Claire Dupont"),
                                                                  ("email", "claire@clic.fr"), ("password", "mot-de-passe-clic"),
                                                                  ("confirmation", "mot-de-passe-clic")])
            #expect(response.status == .seeOther && response.headers.first(name: .location) == "/lieu/candidature")
            try await place.get("/lieu/candidature/organisation")
            response = try await place.post("/lieu/candidature/organisation", [("name", "Atelier Clic"), ("siret", "73282932000075")])
            #expect(response.status == .unprocessableEntity && response.body.string.contains("erreur de frappe"))
            response = try await place.post("/lieu/candidature/organisation", [("name", "Atelier Clic"), ("siret", "732 829 320 00074"),
                                                                               ("phone", "03 20 00 00 00")])
            #expect(response.status == .seeOther)
            // Sent steps are locked.
            try await place.get("/lieu/candidature")
            response = try await place.post("/lieu/candidature/organisation", [("name", "Autre"), ("siret", "73282932000074")])
            #expect(response.status == .unprocessableEntity && response.body.string.contains("ne peut plus être modifiée"))
            #expect(try await place.get("/lieu/candidature/organisation").body.string.contains("ne peut plus être modifiée"))
            let steps: [(String, [(String, String)])] = [
                ("sites", [("siteName0", "Atelier Clic"), ("address0", "2 rue Nationale"), ("postcode0", "59000"), ("communeName0", "Lille"),
                           ("communeCode0", "59350"), ("latitude0", "50,63"), ("longitude0", "3.06")]),
                ("representative", [("firstName", "Claire"), ("lastName", "Dupont"), ("role", "Présidente"), ("email", "claire@clic.fr")]),
                ("eligibility", [("q0", "oui"), ("q1", "oui"), ("q2", "oui"), ("q3", "non")]),
                ("services", [("categories[]", "outils"), ("accessibility[]", "Surdité")]),
                ("hours", [("openingHours", "Mo-Fr 09:00-12:00")]),
                ("bank", [("holder", "Atelier Clic"), ("iban", "FR76 3000 6000 0112 3456 7890 189"), ("bic", "AGRIFRPP")]),
            ]
            for (step, fields) in steps {
                try await place.get("/lieu/candidature/\(step)")
                response = try await place.post("/lieu/candidature/\(step)", fields)
                #expect(response.status == .seeOther, "\(step): \(response.body.string.prefix(400))")
            }
            try await place.get("/lieu/candidature/documents")
            response = try await place.upload("/lieu/justificatifs", field: "document", filename: "virus.pdf", bytes: Array("MZ\u{90}".utf8))
            #expect(response.status == .unprocessableEntity && response.body.string.contains("ni un PDF"))
            response = try await place.upload("/lieu/justificatifs", field: "document", filename: "statuts.pdf",
                                              bytes: Array("%PDF-1.4 statuts".utf8))
            #expect(response.status == .seeOther)
            try await place.get("/lieu/candidature/documents")
            response = try await place.post("/lieu/candidature/documents", [])
            #expect(response.status == .seeOther, "\(response.status) \(response.body.string.suffix(1200))")
            try await place.get("/lieu/candidature")
            #expect(try await place.post("/lieu/candidature/envoi", []).status == .seeOther)
            let id = try #require(try await world.store.places().rows.first { $0.name == "Atelier Clic" }?.id)
            #expect(try await world.store.placeState(id) == .submitted)

            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            #expect(try await admin.get("/operateur/candidatures").body.string.contains("Atelier Clic"))
            let review = try await admin.get("/operateur/lieux/\(id)")
            #expect(review.body.string.contains("FR76 3000 6000 0112 3456 7890 189") && review.body.string.contains("statuts.pdf"))
            // 15 hours a week, below the State's charter: qualified only with a reason, kept with the decision.
            #expect(review.body.string.contains("Ouvert 15 h par semaine"))
            var decision = try await admin.post("/operateur/lieux/\(id)/etat", [("state", "qualified"), ("reason", ""), ("back", "place")])
            #expect(decision.status == .seeOther && decision.headers.first(name: .location) == "/operateur/lieux/\(id)")
            #expect(try await world.store.placeState(id) == .submitted)
            #expect(try await admin.get("/operateur/lieux/\(id)").body.string.contains("moins que les 24 h de la charte. Écrivez pourquoi"))
            decision = try await admin.post("/operateur/lieux/\(id)/etat", [("state", "qualified"), ("reason", "Seul lieu du quartier"), ("back", "place")])
            #expect(decision.status == .seeOther)
            #expect(try await world.store.placeState(id) == .qualified)
            #expect(try await world.store.decisions(of: id).last?.actor == world.a[.operatorAdmin]!)
            #expect(try await world.store.decisions(of: id).last?.reason == "Seul lieu du quartier")

            try await place.get("/lieu/financeurs")
            #expect(try await place.post("/lieu/financeurs/\(world.funderA)", []).status == .seeOther)
            var funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            try await funder.get("/financeur/lieux")
            #expect(try await funder.post("/financeur/lieux/\(id)/affiliation", [("decision", "approve")]).status == .seeOther)

            try await place.get("/lieu/catalogue")
            #expect(try await place.post("/lieu/catalogue", [("category", "outils"), ("title", "Atelier tablette"), ("description", "Découvrir sa tablette"),
                                                             ("duration", "60"), ("price", "1")]).status == .seeOther)
            let service = try #require(try await world.store.services(of: id).first?.id)
            try await place.get("/lieu")
            let serial = world.serialsA[5]
            response = try await place.post("/lieu", [("category", "service-\(service)"), ("serial0", serial.grouped),
                                                      ("code0", world.store.secret.securityCode(for: serial).grouped), ("key", "first")])
            #expect(response.body.string.contains("Chèque validé"), "\(response.body.string.prefix(600))")

            // The place is now public: in the finder, on its own page and in the open data.
            var visitor = Browser(world.app)
            #expect(try await visitor.get("/lieux?commune=59000&categorie=outils").body.string.contains("Atelier Clic"))
            let page = try await visitor.get("/lieux/\(id)").body.string
            #expect(page.contains("Du lundi au vendredi\u{00A0}: 9 h à 12 h.") && page.contains("Atelier tablette") && page.contains("Surdité"))
            let csv = try await visitor.get("/open-data/lieux.csv").body.string
            #expect(csv.contains("\"73282932000074\",\"Atelier Clic\",\"Lille\",\"59000\",\"59350\""))
            #expect(csv.contains("\"+33320000000\""))
        }
    }

    @Test("Funders and prescribers are warned 30 days before the end, and told when hand-outs stop")
    func expiryAlerts() async throws {
        try await WebWorld.with { world in
            var funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            #expect(!(try await funder.get("/financeur").body.string.contains("se termine le")))
            world.clock.set(CivilDate("2026-06-01")!.start.addingTimeInterval(3600 * 10))
            funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)  // the session of March is over
            var body = try await funder.get("/financeur").body.string
            #expect(body.contains("«\u{00A0}Programme secret A\u{00A0}» se termine le 30 juin 2026") && body.contains("à partir du 15 juin 2026"))
            #expect(!body.contains("Programme secret B"))
            world.clock.set(CivilDate("2026-06-20")!.start.addingTimeInterval(3600 * 10))
            var prescriber = try await Browser.signedIn(world.app, as: world.a[.prescriberAgent]!)
            body = try await prescriber.get("/prescripteur").body.string
            #expect(body.contains("Les chèques ne peuvent plus être remis.") && body.contains("31 juillet 2026"))
        }
    }
}
