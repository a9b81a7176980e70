import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// Characters no text may hold (`ControlCharacters`) are refused at the door: in every form, with a French page, and
/// in the API's JSON, before a handler writes anything. Before, PostgreSQL answered 500 to a U+0000 and SQLite kept the
/// text cut short at it.
@Suite("Control characters in what a request sends")
struct ControlCharacterTests {
    static let message = "Le texte envoyé contient un caractère invisible qui ne peut pas être enregistré."

    @Test("The form and JSON scanners find a refused character however it is written, and only then")
    func scanners() {
        #expect(FormTextMiddleware.holdsControlCharacter(form: "holder=a%00b&_csrf=x"))
        #expect(FormTextMiddleware.holdsControlCharacter(form: "n%01m=b"))
        #expect(FormTextMiddleware.holdsControlCharacter(form: "a=%7F"))
        #expect(FormTextMiddleware.holdsControlCharacter(form: "a=%EF%BF%BF"))
        #expect(FormTextMiddleware.holdsControlCharacter(form: "a=x=%1B"))
        #expect(!FormTextMiddleware.holdsControlCharacter(form: "a=b+c&d=%C3%A9t%C3%A9%0D%0A%09&e=%ZZ&f=%"))
        #expect(ApiJSON.holdsControlCharacter(json: #"{"a":"x\u0000"}"#))
        #expect(ApiJSON.holdsControlCharacter(json: #"{"a":"\u001F"}"#))
        #expect(ApiJSON.holdsControlCharacter(json: #"{"a":"\uFFFF"}"#))
        #expect(ApiJSON.holdsControlCharacter(json: "{\"a\":\"\u{7F}\"}"))
        #expect(!ApiJSON.holdsControlCharacter(json: #"{"a":"\\u0000 \t\n\r \u00e9 \"\u0009\u000A"}"#))
        #expect(ControlCharacters.removed(from: "a\u{0}b\tc\u{1B}\n") == "ab\tc\n")
    }

    @Test("Every form, for every visitor, refuses a control character in any field with a French page, or refuses the visitor")
    func everyForm() async throws {
        try await WebWorld.with { world in
            var visitors: [(String, Browser)] = []
            var anonymous = Browser(world.app)
            try await anonymous.get("/connexion")
            visitors.append(("anonymous", anonymous))
            for role in Role.allCases {
                var browser = try await Browser.signedIn(world.app, as: try #require(world.a[role]))
                let home = try await browser.get("/espace").headers.first(name: .location) ?? "/espace"
                try await browser.get(home)
                #expect(!browser.csrf.isEmpty, "\(role): no form token on \(home)")
                visitors.append((role.rawValue, browser))
            }
            let paths = world.app.routes.all.filter { $0.method == .POST && $0.path.first?.description != "api" }.map { route in
                "/" + route.path.map { component in if case .parameter = component { "1" } else { component.description } }.joined(separator: "/")
            }
            var refusedSomewhere = Set<String>()
            for (name, browser) in visitors {
                for path in paths {
                    var visitor = browser
                    let response = try await visitor.post(path, [("champ", "a\u{1}b"), ("name", "x\u{0}")], csrf: browser.csrf)
                    let toSignIn = response.status == .seeOther && response.headers.first(name: .location)?.hasPrefix("/connexion") == true
                    if response.status == .badRequest {
                        #expect(response.body.string.contains(Self.message), "\(name) POST \(path)")
                        refusedSomewhere.insert(path)
                    } else {
                        let refusedVisitor = response.status == .notFound
                            || response.status == .forbidden && !response.body.string.contains(ErrorPage.expiredForm)
                        #expect(toSignIn || refusedVisitor,
                                "\(name) POST \(path): \(response.status) \(response.body.string.prefix(200))")
                    }
                }
            }
            #expect(paths.count > 40)
            let unreached = paths.filter { !refusedSomewhere.contains($0) }
            #expect(unreached.isEmpty, "no visitor reached the check of \(unreached)")
        }
    }

    @Test("Bank details with a control character are refused and nothing is recorded; the API refuses one in its JSON",
          arguments: WebWorld.Database.allCases)
    func nothingRecorded(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var manager = try await Browser.signedIn(world.app, as: world.a[.placeManager]!)
            try await manager.get("/lieu/banque")
            for holder in ["Lieu\u{0}A", "Lieu\u{1}A"] {
                let refused = try await manager.post("/lieu/banque", [("holder", holder), ("iban", BankWebTests.iban), ("bic", "AGRIFRPP"),
                                                                      ("reason", "nouveau compte")])
                #expect(refused.status == .badRequest && refused.body.string.contains(Self.message))
            }
            #expect(try await world.store.bankDetailsChanges(of: world.placeA).isEmpty)
            try await manager.get("/lieu/banque")
            #expect(try await manager.post("/lieu/banque", [("holder", "Lieu A"), ("iban", BankWebTests.iban), ("bic", "AGRIFRPP"),
                                                            ("reason", "nouveau\tcompte")]).status == .seeOther)
            #expect(try await world.store.bankDetailsChanges(of: world.placeA).count == 1)

            let key = try await ApiTests.key(world, .place(world.placeA), [.validate])
            let body = #"{"checks":[{"serial":"\#(world.serialsA[0].grouped)\u0000","code":"x"}],"category":"outils"}"#
            let refused = try await ApiTests.call(world.app, .POST, "/api/v1/validations", key: key, body: body, headers: [("Idempotency-Key", "k-1")])
            #expect(refused.status == .unprocessableEntity)
            #expect(try ApiTests.json(refused)["title"] as? String == "A text value holds a control character")
            #expect(try await ApiTests.count(world.store, "SELECT COUNT(*) AS n FROM validation_requests") == 0)
        }
    }
}
