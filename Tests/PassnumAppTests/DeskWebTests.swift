import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Issue 17 items 1 and 4 on the web: the validation desk at the speed of a queue, and nothing irreversible in one
/// click. Each test runs on SQLite and PostgreSQL.
@Suite("Validation desk and confirmation pages")
struct DeskWebTests {
    typealias Database = WebWorld.Database

    @Test("The chosen service stays selected after a validation", arguments: Database.allCases)
    func serviceKept(database: Database) async throws {
        try await WebWorld.with(database) { world in
            let service = try await world.store.addService(NewService(category: .everydayTools, title: "Atelier « Mon smartphone »", description: "A",
                                                                      durationMinutes: 60, priceChecks: 1), place: world.placeA)
            var desk = try await Browser.signedIn(world.app, as: world.a[.placeAgent]!)
            try await desk.get("/lieu")
            let response = try await desk.post("/lieu", [("category", "service-\(service)")] + world.rows(world.serialsA[0]))
            #expect(response.status == .ok)
            #expect(response.body.string.contains("<option value=\"service-\(service)\" selected=\"\">"))
            #expect(response.body.string.contains("role=\"status\""), "a success is a status")
        }
    }

    @Test("The QR code's URL typed by a scanner into the number field validates: number and code read from it", arguments: Database.allCases)
    func scannedURL(database: Database) async throws {
        try await WebWorld.with(database) { world in
            let serial = world.serialsA[0]
            let code = world.store.secret.securityCode(for: serial)
            var desk = try await Browser.signedIn(world.app, as: world.a[.placeAgent]!)
            try await desk.get("/lieu")
            let response = try await desk.post("/lieu", [("category", "outils"), ("serial0", "https://passnum.example/c/\(serial.compact)-\(code.canonical.lowercased())\r\n"),
                                                         ("code0", "")])
            #expect(response.status == .ok, "\(response.body.string.prefix(2000))")
            #expect(response.body.string.contains("Chèque validé"))
            #expect(response.body.string.contains(serial.grouped), "the number comes back grouped as printed")
            #expect(try await world.store.stateOf(serial) == CheckState.redeemed.rawValue)
        }
    }

    @Test("A number with spaces or dashes and a code in lower case validate", arguments: Database.allCases)
    func spacedSerial(database: Database) async throws {
        try await WebWorld.with(database) { world in
            let (first, second) = (world.serialsA[0], world.serialsA[1])
            var desk = try await Browser.signedIn(world.app, as: world.a[.placeAgent]!)
            try await desk.get("/lieu")
            let dashed = first.grouped.replacingOccurrences(of: " ", with: "-")
            let response = try await desk.post("/lieu", [
                ("category", "outils"), ("serial0", dashed), ("code0", world.store.secret.securityCode(for: first).grouped.lowercased()),
                ("serial1", " " + second.grouped + " "), ("code1", world.store.secret.securityCode(for: second).canonical.lowercased()),
            ])
            #expect(response.status == .ok)
            #expect(response.body.string.contains("2 chèques validés"))
            #expect(try await world.store.stateOf(first) == CheckState.redeemed.rawValue)
            #expect(try await world.store.stateOf(second) == CheckState.redeemed.rawValue)
        }
    }

    @Test("Opening /c/… signed in as place staff adds the check to those opened before; validating them empties the list", arguments: Database.allCases)
    func qrAddsRows(database: Database) async throws {
        try await WebWorld.with(database) { world in
            let (first, second) = (world.serialsA[0], world.serialsA[1])
            var desk = try await Browser.signedIn(world.app, as: world.a[.placeAgent]!)
            try await desk.get("/c/\(first.compact)-\(world.store.secret.securityCode(for: first).canonical)")
            let page = try await desk.get("/c/\(second.compact)-\(world.store.secret.securityCode(for: second).canonical)")
            let body = page.body.string
            #expect(body.contains("name=\"serial0\" value=\"\(first.compact)\""))
            #expect(body.contains("name=\"serial1\" value=\"\(second.compact)\""))
            #expect(body.contains("name=\"code1\" value=\"\(world.store.secret.securityCode(for: second).canonical)\""))
            #expect(try await world.store.stateOf(first) == CheckState.distributed.rawValue, "opening a check's URL validates nothing")
            // Opening the same check again does not add it twice.
            try await desk.get("/c/\(second.compact)-\(world.store.secret.securityCode(for: second).canonical)")
            #expect(!desk.lastBody.contains("name=\"serial2\" value=\"\(second.compact)\""))
            let validated = try await desk.post("/lieu", [("category", "outils")] + world.rows(first, second))
            #expect(validated.body.string.contains("2 chèques validés"))
            let after = try await desk.get("/lieu").body.string
            #expect(after.contains("name=\"serial0\" autocomplete"), "the validated checks are no longer pending: the first row is empty")
            #expect(after.contains("2 chèques validés</strong>, 20,00\u{00A0}€"), "today's count and total")
        }
    }

