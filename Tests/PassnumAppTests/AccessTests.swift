import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

@Suite("Web application: access declared with each route, and orders with segregation of duties")
struct AccessTests {
    static let secretsOfB = ["Programme secret B", "Secrète B", "Lieu B", "Service secret B"]

    /// A form every write route would accept (each reads the fields it knows): sent to routes aimed at B's records,
    /// so that a handler that validates its form before checking ownership is caught writing B's data.
    static let plausibleForm: [(String, String)] = [
        ("etape", "signed"), ("decision", "verify"), ("state", "qualified"), ("reason", "test"), ("booklets", "1"), ("amount", "10"),
        ("valueDate", "2026-03-02"), ("bankDate", "2026-03-02"), ("bankReference", "x"), ("startsAt", "2026-03-10T10:00"), ("capacity", "5"),
        ("active", "0"), ("holder", "x"), ("iban", "FR7630006000011234567890189"), ("bic", "AGRIFRPP"), ("name", "Programme modifié"),
        ("faceValue", "10"), ("checksPerBooklet", "10"), ("validFrom", "2026-03-01"), ("validUntil", "2026-06-30"), ("graceDays", "31"),
        ("departements", "59"), ("categories[]", "outils"), ("cofunder1", "État"), ("share1", "100"), ("checks", "1"), ("q0", "1"), ("q1", "1"),
        // Past the confirmation page of an irreversible action: the action itself is tried.
        ("confirme", "oui"),
    ]

    /// B's records the matrix aims at, as they were made by `WebWorld.populate`: a write on any of them is a leak.
    static func expectBUntouched(_ world: WebWorld, after role: Role) async throws {
        let store = world.store
        #expect(try await store.order(world.orderB).state == .fulfilled, "\(role) moved B's order")
        #expect(try await store.bankDetailsChange(world.bankChangeB)?.state == .pending, "\(role) decided B's bank details")
        #expect(try await store.bankDetailsChanges(of: world.placeB).count == 1, "\(role) proposed bank details for B")
        #expect(try await store.apiKeys(of: .place(world.placeB)).first { $0.id == world.apiKeyB }?.revokedAt == nil, "\(role) revoked B's key")
        #expect(try await store.services(of: world.placeB).first { $0.id == world.serviceB }?.active == true, "\(role) changed B's service")
        #expect(try await store.programme(world.programmeB).terms.name == "Programme secret B", "\(role) changed B's programme")
        #expect(try await store.placeState(world.placeB) == .qualified, "\(role) changed B's place")
        let managerB = try await store.accounts(of: .place(world.placeB), .first).rows.first { $0.id == world.managerB }
        #expect(managerB?.state == .active && managerB?.role == .placeManager, "\(role) changed B's manager's account")
    }

