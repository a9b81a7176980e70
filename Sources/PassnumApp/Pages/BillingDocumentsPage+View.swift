import PassnumDomain
import PassnumPersistence

extension BillingDocumentsPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            let forOperator = model.funder == nil
            let path = (forOperator ? SiteURL.operatorBilling : SiteURL.funderDocuments).path
            return Layout.page(title: "Factures et avoirs", context: context) {
                h("h1") { "Factures et avoirs" }
                if forOperator { h("p") { h("a", ["href": SiteURL.operatorFees.path]) { "Frais de gestion et abonnement des lieux" } } }
                table(caption: forOperator ? "Factures" : "Factures de vos commandes", headers: BillingTables.invoiceHeaders,
                      rows: BillingTables.invoiceRows(model.invoices), empty: "aucune facture pour le moment.")
                pager(model.invoicePages, path: path)
                table(caption: forOperator ? "Avoirs" : "Avoirs pour les chèques pas utilisés", headers: BillingTables.creditNoteHeaders,
                      rows: BillingTables.creditNoteRows(model.creditNotes), empty: "aucun avoir pour le moment.")
                pager(model.creditNotePages, path: path)
            }
        }
    }
}