    @Test("A refused row is outlined with its reason next to it, the accepted one is not", arguments: Database.allCases)
    func refusedRow(database: Database) async throws {
        try await WebWorld.with(database) { world in
            let (used, fresh) = (world.serialsA[0], world.serialsA[1])
            var desk = try await Browser.signedIn(world.app, as: world.a[.placeAgent]!)
            try await desk.get("/lieu")
            try await desk.post("/lieu", [("category", "outils")] + world.rows(used))
            let response = try await desk.post("/lieu", [("category", "outils")] + world.rows(fresh, used))
            #expect(response.status == .unprocessableEntity)
            let body = response.body.string
            #expect(body.contains("<li class=\"desk-row refused-row\">"))
            #expect(body.contains("name=\"serial1\" value=\"\(used.grouped)\" autocomplete=\"off\" inputmode=\"numeric\" aria-invalid=\"true\" aria-describedby=\"ligne1-erreur\""))
            #expect(body.contains("id=\"ligne1-erreur\">Chèque 2\u{00A0}: Ce chèque a déjà été utilisé."))
            #expect(!body.contains("ligne0-erreur"), "the first row was correct")
            #expect(body.contains("class=\"errors\" role=\"alert\""), "a refusal is an alert in the error style")
            #expect(try await world.store.stateOf(fresh) == CheckState.distributed.rawValue, "all or nothing")
        }
    }

    @Test("Running the payouts shows what will be paid first; nothing runs before Confirmer", arguments: Database.allCases)
    func payoutsConfirmed(database: Database) async throws {
        try await WebWorld.with(database) { world in
            let codes = world.serialsA.prefix(3).map { PresentedCheck(serial: $0.grouped, code: world.store.secret.securityCode(for: $0).grouped) }
            #expect(try await world.store.validate(ValidationRequest(place: world.placeA, checks: codes, category: .everydayTools, key: "k")).accepted)
            world.clock.set(CivilDate("2026-04-02")!.start.addingTimeInterval(3600 * 10))
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            try await admin.get("/operateur/remboursements?mois=2026-03")
            let posted = try await admin.post("/operateur/remboursements", [("mois", "2026-03")])
            #expect(posted.status == .seeOther)
            #expect(posted.headers.first(name: .location) == "/operateur/remboursements/lancement?mois=2026-03")
            let page = try await admin.get("/operateur/remboursements/lancement?mois=2026-03")
            #expect(page.status == .ok)
            let body = page.body.string
            #expect(body.contains("<dt>Lieux à rembourser</dt><dd>1</dd>") && body.contains("<dt>Chèques</dt><dd>3</dd>"))
            #expect(body.contains("<dt>Montant des chèques</dt><dd>30,00\u{00A0}€</dd>"))
            #expect(body.contains("name=\"confirme\" value=\"oui\"") && body.contains("name=\"_csrf\""))
            #expect(try await world.store.payoutRuns().isEmpty, "neither the POST without confirmation nor the page ran anything")
            #expect(try await admin.post("/operateur/remboursements", [("mois", "2026-03"), ("confirme", "oui")]).status == .seeOther)
            #expect(try await world.store.payoutRuns().count == 1)
        }
    }

    @Test("Declaring a check lost goes through a confirmation page; the check is blocked only after Confirmer", arguments: Database.allCases)
    func oppositionConfirmed(database: Database) async throws {
        try await WebWorld.with(database) { world in
            let serial = world.serialsA[4]
            var prescriber = try await Browser.signedIn(world.app, as: world.a[.prescriberAgent]!)
            try await prescriber.get("/prescripteur/opposition")
            let posted = try await prescriber.post("/prescripteur/opposition", [("serial", serial.grouped), ("reason", "lost")])
            #expect(posted.status == .seeOther)
            let location = try #require(posted.headers.first(name: .location))
            #expect(location.hasPrefix("/prescripteur/opposition/confirmation?"))
            let page = try await prescriber.get(location)
            #expect(page.body.string.contains("Déclarer le chèque \(serial.grouped) perdu\u{202F}?"))
            #expect(page.body.string.contains("href=\"/prescripteur/opposition\">Annuler</a>"))
            #expect(try await world.store.stateOf(serial) == CheckState.distributed.rawValue)
            let confirmed = try await prescriber.post("/prescripteur/opposition", [("serial", serial.compact), ("reason", "lost"), ("confirme", "oui")])
            #expect(confirmed.status == .seeOther)
            #expect(try await world.store.stateOf(serial) == CheckState.voided.rawValue)
        }
    }

