import PassnumDomain
import PassnumPersistence

/// One credit note (the checks not used at the end of a programme), as a printable document.
enum CreditNotePage {
    /// The name of the downloaded file.
    static func filename(_ note: CreditNoteDocument) -> String { "avoir-\(note.number).html" }

    struct Model: Sendable, Equatable {
        var note: CreditNoteDocument
        /// The operator's name, who issues every credit note.
        var seller: String
        /// The journal's witness at or before the credit note's date (nil before the first one).
        var witness: PublishedWitness? = nil

        /// The credit note, among those the funder may see (every one for the operator: `funder` nil); nil if not there.
        static func query(store: Store, note id: CreditNoteID, funder: FunderID?) async throws -> Model? {
            guard let note = try await store.creditNote(id, funder: funder) else { return nil }
            return Model(note: note, seller: store.configuration.operatorAccount.account.name,
                         witness: try await store.witness(atOrBefore: CivilDate(note.issuedAt)))
        }
    }
}