    @Test("Every registered route declares who may call it")
    func everyRouteDeclaresAccess() async throws {
        try await WebWorld.with { world in
            let routes = world.app.routes.all
            #expect(routes.count > 70)
            for route in routes { #expect(route.access != nil, "\(route) has no declared access") }
        }
    }

    /// Built from `app.routes.all`: a new route is in the matrix as soon as it is registered.
    @Test("Every role × every route × organisation B's ids, with a plausible form, answers 403 or 404, never shows or changes B's data; anonymous visitors are sent to sign in")
    func isolationMatrix() async throws {
        try await WebWorld.with { world in
            let routes = world.app.routes.all.filter { route in
                guard let access = route.access else { return false }
                // Public pages are the same for everyone; the partner API has its own tests with keys.
                return access != .public && access != .apiKey && route.path.first != .constant("deconnexion")
            }
            var checked = 0
            for role in Role.allCases {
                var browser = try await Browser.signedIn(world.app, as: world.a[role]!)
                try await browser.get("/")
                let csrf = browser.csrf
                for route in routes {
                    guard let access = route.access, let target = world.foreignPath(route) else { continue }
                    // The operator may change B's records: it gets an empty form, which only its own tests fill.
                    let hasID = route.path.contains { if case .parameter = $0 { true } else { false } }
                    let form = role != .operatorAdmin && hasID ? Self.plausibleForm : []
                    let response = route.method == .GET ? try await browser.get(target.path) : try await browser.post(target.path, form, csrf: csrf)
                    let label = "\(role) \(route.method) \(target.path): \(response.status)"
                    #expect(response.status.code < 500, "\(label)")
                    if !access.allows(role) {
                        #expect(response.status == .forbidden, "\(label)")
                    } else if role != .operatorAdmin && !target.directory && route.path.contains(where: { if case .parameter = $0 { true } else { false } })
                                && !["code", "token", "step"].contains(where: { name in route.path.contains(.parameter(name)) }) {
                        #expect(response.status == .notFound || response.status == .forbidden, "\(label)")
                    }
                    if role != .operatorAdmin {
                        for secret in Self.secretsOfB { #expect(!response.body.string.contains(secret), "\(role) saw \(secret) at \(target.path)") }
                    }
                    checked += 1
                }
                try await Self.expectBUntouched(world, after: role)
            }
            #expect(checked == Role.allCases.count * routes.count)

            // The form is plausible indeed: on A's own records, the same post does change them.
            let serviceA = try await world.store.addService(NewService(category: .everydayTools, title: "Service A", description: "A",
                                                                       durationMinutes: 60, priceChecks: 1), place: world.placeA)
            let keyA = try await world.store.createApiKey(name: "Caisse A", scopes: [.validate], organisation: .place(world.placeA),
                                                          actor: Actor(world.a[.placeManager]!, organisation: .place(world.placeA))).key.id
            var managerA = try await Browser.signedIn(world.app, as: world.a[.placeManager]!)
            try await managerA.get("/lieu/catalogue")
            #expect(try await managerA.post("/lieu/catalogue/\(serviceA)/etat", Self.plausibleForm).status == .seeOther)
            #expect(try await world.store.services(of: world.placeA).first { $0.id == serviceA }?.active == false)
            try await managerA.get("/cles-api")
            #expect(try await managerA.post("/cles-api/\(keyA)/revocation", Self.plausibleForm).status == .seeOther)
            #expect(try await world.store.apiKeys(of: .place(world.placeA)).first { $0.id == keyA }?.revokedAt != nil)

            var anonymous = Browser(world.app)
            try await anonymous.get("/connexion")
            let token = anonymous.csrf
            for route in routes {
                guard let target = world.foreignPath(route) else { continue }
                let response = route.method == .GET ? try await anonymous.get(target.path) : try await anonymous.post(target.path, [], csrf: token)
                #expect(response.status == .seeOther && response.headers.first(name: .location)?.hasPrefix("/connexion") == true,
                        "anonymous \(route.method) \(target.path): \(response.status)")
            }
        }
    }

    @Test("The funder orders and signs; only the operator quotes, invoices, records the money received and fulfils")
    func orderDutiesOnTheWeb() async throws {
        try await WebWorld.with { world in
            var funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            try await funder.get("/financeur/commandes")
            #expect(try await funder.post("/financeur/commandes", [("programme", "\(world.programmeA)"), ("booklets", "3")]).status == .seeOther)
            guard let order = try await world.store.orders(of: world.funderA).rows.first?.summary.id else {
                Issue.record("no order created")
                return
            }
            let step = "/financeur/commandes/\(order)/etape"
            /// The funder tries the operator's next step from the state just before it: refused, the order stays put.
            func funderTries(_ target: OrderState, staying state: OrderState) async throws {
                try await funder.get("/financeur/commandes")
                try await funder.post(step, [("etape", target.rawValue), ("confirme", "oui")])
                #expect(try await world.store.order(order).state == state, "the funder moved its order to \(target)")
            }
            try await funderTries(.quoted, staying: .draft)
            // Nor reach the operator's pages.
            #expect(try await funder.get("/operateur/commandes/\(order)").status == .forbidden)
            #expect(try await funder.post("/operateur/commandes/\(order)/paiements",
                                          [("amount", "1000"), ("valueDate", "2026-03-02"), ("bankReference", "X")]).status == .forbidden)

            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            #expect(try await admin.get("/operateur/commandes").body.string.contains("Commande n° \(order)"))
            try await admin.get("/operateur/commandes/\(order)")
            #expect(try await admin.post("/operateur/commandes/\(order)/etape", [("etape", "quoted")]).status == .seeOther)
            // The operator cannot sign for the funder.
            try await admin.get("/operateur/commandes/\(order)")
            try await admin.post("/operateur/commandes/\(order)/etape", [("etape", "signed")])
            #expect(try await world.store.order(order).state == .quoted)
            try await funder.get("/financeur/commandes")
            #expect(funder.lastBody.contains("Accepter le devis"))
            #expect(try await funder.post(step, [("etape", "signed")]).status == .seeOther)
            try await funderTries(.invoiced, staying: .signed)
            try await admin.get("/operateur/commandes/\(order)")
            try await admin.post("/operateur/commandes/\(order)/etape", [("etape", "invoiced"), ("confirme", "oui")])
            let summary = try await world.store.order(order)
            #expect(summary.state == .invoiced)
            try await funderTries(.paid, staying: .invoiced)

            // A part payment is recorded and the order waits; bad input is refused in French and saves nothing.
            try await admin.get("/operateur/commandes/\(order)")
            let refused = try await admin.post("/operateur/commandes/\(order)/paiements",
                                               [("amount", "-5"), ("valueDate", "2099-01-01"), ("bankReference", "")])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("Indiquez le montant reçu"))
            #expect(try await world.store.payments(of: order).isEmpty)
            let future = try await admin.post("/operateur/commandes/\(order)/paiements",
                                              [("amount", "10"), ("valueDate", "2026-03-03"), ("bankReference", "VIR 1")])
            #expect(future.status == .unprocessableEntity && future.body.string.contains("pas encore passée"))
            // A payment goes to the journal for good: its page says what will remain due, and nothing is noted until confirmed.
            let asked = try await admin.post("/operateur/commandes/\(order)/paiements",
                                             [("amount", "100"), ("valueDate", "2026-03-02"), ("bankReference", "VIR-0001")])
            let confirmation = try #require(asked.headers.first(name: .location))
            #expect(asked.status == .seeOther && confirmation.hasPrefix("/operateur/commandes/\(order)/paiements?"))
            let confirmPage = try await admin.get(confirmation).body.string
            #expect(confirmPage.contains("<dt>Montant reçu</dt><dd>\(money(.euros(100)))</dd>") && confirmPage.contains("VIR-0001"))
            #expect(confirmPage.contains("<dt>Reste à recevoir après ce paiement</dt><dd>\(money(summary.amounts.total - .euros(100)))</dd>"))
            #expect(try await world.store.payments(of: order).isEmpty)
            #expect(try await admin.get("/operateur/commandes/\(order)/paiements?amount=abc&valueDate=2026-03-02").status == .badRequest)
            try await admin.post("/operateur/commandes/\(order)/paiements",
                                 [("amount", "100"), ("valueDate", "2026-03-02"), ("bankReference", "VIR-0001"), ("confirme", "oui")])
            #expect(try await world.store.order(order).state == .invoiced)
            #expect(try await world.store.payments(of: order).count == 1)
            // Confirmed twice (a double click): the second is refused in French, the payment counted once.
            try await admin.get(confirmation)
            let twice = try await admin.post("/operateur/commandes/\(order)/paiements",
                                             [("amount", "100"), ("valueDate", "2026-03-02"), ("bankReference", "VIR-0001"), ("confirme", "oui")])
            #expect(twice.status == .unprocessableEntity && twice.body.string.contains("ce paiement est déjà enregistré"))
            #expect(try await world.store.payments(of: order).count == 1)
            let rest = summary.amounts.total - .euros(100)
            try await admin.get("/operateur/commandes/\(order)")
            #expect(admin.lastBody.contains(money(rest)))
            try await admin.post("/operateur/commandes/\(order)/paiements",
                                 [("amount", rest.plainDecimal), ("valueDate", "2026-03-02"), ("bankReference", "VIR-0002"), ("confirme", "oui")])
            #expect(try await world.store.order(order).state == .paid)
            try await funderTries(.fulfilled, staying: .paid)
            try await admin.get("/operateur/commandes/\(order)")
            try await admin.post("/operateur/commandes/\(order)/etape", [("etape", "fulfilled"), ("confirme", "oui")])
            #expect(try await world.store.order(order).state == .fulfilled)
            #expect(try await world.store.verify().isEmpty)

            // Every step is in the journal with who made it.
            let steps = try await world.store.read { tx in
                try await tx.sql.raw("""
                    SELECT kind, reference, actor FROM journal_transactions WHERE reference LIKE \(bind: "order:\(order)%") ORDER BY id
                    """).all().map { "\(try $0.string("kind")) \(try $0.string("reference")) \(try $0.string("actor"))" }
            }
            let funderEmail = world.a[.funderManager]!, adminEmail = world.a[.operatorAdmin]!
            #expect(steps == [
                "order_moved order:\(order):draft \(funderEmail)", "order_moved order:\(order):quoted \(adminEmail)",
                "order_moved order:\(order):signed \(funderEmail)",
                "order_moved order:\(order):invoiced \(adminEmail)", "payment_received order:\(order) \(adminEmail)",
                "payment_received order:\(order) \(adminEmail)", "order_payment order:\(order) \(adminEmail)",
                "order_moved order:\(order):fulfilled \(adminEmail)",
            ])
        }
    }
}
