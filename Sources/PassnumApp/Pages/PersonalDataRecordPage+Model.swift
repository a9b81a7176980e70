import PassnumDomain
import PassnumPersistence

/// Everything held on one person, printable for them (right of access).
enum PersonalDataRecordPage {
    struct Model: Sendable, Equatable {
        var record: PersonalDataRecord
        /// The months after the end of the last programme before the name is replaced by a number.
        var retentionMonths: Int
        var madeOn: CivilDate

        /// Nil when the person is not one of this prescriber's.
        static func query(store: Store, prescriber: PrescriberID, person: BeneficiaryID) async throws -> Model? {
            try await store.personalDataRecord(of: person, prescriber: prescriber).map {
                Model(record: $0, retentionMonths: store.configuration.personalDataRetentionMonths, madeOn: CivilDate(store.clock.now))
            }
        }
    }

    static func filename(_ record: PersonalDataRecord) -> String { "donnees-personne-\(record.id).html" }
}
