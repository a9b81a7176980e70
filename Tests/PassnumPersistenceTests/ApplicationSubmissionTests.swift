import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("The store applies the domain's rules to each application step")
struct ApplicationSubmissionTests {
    @Test("An invalid bank step is refused and nothing is stored; a valid one is stored normalised", arguments: TestDatabase.allCases)
    func invalidBankStep(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let (_, place) = try await store.signUpPlace(email: "clic@example.fr", name: "Claire", passwordHash: "x", placeName: "Clic")
            await #expect(throws: DomainError.invalid(field: .iban, problem: .malformed)) {
                try await store.submit(.bank(ApplicationData.Bank(holder: "Clic", iban: "FR7630006000011234567890188", bic: "AGRIFRPP")), place: place)
            }
            await #expect(throws: DomainError.invalid(field: .holder, problem: .empty)) {
                try await store.submit(.bank(ApplicationData.Bank(holder: " ", iban: "FR7630006000011234567890189", bic: "AGRIFRPP")), place: place)
            }
            await #expect(throws: DomainError.invalid(field: .bic, problem: .malformed)) {
                try await store.submit(.bank(ApplicationData.Bank(holder: "Clic", iban: "FR7630006000011234567890189", bic: "AGRI")), place: place)
            }
            #expect(try await store.application(of: place).steps[.bank] == nil)
            let bankChanges = try await store.read { tx in try await tx.bankDetailsChanges(of: place) }
            #expect(bankChanges.isEmpty)

            try await store.submit(.bank(ApplicationData.Bank(holder: "Clic", iban: "fr76 3000 6000 0112 3456 7890 189", bic: "agrifrpp")),
                                   place: place, actor: Actor("clic@example.fr", organisation: .place(place)))
            #expect(try await store.application(of: place).decode(ApplicationData.Bank.self, .bank)
                    == ApplicationData.Bank(holder: "Clic", iban: "FR7630006000011234567890189", bic: "AGRIFRPP"))
        }
    }

    @Test("Other steps are refused with their first problem, and an unanswered question is not stored", arguments: TestDatabase.allCases)
    func invalidSteps(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let (_, place) = try await store.signUpPlace(email: "clic@example.fr", name: "Claire", passwordHash: "x", placeName: "Clic")
            await #expect(throws: DomainError.invalid(field: .answers, problem: .answerCount(expected: 4))) {
                try await store.submit(.eligibility([true, true, nil, true]), place: place)
            }
            await #expect(throws: DomainError.invalid(field: .sites, problem: .incompleteSite(position: 1))) {
                try await store.submit(.sites([ApplicationData.Site(name: "Clic", address: "1 rue", postcode: "590", communeCode: "59350",
                                                                    communeName: "Lille")]), place: place)
            }
            await #expect(throws: DomainError.invalid(field: .summary, problem: .tooLong(max: 280))) {
                try await store.submit(.organisation(ApplicationData.Organisation(name: "Clic", siret: "73282932000074",
                                                                                  summary: String(repeating: "a", count: 281))), place: place)
            }
            #expect(try await store.application(of: place).steps.isEmpty)
            try await store.submit(.eligibility([true, false, true, true]), place: place)
            #expect(try await store.application(of: place).decode(ApplicationData.Eligibility.self, .eligibility)?.answers == [true, false, true, true])
        }
    }
}
