import Foundation
@testable import PassnumApp
import PassnumDomain
import PassnumPersistence
import Testing
import Vapor
import VaporTesting

extension WebWorld {
    /// The start of the payout tests on the web: place A validates its first `checks` checks in March and its bank
    /// details are verified; on 2 April the operator runs March's payouts from the payouts page. Returns the
    /// operator's browser.
    func operatorPaidMarch(checks count: Int) async throws -> Browser {
        let codes = serialsA.prefix(count).map { PresentedCheck(serial: $0.grouped, code: store.secret.securityCode(for: $0).grouped) }
        #expect(try await store.validate(ValidationRequest(place: placeA, checks: codes, category: .everydayTools, key: "k")).accepted)
        let change = try await store.proposeBankDetails(ApplicationData.Bank(holder: "Lieu A", iban: "FR7630006000011234567890189", bic: "AGRIFRPP"),
                                                        place: placeA, reason: "RIB", actor: Actor("manager", organisation: .place(placeA)))
        try await store.decideBankDetails(change: change.id, verify: true, reason: nil, actor: Actor("op", organisation: .operator))
        clock.set(CivilDate("2026-04-02")!.start.addingTimeInterval(3600 * 10))
        var admin = try await Browser.signedIn(app, as: try #require(a[.operatorAdmin]))
        try await admin.get("/operateur/remboursements?mois=2026-03")
        #expect(try await admin.post("/operateur/remboursements", [("mois", "2026-03"), ("confirme", "oui")]).status == .seeOther)
        return admin
    }
}
