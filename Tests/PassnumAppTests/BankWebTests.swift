import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

@Suite("Web application: bank details under four eyes, checked SEPA files")
struct BankWebTests {
    static let iban = "FR7630006000011234567890189"

    /// A second operator admin, for the four-eyes rule.
    static func secondAdmin(_ world: WebWorld) async throws -> String {
        let email = "operator_admin-2@test.fr"
        try await world.store.createUser(email: email, name: "Second admin", passwordHash: try Bcrypt.hash(WebWorld.password, cost: 4),
                                         role: .operatorAdmin, organisation: .operator)
        return email
    }

    @Test("A place manager asks for new bank details on its page; an operator admin verifies them from the place's page")
    func placeProposesOperatorVerifies() async throws {
        try await WebWorld.with { world in
            var manager = try await Browser.signedIn(world.app, as: world.a[.placeManager]!)
            #expect(try await manager.get("/lieu/banque").body.string.contains("Aucun compte vérifié"))
            let refused = try await manager.post("/lieu/banque", [("holder", "Lieu A"), ("iban", "FR7630006000011234567890188"), ("bic", "AGRIFRPP"),
                                                                  ("reason", "nouveau compte")])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("erreur de frappe"))
            let missingReason = try await manager.post("/lieu/banque", [("holder", "Lieu A"), ("iban", Self.iban), ("bic", "AGRIFRPP"), ("reason", "")])
            #expect(missingReason.status == .unprocessableEntity && missingReason.body.string.contains("Indiquez pourquoi le compte change."))
            #expect(try await world.store.bankDetailsChanges(of: world.placeA).isEmpty)
            #expect(try await manager.post("/lieu/banque", [("holder", "Lieu A"), ("iban", "FR76 3000 6000 0112 3456 7890 189"), ("bic", "agrifrpp"),
                                                            ("reason", "nouveau compte")]).status == .seeOther)
            let page = try await manager.get("/lieu/banque").body.string
            #expect(page.contains("Changement en attente") && page.contains("FR76 3000 6000 0112 3456 7890 189"))

            // Place agents do not change bank details; nor does another place see these.
            var agent = try await Browser.signedIn(world.app, as: world.a[.placeAgent]!)
            #expect(try await agent.get("/lieu/banque").status == .forbidden)
            var other = try await Browser.signedIn(world.app, as: world.b[.placeManager]!)
            #expect(!(try await other.get("/lieu/banque").body.string.contains("3456 7890 189")))

            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            #expect(try await admin.get("/operateur/banque").body.string.contains(">Lieu A</a>"))
            #expect(try await admin.get("/operateur/lieux/\(world.placeA)").body.string.contains("Enregistrer la décision"))
            let change = try #require(try await world.store.bankDetailsChanges(of: world.placeA).first)
            try await admin.post("/operateur/banque/\(change.id)/decision", [("decision", "reject"), ("reason", "")])
            #expect(try await admin.get("/operateur/lieux/\(world.placeA)").body.string.contains("Non enregistré\u{00A0}: indiquez le motif du refus."))
            #expect(try await admin.post("/operateur/banque/\(change.id)/decision", [("decision", "verify"), ("reason", "")]).status == .seeOther)
            #expect(try await admin.get("/operateur/lieux/\(world.placeA)").body.string.contains("Coordonnées vérifiées"))
            #expect(try await world.store.verifiedBankDetails(of: world.placeA)?.decidedBy == world.a[.operatorAdmin]!)
            #expect(try await manager.get("/lieu/banque").body.string.contains("vérifiées"))
        }
    }

    @Test("Bank details given with a place's record: the operator reads who gave them and why in French, not as recorded")
    func recordedReasonInFrench() async throws {
        try await WebWorld.with { world in
            let place = try await world.store.createPlace(NewPlace(name: "Lieu C", commune: CommuneCode("59350")!, postcode: "59000",
                                                                   bank: ApplicationData.Bank(holder: "Lieu C", iban: Self.iban, bic: "AGRIFRPP")))
            let change = try #require(try await world.store.bankDetailsChanges(of: place).first)
            #expect(change.reason == "given with the place's record" && change.proposedBy == "place \(place)")
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            for path in ["/operateur/lieux/\(place)", "/operateur/banque"] {
                let page = try await admin.get(path).body.string
                #expect(page.contains("Donné avec la fiche du lieu.") && page.contains("Lieu n° \(place)"), "\(path)")
                #expect(!page.contains("given with the place") && !page.contains(">place \(place)<"), "\(path)")
            }
        }
    }

    @Test("Bank details typed by an operator admin wait for a second operator admin; the first cannot approve them, other roles cannot type them")
    func operatorChangeNeedsSecondAdmin() async throws {
        try await WebWorld.with { world in
            let second = try await Self.secondAdmin(world)
            var funder = try await Browser.signedIn(world.app, as: world.b[.funderManager]!)
            try await funder.get("/financeur")
            #expect(try await funder.post("/operateur/lieux/\(world.placeB)/banque",
                                          [("holder", "Fraude"), ("iban", Self.iban), ("bic", "AGRIFRPP"), ("reason", "x")]).status == .forbidden)
            #expect(try await world.store.bankDetailsChanges(of: world.placeB).map(\.id) == [world.bankChangeB])

            var first = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            try await first.get("/operateur/lieux/\(world.placeB)")
            #expect(try await first.post("/operateur/lieux/\(world.placeB)/banque",
                                         [("holder", "Lieu B"), ("iban", Self.iban), ("bic", "AGRIFRPP"), ("reason", "RIB reçu par courrier")]).status == .seeOther)
            var page = try await first.get("/operateur/lieux/\(world.placeB)").body.string
            #expect(page.contains("Un autre administrateur doit les vérifier") && page.contains("un autre administrateur doit le vérifier"))
            #expect(!page.contains("Enregistrer la décision"))
            let change = try #require(try await world.store.bankDetailsChanges(of: world.placeB).first)
            // The place's own pending request is replaced, and that is in the history.
            #expect(try await world.store.bankDetailsChange(world.bankChangeB)?.state == .superseded)
            #expect(page.contains("remplacées par une demande plus récente"))
            try await first.post("/operateur/banque/\(change.id)/decision", [("decision", "verify"), ("reason", "")])
            page = try await first.get("/operateur/lieux/\(world.placeB)").body.string
            #expect(page.contains("Non enregistré\u{00A0}: un autre administrateur que la personne qui a saisi ce changement doit le vérifier."))
            #expect(try await world.store.verifiedBankDetails(of: world.placeB) == nil)

            var other = try await Browser.signedIn(world.app, as: second)
            #expect(try await other.get("/operateur/lieux/\(world.placeB)").body.string.contains("Enregistrer la décision"))
            #expect(try await other.post("/operateur/banque/\(change.id)/decision", [("decision", "verify"), ("reason", "")]).status == .seeOther)
            #expect(try await world.store.verifiedBankDetails(of: world.placeB)?.decidedBy == second)
            #expect(try await other.get("/operateur/banque/999999/decision").status == .notFound)
            try await other.get("/operateur/banque")
            #expect(try await other.post("/operateur/banque/999999/decision", [("decision", "verify")]).status == .notFound)
            #expect(try await other.post("/operateur/banque/999999/decision", [("decision", "")]).status == .notFound)
        }
    }

    @Test("A SEPA file changed on disk is refused with a French page; a deleted one is served again, identical")
    func sepaDownloadIsChecked() async throws {
        try await WebWorld.with { world in
            let store = world.store
            var admin = try await world.operatorPaidMarch(checks: 2)
            let batch = try #require(try await store.payoutBatches().first)
            let original = try await admin.get("/operateur/virements/\(batch.id)")
            #expect(original.status == .ok && original.body.string.contains("<IBAN>\(Self.iban)</IBAN>"))
            let url = store.configuration.dataDirectory.appendingPathComponent(try #require(batch.file))

            try Data((original.body.string.replacingOccurrences(of: "20.00", with: "2000.00")).utf8).write(to: url)
            let refused = try await admin.get("/operateur/virements/\(batch.id)")
            #expect(refused.status == .conflict && refused.body.string.contains("Ce fichier a été modifié depuis sa création"))

            try FileManager.default.removeItem(at: url)
            let again = try await admin.get("/operateur/virements/\(batch.id)")
            #expect(again.status == .ok && again.body.string == original.body.string)
            #expect(try await store.sepaFileHash(batch: batch.id) == sha256Hex(Data(again.body.string.utf8)))
        }
    }
}

