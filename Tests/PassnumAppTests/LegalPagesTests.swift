import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Legal pages linked from every footer, the limited-network threshold, the charter at the operator's review")
struct LegalPagesTests {
    static let footerLinks = ["href=\"/accessibilite\"", "href=\"/mentions-legales\"", "href=\"/conditions-utilisation\"",
                              "Accessibilité\u{00A0}: partiellement conforme"]

    @Test("Every HTML page without a path parameter, for its role or a visitor, has the three legal links in its footer")
    func footerOnEveryPage() async throws {
        try await WebWorld.with { world in
            var visitor = Browser(world.app)
            var browsers: [Role: Browser] = [:]
            for role in Role.allCases { browsers[role] = try await Browser.signedIn(world.app, as: world.a[role]!) }
            var checked = 0
            for route in world.app.routes.all where route.method == .GET {
                guard let access = route.access, access != .apiKey,
                      !route.path.contains(where: { if case .constant = $0 { false } else { true } }) else { continue }
                let path = "/" + route.path.map(\.description).joined(separator: "/")
                let role = Role.allCases.first { access != .public && access.allows($0) }
                let response: TestingHTTPResponse
                if let role {
                    response = try await browsers[role]!.get(path)
                } else {
                    response = try await visitor.get(path)
                }
                guard response.status == .ok, response.headers.contentType == .html else { continue }
                let footer = try #require(response.body.string.components(separatedBy: "<footer>").last, "\(path)")
                for link in Self.footerLinks { #expect(footer.contains(link), "\(path) lacks \(link)") }
                checked += 1
            }
            #expect(checked > 30)
        }
    }

    @Test("The three legal pages answer a visitor; unset settings show as placeholders to fill, set ones as given")
    func legalPages() async throws {
        try await WebWorld.with { world in
            var visitor = Browser(world.app)
            world.app.legalSettings = LegalSettings.fromEnvironment([:])
            var page = try await visitor.get("/accessibilite")
            #expect(page.status == .ok)
            // The settings' names may break after each "_" (<wbr>).
            var body = page.body.string.replacingOccurrences(of: "<wbr>", with: "")
            #expect(body.contains("partiellement conforme") && body.contains("axe-core") && body.contains("Défenseur des droits"))
            #expect(body.contains("29 novembre 2026") && body.contains("(/verifier)"))
            #expect(body.contains("[à compléter par l’opérateur\u{00A0}: réglage PASSNUM_OPERATOR_EMAIL]"))
            body = try await visitor.get("/mentions-legales").body.string.replacingOccurrences(of: "<wbr>", with: "")
            #expect(body.contains("réglage PASSNUM_PUBLICATION_DIRECTOR") && body.contains("réglage PASSNUM_HOST_NAME"))
            #expect(try await visitor.get("/conditions-utilisation").body.string.contains("24 heures par semaine"))

            world.app.legalSettings = LegalSettings.fromEnvironment([
                "PASSNUM_OPERATOR_NAME": "GIP Numérique Sud", "PASSNUM_OPERATOR_ADDRESS": "1 place de la République, 33000 Bordeaux",
                "PASSNUM_OPERATOR_EMAIL": " accessibilite@gip.example.fr ", "PASSNUM_PUBLICATION_DIRECTOR": "Claire Martin",
                "PASSNUM_HOST_NAME": "Hébergeur SAS", "PASSNUM_HOST_ADDRESS": "2 rue Kléber, 67000 Strasbourg", "PASSNUM_OPERATOR_SIRET": "73282932000074",
            ])
            page = try await visitor.get("/mentions-legales")
            body = page.body.string
            #expect(!body.contains("à compléter"))
            #expect(body.contains("GIP Numérique Sud") && body.contains("Claire Martin") && body.contains("Hébergeur SAS") && body.contains("73282932000074"))
            #expect(try await visitor.get("/accessibilite").body.string.contains("href=\"mailto:accessibilite@gip.example.fr\""))
        }
    }

    static func home(_ payments: Money) -> String {
        let model = OperatorHomePage.Model(funders: [], programmes: [], places: [], paymentsOverTwelveMonths: payments)
        return OperatorHomePage.View(model: model, context: PageContext(csrfToken: "x")).document.rendered
    }

    @Test("The operator's home compares 12 months of payments with the 1 M€ threshold, with a warning from 80 %")
    func threshold() {
        var page = Self.home(.euros(250_000))
        #expect(page.contains("Paiements aux lieux sur les 12 derniers mois") && page.contains("25 %") && !page.contains("Attention"))
        page = Self.home(.euros(850_000))
        #expect(page.contains("Attention\u{00A0}: le seuil est bientôt atteint") && page.contains("85 %") && page.contains("class=\"errors\""))
        page = Self.home(Money(cents: 1_000_000_01))
        #expect(page.contains("Le seuil est dépassé\u{00A0}: faites la déclaration à l’ACPR"))
    }

    @Test("The operator's home reads the payout runs of the last 12 months", arguments: WebWorld.Database.allCases)
    func thresholdFromRuns(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            let now = world.clock.now
            try await world.store.transaction { tx in
                try await tx.sql.raw("""
                    INSERT INTO payout_runs (period, ran_at, payouts, checks, total_cents)
                    VALUES ('2026-02', \(bind: now.addingTimeInterval(-86_400).millis), 1, 1, 90000000)
                    """).run()
            }
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            let body = try await admin.get("/operateur").body.string
            #expect(body.contains("Attention\u{00A0}: le seuil est bientôt atteint") && body.contains("90 %"))
        }
    }

    @Test("The review shows the weekly opening time, or that the hours cannot be read")
    func reviewLine() {
        #expect(French.weeklyOpening(.minutes(31 * 60)) == "Ouvert 31 h par semaine")
        #expect(French.weeklyOpening(.minutes(31 * 60 + 5)) == "Ouvert 31 h 05 par semaine")
        #expect(French.weeklyOpening(.unknown) == "Horaires non lisibles")
        let short = PlaceCharterViews.openingLine(.minutes(15 * 60), state: .submitted).rendered
        #expect(short.contains("Ouvert 15 h par semaine\u{00A0}: moins que les 24 h par semaine de la charte.") && short.contains("écrivez le motif"))
        let fine = PlaceCharterViews.openingLine(.minutes(35 * 60), state: .submitted).rendered
        #expect(fine.contains("Ouvert 35 h par semaine.") && !fine.contains("motif"))
        #expect(French.message(for: .invalid(field: .reason, problem: .belowCharter(weeklyMinutes: 900))).contains("15 h par semaine"))
    }
}
