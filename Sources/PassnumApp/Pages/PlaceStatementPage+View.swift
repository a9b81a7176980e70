import PassnumDomain
import PassnumPersistence

extension PlaceStatementPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Relevé", context: context) {
                h("h1") { "Relevé de remboursement – " + (Month(model.period).map(French.month) ?? model.period) }
                h("p") {
                    "Chèques : " + money(model.gross) + " pour " + French.plural(model.lines.count, "chèque", "chèques") + ". "
                    h("a", ["href": SiteURL.placeStatementCSV(model.payout).path]) { "Télécharger (CSV)" }
                }
                if !model.deductions.isEmpty {
                    table(caption: "Retenues", headers: ["Motif", "Montant"], rows: model.deductions.map { [.text(StatementWording.deduction($0)), .text(money($0.amount))] })
                }
                h("p") { h("strong") { "Virement : " + money(model.net) + " – " + PlacePayoutsPage.state(model.state) } }
                witnessLine(model.witness)
                table(caption: "Par financeur", headers: ["Financeur", "Montant"], rows: model.totalsByFunder.map { [.text($0.funder), .text(money($0.amount))] })
                table(caption: "Chèques remboursés", headers: ["Numéro", "Utilisé le", "Service", "Financeur", "Montant"], rows: model.lines.map {
                    [.text($0.serial.grouped), .text(French.date(CivilDate($0.redeemedAt))), .text($0.category.map { French.categoryShort[$0] ?? $0.rawValue } ?? ""),
                     .text($0.funder), .text(money($0.amount))]
                })
            }
        }
    }
}