@Suite("Required settings")
struct RequiredSettingsTests {
    static let complete = [
        "PASSNUM_OPERATOR_NAME": "Opérateur de Gironde", "PASSNUM_OPERATOR_IBAN": "FR76 3000 1007 9412 3456 7890 185",
        "PASSNUM_OPERATOR_BIC": "BDFEFRPP", "PASSNUM_PUBLIC_URL": "https://pass.example.fr",
    ]

    @Test("passnum serve without --demo refuses to start without the operator's account and public address, naming every missing variable")
    func serveRefusesWithoutSettings() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-settings-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(await PassnumMain.run(["passnum", "serve", "--data-dir", directory.path], environment: [:]) == 1)
        // Refused before anything was opened or written.
        #expect(!FileManager.default.fileExists(atPath: directory.path))

        #expect {
            try StartupSettings.check([:], required: true)
        } throws: { error in
            let text = String(describing: error)
            return ["PASSNUM_OPERATOR_NAME", "PASSNUM_OPERATOR_IBAN", "PASSNUM_OPERATOR_BIC", "PASSNUM_PUBLIC_URL", "passnum serve --demo"]
                .allSatisfy(text.contains)
        }
        var partial = Self.complete
        partial["PASSNUM_OPERATOR_BIC"] = " "
        #expect(throws: SettingsError(problems: ["PASSNUM_OPERATOR_BIC is not set (the BIC of the operator's bank)",
                                                 "to try the platform with demo values instead, run `passnum serve --demo`"])) {
            try StartupSettings.check(partial, required: true)
        }
    }

    @Test("The settings are validated (IBAN mod 97, BIC, http or https address), and a refused IBAN is never repeated in the message")
    func settingsAreValidated() throws {
        let account = try StartupSettings.check(Self.complete, required: true)
        #expect(account.account == .init(name: "Opérateur de Gironde", iban: "FR7630001007941234567890185", bic: "BDFEFRPP"))
        var wrong = Self.complete
        wrong["PASSNUM_OPERATOR_IBAN"] = "FR7630001007941234567890186"
        wrong["PASSNUM_OPERATOR_BIC"] = "12"
        wrong["PASSNUM_PUBLIC_URL"] = "ftp://pass.example.fr"
        #expect {
            try StartupSettings.check(wrong, required: false)
        } throws: { error in
            let text = String(describing: error)
            return text.contains("PASSNUM_OPERATOR_IBAN is not a valid IBAN") && text.contains("PASSNUM_OPERATOR_BIC is not a valid BIC")
                && text.contains("PASSNUM_PUBLIC_URL must be an http:// or https:// address") && !text.contains("7941234567890186")
        }
        for url in ["https://pass.example.fr", "http://127.0.0.1:8080", "https://pass.example.fr/sous-dossier"] {
            #expect(StartupSettings.validPublicURL(url), "\(url)")
        }
        for url in ["pass.example.fr", "https://", "javascript:alert(1)", "https://pass.example.fr/?x=1"] {
            #expect(!StartupSettings.validPublicURL(url), "\(url)")
        }
    }

    @Test("With --demo, and for the other commands, nothing is required: the demo's account fills what is not set")
    func demoNeedsNothing() throws {
        #expect(try StartupSettings.check([:], required: false) == .demo)
        #expect(try StartupSettings.check(["PASSNUM_OPERATOR_NAME": "Autre"], required: false).account.name == "Autre")
    }
}
