import Foundation
import PassnumDomain
import Testing

@Suite("The rules of a place's application steps")
struct ApplicationRulesTests {
    static let organisation = ApplicationData.Organisation(name: " Association Clic ", siret: "732 829 320 00074", phone: "03 20 00 00 00",
                                                           email: " Contact@Clic.FR ", website: "https://clic.fr", summary: "Ateliers.")
    static let site = ApplicationData.Site(name: "Clic Lille", address: "1 rue Nationale", postcode: "59000", communeCode: "59350",
                                           communeName: "Lille", latitude: 50.63, longitude: 3.06, access: " ")

    /// The problems a submission is refused with, or [] when it is accepted.
    static func problems(_ submission: ApplicationSubmission) -> [ApplicationProblem] {
        do {
            _ = try submission.validated()
            return []
        } catch {
            return error.all
        }
    }

    @Test("A valid organisation is normalised: trimmed name, SIRET digits, international phone, lower-case e-mail")
    func organisationNormalised() throws {
        let valid = try Self.organisation.validated()
        #expect(valid == ApplicationData.Organisation(name: "Association Clic", siret: "73282932000074", phone: "+33320000000",
                                                      email: "contact@clic.fr", website: "https://clic.fr", summary: "Ateliers."))
        #expect(try valid.validated() == valid)
    }

    @Test("Every problem of the organisation step is found at once, in the form's order")
    func organisationProblems() {
        let bad = ApplicationData.Organisation(name: " ", siret: "73282932000075", phone: "12", email: "nope", website: "clic.fr",
                                               summary: String(repeating: "a", count: 281))
        #expect(Self.problems(.organisation(bad)) == [.name, .siret(.badChecksum), .phone, .email, .website, .summaryTooLong(max: 280)])
        #expect(Self.problems(.organisation(ApplicationData.Organisation(name: String(repeating: "n", count: 201), siret: "7328293200007")))
                == [.nameTooLong(max: 200), .siret(.notFourteenDigits)])
    }

    @Test("Optional contact fields left blank are not stored, and 280 characters of summary are enough")
    func organisationOptionalFields() throws {
        let valid = try ApplicationData.Organisation(name: "Clic", siret: "73282932000074", phone: " ", email: "", website: nil,
                                                     summary: String(repeating: "a", count: 280)).validated()
        #expect(valid.phone == nil && valid.email == nil && valid.website == nil && valid.summary?.count == 280)
    }

    @Test("Phone numbers: French ones become international, others must start with +", arguments: [
        ("03 20 00 00 00", "+33320000000"), ("+32 2 555 12 12", "+3225551212"), ("0320", nil), ("3 20 00 00 00", nil), ("+٣٣٣٢٠٠٠٠٠٠٠", nil),
    ] as [(String, String?)])
    func phone(text: String, expected: String?) {
        #expect(ApplicationData.phone(text) == expected)
    }

    @Test("A site needs a name, an address, a 5-digit postcode, a commune and its INSEE code; coordinates on Earth")
    func siteProblems() {
        let empty = ApplicationData.Site(name: "", address: " ", postcode: "5900", communeCode: "00000", communeName: "")
        #expect(Self.problems(.sites([Self.site, empty])) == [
            .site(position: 1, .name), .site(position: 1, .address), .site(position: 1, .postcode), .site(position: 1, .communeName),
            .site(position: 1, .communeCode),
        ])
        var lost = Self.site
        lost.latitude = 91
        lost.longitude = .nan
        #expect(Self.problems(.sites([lost])) == [.site(position: 0, .latitude), .site(position: 0, .longitude)])
        var wide = Self.site
        wide.postcode = "５９０００"
        #expect(Self.problems(.sites([wide])) == [.site(position: 0, .postcode)])
        #expect(Self.problems(.sites([])) == [.noSite])
    }

    @Test("A valid site keeps its coordinates, the INSEE code in capitals, and no blank access text")
    func siteNormalised() throws {
        var corsica = Self.site
        corsica.communeCode = "2a004"
        let valid = try ApplicationData.Site.validated([corsica])
        #expect(valid.first?.communeCode == "2A004" && valid.first?.access == nil && valid.first?.latitude == 50.63)
    }

    @Test("The representative needs every field and a complete e-mail address")
    func representative() {
        let bad = ApplicationData.Representative(firstName: "", lastName: " ", role: "", email: "claire@")
        #expect(Self.problems(.representative(bad)) == [.firstName, .lastName, .role, .email])
        #expect(Self.problems(.representative(ApplicationData.Representative(firstName: "Claire", lastName: "Dupont", role: "Présidente",
                                                                             email: "claire@example.fr"))) == [])
    }

    @Test("Every eligibility question needs a yes or a no")
    func eligibility() throws {
        #expect(Self.problems(.eligibility([true, nil, false])) == [.unanswered(question: 1), .unanswered(question: 3)])
        #expect(try ApplicationSubmission.eligibility([true, false, true, true, true]).validated() == .eligibility([true, false, true, true]))
    }

    @Test("At least one service, listed once in the standard's order; unknown specific supports are dropped")
    func services() throws {
        #expect(Self.problems(.services(ApplicationData.Services(categories: []))) == [.noService])
        let valid = try ApplicationData.Services(categories: [.safeUse, .everydayTools, .safeUse], accessibility: ["Surdité", "Télépathie"]).validated()
        #expect(valid.categories == ServiceCategory.allCases.filter { $0 == .safeUse || $0 == .everydayTools })
        #expect(valid.accessibility == ["Surdité"])
    }

    @Test("Opening hours must be in the open-data standard's syntax")
    func hours() throws {
        #expect(try ApplicationData.Hours(openingHours: " Mo-Fr 09:00-17:00 ").validated().openingHours == "Mo-Fr 09:00-17:00")
        guard case .hours? = Self.problems(.hours(ApplicationData.Hours(openingHours: "lundi matin"))).first else {
            Issue.record("unreadable hours accepted")
            return
        }
    }

    @Test("Bank details need a holder, an IBAN with its checksum and a BIC; both kept in their electronic form")
    func bank() throws {
        #expect(Self.problems(.bank(ApplicationData.Bank(holder: "", iban: "FR7630006000011234567890188", bic: "AGRI"))) ==
                [.holder, .iban(.badChecksum), .bic])
        #expect(Self.problems(.bank(ApplicationData.Bank(holder: "Clic", iban: "FR76300060000112345678901", bic: "AGRIFRPP"))) == [.iban(.badLength)])
        let valid = try ApplicationData.Bank(holder: " Clic ", iban: "fr76 3000 6000 0112 3456 7890 189", bic: "agri frpp").validated()
        #expect(valid == ApplicationData.Bank(holder: "Clic", iban: "FR7630006000011234567890189", bic: "AGRIFRPP"))
    }

    @Test("Each problem names the field and problem the store's callers know")
    func domainErrors() {
        #expect(ApplicationProblem.iban(.badFormat).domainError == .invalid(field: .iban, problem: .malformed))
        #expect(ApplicationProblem.site(position: 0, .postcode).domainError == .invalid(field: .sites, problem: .incompleteSite(position: 1)))
        #expect(ApplicationProblem.summaryTooLong(max: 280).domainError == .invalid(field: .summary, problem: .tooLong(max: 280)))
    }

    @Test("A submission knows its step")
    func steps() {
        #expect(ApplicationSubmission.documents.step == .documents)
        #expect(ApplicationSubmission.eligibility([]).step == .eligibility)
        #expect(ApplicationSubmission.bank(ApplicationData.Bank(holder: "", iban: "", bic: "")).step == .bank)
    }
}
