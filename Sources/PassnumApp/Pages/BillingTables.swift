import PassnumDomain
import PassnumPersistence

/// The lists of invoices and credit notes, each row linking to the printable document.
enum BillingTables {
    static let invoiceHeaders = ["Numéro", "Date", "Client", "Objet", "Total"]
    static let creditNoteHeaders = ["Numéro", "Date", "Financeur", "Programme", "Montant"]

    static func invoiceRows(_ invoices: [Invoice]) -> [[Node]] {
        invoices.map { invoice in
            [h("a", ["href": SiteURL.invoice(invoice.id).path]) { invoice.number }, .text(French.date(CivilDate(invoice.issuedAt))),
             .text(invoice.customer), .text(invoice.kind == .order ? "Commande n° \(invoice.order.map(String.init(describing:)) ?? "")" : "Abonnement"),
             .text(money(invoice.amounts.total))]
        }
    }

    static func creditNoteRows(_ notes: [CreditNoteDocument]) -> [[Node]] {
        notes.map { note in
            [h("a", ["href": SiteURL.creditNote(note.id).path]) { note.number }, .text(French.date(CivilDate(note.issuedAt))),
             .text(note.funderName), .text(note.programmeName), .text(money(note.amount))]
        }
    }
}
