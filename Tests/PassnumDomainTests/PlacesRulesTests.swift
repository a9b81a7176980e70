import Foundation
import PassnumDomain
import Testing

@Suite("Place identifiers, bank details and opening hours")
struct PlacesRulesTests {
    @Test("Valid SIRETs pass, spaces allowed", arguments: ["73282932000074", "732 829 320 00074", "35600000000065", "35600000049837"])
    func validSiret(text: String) {
        #expect(throws: Never.self) { try Siret.check(text).get() }
    }

    @Test("Invalid SIRETs are refused with the reason", arguments: [
        ("73282932000075", Siret.Problem.badChecksum), ("7328293200007", .notFourteenDigits), ("7328293200007A", .notFourteenDigits),
        ("35600000000066", .badChecksum), ("", .notFourteenDigits),
    ])
    func invalidSiret(text: String, problem: Siret.Problem) {
        #expect(throws: problem) { try Siret.check(text).get() }
    }

    @Test("La Poste's SIRETs follow the sum-of-digits rule, not Luhn")
    func laPosteException() {
        // Luhn-valid but digits sum to 26: refused under La Poste's SIREN.
        let luhnValid = "35600000000048"
        #expect(Luhn.isValid(luhnValid.map { Int(String($0))! }))
        #expect(throws: Siret.Problem.badChecksum) { try Siret.check(luhnValid).get() }
    }

    @Test("Valid IBANs pass (ISO 13616 examples)", arguments: [
        "FR7630006000011234567890189", "FR14 2004 1010 0505 0001 3M02 606", "GB82 WEST 1234 5698 7654 32", "de89370400440532013000",
    ])
    func validIBAN(text: String) {
        #expect(throws: Never.self) { try IBAN.check(text).get() }
    }

    @Test("Invalid IBANs are refused with the reason", arguments: [
        ("FR7630006000011234567890188", IBAN.Problem.badChecksum), ("FR763000600001123456789018", .badLength),
        ("FR76-3000", .badFormat), ("7630006000011234567890189FR", .badFormat), ("GB82WEST12345698765433", .badChecksum),
    ])
    func invalidIBAN(text: String, problem: IBAN.Problem) {
        #expect(throws: problem) { try IBAN.check(text).get() }
    }

    @Test("BICs have 8 or 11 characters, bank and country in letters")
    func bic() {
        #expect(BIC.check("bnpafrpp") == "BNPAFRPP")
        #expect(BIC.check("BNPA FRPP XXX") == "BNPAFRPPXXX")
        #expect(BIC.check("BNP1FRPP") == nil)
        #expect(BIC.check("BNPAFRP") == nil)
    }

    @Test("Opening hours in OSM syntax read back in plain French")
    func openingHours() throws {
        let hours = try OpeningHours("Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00; Su,PH off")
        #expect(hours.french == [
            "Du lundi au vendredi : 9 h à 12 h et 14 h à 18 h 30.",
            "Samedi : 8 h 30 à 12 h.",
            "Dimanche, les jours fériés : fermé.",
        ])
        #expect(try OpeningHours("24/7").french == ["Ouvert tous les jours, 24 heures sur 24."])
        #expect(try OpeningHours("10:00-17:00").french == ["Tous les jours : 10 h à 17 h."])
    }

    @Test("Malformed opening hours are refused", arguments: ["", "Lundi 9h-12h", "Mo-Fr 9:00-12:00", "Mo 12:00-09:00", "Mo-Fr 09:00-25:00", "Mo-Fr; Sa 10:00-12:00", "Mo 09:00-12:00 14:00-16:00"])
    func badOpeningHours(text: String) {
        #expect(throws: OpeningHours.ParseError.self) { try OpeningHours(text) }
    }

    @Test("Supporting documents are typed from their content, not their name")
    func documentKinds() {
        #expect(SupportingDocument.kind(of: Array("%PDF-1.7\n".utf8)) == .pdf)
        #expect(SupportingDocument.kind(of: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(SupportingDocument.kind(of: [0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(SupportingDocument.kind(of: Array("MZ\u{90}".utf8)) == nil)
        #expect(SupportingDocument.kind(of: Array("<html>".utf8)) == nil)
    }
}
