import PassnumDomain
import PassnumPersistence

extension PlacePayoutsPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Remboursements", context: context) {
                h("h1") { "Remboursements reçus" }
                h("p") { "Chaque mois, les chèques validés le mois précédent sont remboursés." }
                table(caption: "Remboursements", headers: ["Mois", "Chèques", "Virement", "État", "Préparé le"], rows: model.payouts.map { row in
                    [h("a", ["href": SiteURL.placeStatement(row.id).path]) { Month(row.period).map(French.month) ?? row.period },
                     .text(String(row.checks)), .text(money(row.amount)), .text(PlacePayoutsPage.state(row.state)),
                     .text(French.date(CivilDate(row.createdAt)))]
                })
                pager(model.position, path: SiteURL.placePayouts.path)
                if !model.invoices.isEmpty {
                    table(caption: "Factures d’abonnement", headers: BillingTables.invoiceHeaders, rows: BillingTables.invoiceRows(model.invoices))
                }
            }
        }
    }

    /// Where a payout stands, as a place reads it (also on its statement).
    static func state(_ state: PayoutBatch.State) -> String {
        switch state {
        case .prepared: "en préparation"
        case .exported: "envoyé à la banque"
        case .settled: "fait"
        }
    }
}