    @Test("Cancelling a check and closing programmes are confirmed first, with their figures", arguments: Database.allCases)
    func reversalAndExpiryConfirmed(database: Database) async throws {
        try await WebWorld.with(database) { world in
            let serial = world.serialsA[0]
            let codes = [PresentedCheck(serial: serial.grouped, code: world.store.secret.securityCode(for: serial).grouped)]
            #expect(try await world.store.validate(ValidationRequest(place: world.placeA, checks: codes, category: .everydayTools, key: "k")).accepted)
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            try await admin.get("/operateur/remboursements")
            let posted = try await admin.post("/operateur/annulations", [("serial", serial.grouped), ("reason", "validé par erreur")])
            let location = try #require(posted.headers.first(name: .location))
            let page = try await admin.get(location).body.string
            #expect(page.contains("Annuler le chèque \(serial.grouped)\u{202F}?") && page.contains("<dd>validé par erreur</dd>"))
            #expect(try await world.store.stateOf(serial) == CheckState.redeemed.rawValue)
            try await admin.post("/operateur/annulations", [("serial", serial.compact), ("reason", "validé par erreur"), ("confirme", "oui")])
            #expect(try await world.store.stateOf(serial) == CheckState.voided.rawValue)

            // Past the end of the programmes and their grace period, both would close: their unused checks are counted.
            let expiry = try await world.store.programme(world.programmeA).terms.expiryDay
            world.clock.set(expiry.start.addingTimeInterval(3600 * 10))
            admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            let expiring = try await world.store.expiryPreview()
            #expect(expiring.count == 2)
            let preview = try await admin.get("/operateur/expiration").body.string
            #expect(preview.contains("Programme secret A, Programme secret B"))
            let checks = expiring.reduce(0) { $0 + $1.checks }
            #expect(preview.contains("<dt>Chèques qui expirent</dt><dd>\(checks)</dd>"))
            #expect(try await admin.post("/operateur/expiration", []).status == .seeOther)
            #expect(try await world.store.programme(world.programmeA).expired == false, "nothing closes before Confirmer")
            try await admin.get("/operateur/expiration")
            try await admin.post("/operateur/expiration", [("confirme", "oui")])
            #expect(try await world.store.programme(world.programmeA).expired)
        }
    }

    @Test("A final decision on a place is confirmed first; a reversible one is not", arguments: Database.allCases)
    func placeDecisionConfirmed(database: Database) async throws {
        try await WebWorld.with(database) { world in
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            try await admin.get("/operateur")
            let posted = try await admin.post("/operateur/lieux/\(world.placeB)/etat", [("state", "disqualified"), ("reason", "fraude")])
            let location = try #require(posted.headers.first(name: .location))
            #expect(location.hasPrefix("/operateur/lieux/\(world.placeB)/etat?"))
            let page = try await admin.get(location).body.string
            #expect(page.contains("<dd>Lieu B</dd>") && page.contains("<dd>Retiré</dd>") && page.contains("<dd>fraude</dd>"))
            #expect(try await world.store.placeState(world.placeB) == .qualified)
            try await admin.post("/operateur/lieux/\(world.placeB)/etat", [("state", "disqualified"), ("reason", "fraude"), ("confirme", "oui")])
            #expect(try await world.store.placeState(world.placeB) == .disqualified)
            // Suspending can be undone: no confirmation step.
            try await admin.get("/operateur")
            try await admin.post("/operateur/lieux/\(world.placeA)/etat", [("state", "suspended"), ("reason", "contrôle")])
            #expect(try await world.store.placeState(world.placeA) == .suspended)
        }
    }

    @Test("A refused action comes back as an error, red and announced, never in the style of a success", arguments: Database.allCases)
    func errorsAsErrors(database: Database) async throws {
        try await WebWorld.with(database) { world in
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            try await admin.get("/operateur/remboursements")
            try await admin.post("/operateur/annulations", [("serial", "123"), ("reason", "x")])
            let page = try await admin.get("/operateur/remboursements").body.string
            #expect(page.contains("<p class=\"errors\" role=\"alert\">Non annulé\u{00A0}: ce numéro de chèque n’est pas valable.</p>"))
            try await admin.post("/operateur/taches", [("job", "inconnue")])
            let jobs = try await admin.get("/operateur/taches").body.string
            #expect(jobs.contains("<p class=\"errors\" role=\"alert\">Tâche inconnue"))
            // A success stays a status.
            try await admin.post("/operateur/financeurs", [("name", "Nouveau financeur")])
            #expect(try await admin.get("/operateur").body.string.contains("<p class=\"notice\" role=\"status\">Financeur ajouté.</p>"))
        }
    }
}

extension WebWorld {
    /// The desk's rows for `serials`, each with its code, as a person types them (grouped).
    func rows(_ serials: CheckSerial...) -> [(String, String)] {
        serials.enumerated().flatMap { index, serial in
            [("serial\(index)", serial.grouped), ("code\(index)", store.secret.securityCode(for: serial).grouped)]
        }
    }
}

extension Store {
    /// A check's state as stored.
    func stateOf(_ serial: CheckSerial) async throws -> String? {
        try await read { tx in
            try await tx.sql.raw("SELECT state FROM checks WHERE id = \(bind: serial.number)").first(decodingColumn: "state", as: String.self)
        }
    }
}
