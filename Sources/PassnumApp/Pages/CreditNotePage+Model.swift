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

        /// The credit note, among those the funder may see (every one for the operator: `funder` nil); nil if not there.
        static func query(store: Store, note id: CreditNoteID, funder: FunderID?) async throws -> Model? {
            try await store.creditNote(id, funder: funder).map { Model(note: $0, seller: store.configuration.operatorAccount.account.name) }
        }
    }
}
