import PassnumDomain
import PassnumPersistence

/// The invoices and credit notes: every one for the operator, its own for a funder.
enum BillingDocumentsPage {
    /// The query parameter of the credit notes' cursor (the invoices' is `apres`).
    static let creditNoteParameter = "avoirs"

    struct Model: Sendable, Equatable {
        /// The funder whose documents these are; nil for the operator's page, which lists every document.
        var funder: FunderID?
        var invoices: [Invoice]
        var creditNotes: [CreditNoteDocument]
        var invoicePages: PagePosition = .single
        var creditNotePages = PagePosition(parameter: BillingDocumentsPage.creditNoteParameter)

        /// A page of each list: `invoicePage` (its cursor in `apres`) and `creditNotePage` (in `avoirs`).
        static func query(store: Store, funder: FunderID?, invoicePage: ListingPageQuery = ListingPageQuery(),
                          creditNotePage: ListingPageQuery = ListingPageQuery(parameter: BillingDocumentsPage.creditNoteParameter)) async throws -> Model {
            let invoices = try await store.invoices(funder: funder, invoicePage.page)
            let notes = try await store.creditNotes(funder: funder, creditNotePage.page)
            return Model(funder: funder, invoices: invoices.rows, creditNotes: notes.rows, invoicePages: PagePosition(invoices, invoicePage),
                         creditNotePages: PagePosition(notes, creditNotePage))
        }
    }
}
