import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

@Suite("Web application: payouts, reversals, fees, invoices and credit notes")
struct MoneyWebTests {
    @Test("The operator runs a month's payouts, downloads the SEPA file, marks it sent, records the bank's date, and reverses a check")
    func payoutLifecycle() async throws {
        try await WebWorld.with { world in
            let store = world.store
            var admin = try await world.operatorPaidMarch(checks: 3)
            var page = try await admin.get("/operateur/remboursements").body.string
            #expect(page.contains("prêt, pas encore remis à la banque") && page.contains("href=\"/operateur/virements/1\""))
            let file = try await admin.get("/operateur/virements/1")
            #expect(file.status == .ok && file.headers.contentType?.subType == "xml")
            #expect(file.body.string.contains("<EndToEndId>PN-2026-03-") && file.body.string.contains("<CtrlSum>30.00</CtrlSum>"))
            #expect(try await admin.get("/operateur/virements/2").status == .notFound)

            // Settling before the file went to the bank is refused, in French.
            try await admin.get("/operateur/remboursements")
            try await admin.post("/operateur/virements/1/execute", [("date", "2026-04-02"), ("confirme", "oui")])
            #expect(try await admin.get("/operateur/remboursements").body.string.contains("Non enregistré\u{00A0}: Cette action n’est pas possible"))
            try await admin.post("/operateur/virements/1/transmis", [("confirme", "oui")])
            try await admin.get("/operateur/remboursements")
            try await admin.post("/operateur/virements/1/execute", [("date", "2026-05-01"), ("confirme", "oui")])
            page = try await admin.get("/operateur/remboursements").body.string
            // The batch was prepared and is settled on the same day: that day is the only acceptable bank date.
            #expect(page.contains("Date des virements\u{00A0}: elle doit être le 2 avril 2026."))
            try await admin.post("/operateur/virements/1/execute", [("date", "2026-04-02"), ("confirme", "oui")])
            page = try await admin.get("/operateur/remboursements").body.string
            #expect(page.contains("fait par la banque le 2 avril 2026"))

            var place = try await Browser.signedIn(world.app, as: world.a[.placeAgent]!)
            #expect(try await place.get("/lieu/remboursements").body.string.contains("<td>fait</td>"))

            try await admin.post("/operateur/annulations", [("serial", world.serialsA[0].grouped), ("reason", "")])
            #expect(try await admin.get("/operateur/remboursements").body.string.contains("Non annulé\u{00A0}: Motif\u{00A0}: à remplir."))
            try await admin.post("/operateur/annulations", [("serial", world.serialsA[0].grouped), ("reason", "chèque volé"), ("confirme", "oui")])
            #expect(try await admin.get("/operateur/remboursements").body.string.contains("10,00\u{00A0}€ seront retenus sur le prochain remboursement"))
            #expect(try await store.verify().isEmpty)
            #expect(try await admin.get("/operateur/journal").body.string.contains("Chèque annulé après validation"))
        }
    }

    @Test("The operator sets the fees (only a kind the list offers); a funder sees its own invoices and credit notes, and nobody else's")
    func invoicesAndCreditNotes() async throws {
        try await WebWorld.with { world in
            var admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            try await admin.get("/operateur/frais")
            let refused = try await admin.post("/operateur/frais", [("kind", "rate"), ("value", "abc"), ("subscription", "0")])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("Indiquez un pourcentage entre 0 et 100"))
            #expect(try await world.store.feeSchedule() == .none)
            #expect(try await admin.post("/operateur/frais", [("kind", "rate"), ("value", "2,5"), ("subscription", "0")]).status == .seeOther)
            #expect(try await admin.get("/operateur/frais").body.string.contains("value=\"2,5\""))
            // A kind the list does not offer (or none at all) is refused; it does not drop the fee.
            for kind in ["", "gratuit"] {
                try await admin.get("/operateur/frais")
                #expect(try await admin.post("/operateur/frais", [("kind", kind), ("value", "2"), ("subscription", "0")]).status == .badRequest)
            }
            #expect(try await world.store.feeSchedule().managementFee == .rate(basisPoints: 250))

            let order = try await world.store.createOrder(programme: world.programmeA, booklets: 4, actor: .system)
            try await world.store.carry(order, to: .invoiced)
            var funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            let list = try await funder.get("/financeur/factures").body.string
            #expect(list.contains("F-2026-00003") && list.contains("F-2026-00001") && !list.contains("F-2026-00002"))
            let invoice = try await funder.get("/documents/factures/3").body.string
            // 40 checks of 10 € = 400 €; fee 2.5 % = 10 €; VAT 2 €.
            #expect(invoice.contains("Facture n° F-2026-00003") && invoice.contains("Frais de gestion (hors taxes)"))
            #expect(invoice.contains("10,00\u{00A0}€") && invoice.contains("2,00\u{00A0}€") && invoice.contains("412,00\u{00A0}€"))
            #expect(try await funder.get("/documents/factures/2").status == .notFound)
            let download = try await funder.get("/documents/factures/3?telecharger=1")
            #expect(download.headers.first(name: .contentDisposition) == "attachment; filename=\"facture-F-2026-00003.html\"")
            var place = try await Browser.signedIn(world.app, as: world.a[.placeManager]!)
            #expect(try await place.get("/documents/factures/1").status == .notFound)

            world.clock.set(CivilDate("2026-08-01")!.start.addingTimeInterval(3600 * 10))
            let notes = try await world.store.expireProgrammes()
            #expect(notes.map(\.number) == ["A-2026-00001", "A-2026-00002"])
            funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            let mine = notes.first { $0.funder == world.funderA }!
            let credit = try await funder.get("/documents/avoirs/\(mine.number == "A-2026-00001" ? 1 : 2)").body.string
            #expect(credit.contains("Avoir n° \(mine.number)") && credit.contains("État") && credit.contains("100\u{00A0}%"))
            #expect(try await funder.get("/documents/avoirs/\(mine.number == "A-2026-00001" ? 2 : 1)").status == .notFound)
            admin = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            let all = try await admin.get("/operateur/factures").body.string
            #expect(all.contains("A-2026-00001") && all.contains("A-2026-00002") && all.contains("F-2026-00002"))
        }
    }
}
