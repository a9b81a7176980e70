import PassnumDomain
import PassnumPersistence

/// One person a prescriber follows: the diagnostic, the hand-out form, the checks they received.
enum PrescriberBeneficiaryPage {
    struct Model: Sendable, Equatable {
        var person: BeneficiaryRow
        /// The checks the diagnostic's level advises, once there is one.
        var recommended: Int?
        /// The prescriber's booklets that still have checks to hand out.
        var booklets: [BookletRow]
        var checks: [CheckRow]
        /// The publics of the programme whose checks the form offers first, which the prescriber may tick; empty: none asked.
        var targetPublics: [TargetPublic] = []

        /// Nil when the person is not one of this prescriber's.
        static func query(store: Store, prescriber: PrescriberID, person id: BeneficiaryID) async throws -> Model? {
            guard let person = try await store.beneficiary(id, of: prescriber) else { return nil }
            // The first booklets with checks left (as many as a page may hold): the form offers one of them.
            let booklets = try await store.booklets(of: prescriber, withChecksLeft: true, PageRequest(limit: PageRequest.maximumLimit)).rows
            let checks = try await store.checks(ofBeneficiary: person.id)
            // The grid and bounds of the programme the prescriber hands out, as `recordDiagnostic` used.
            let programme = try await store.diagnosticProgramme(of: prescriber)
            let recommended = person.level.map {
                (programme?.diagnosticGrid ?? .standard).recommendedChecks(
                    level: $0, minimum: programme?.terms.minChecksPerBeneficiary, maximum: programme?.terms.maxChecksPerBeneficiary)
            }
            return Model(person: person, recommended: recommended, booklets: booklets, checks: checks,
                         targetPublics: programme?.targetPublics ?? [])
        }
    }
}
