import PassnumDomain
import PassnumPersistence

extension FunderDashboardPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Tableau de bord", context: context) {
                h("h1") { "Tableau de bord – " + model.funderName }
                Layout.notice(context)
                expiryAlerts(model.alerts)
                h("ul", ["class": "cards"]) {
                    h("li") { h("strong") { "\(model.bookletsIssued)" }; "carnets émis" }
                    h("li") { h("strong") { "\(model.bookletsHandedOut)" }; "carnets remis" }
                    h("li") { h("strong") { "\(model.bookletsNotHandedOut)" }; "carnets pas encore remis" }
                    h("li") { h("strong") { "\(model.bookletsStarted)" }; "carnets entamés (au moins un chèque utilisé)" }
                    h("li") { h("strong") { "\(model.checksValidated)" }; "chèques utilisés" }
                    h("li") { h("strong") { money(model.amountValidated) }; "montant utilisé" }
                    h("li") { h("strong") { "\(model.usagePerMille / 10),\(model.usagePerMille % 10) %" }; "des chèques remis sont utilisés" }
                }
                h("p") { h("a", ["href": SiteURL.funderExport.path, "download": "pass-numerique.csv"]) { "Télécharger ces chiffres (CSV, pour LibreOffice ou Excel)" } }
                h("p") {
                    h("a", ["href": SiteURL.funderReport.path]) { "Rapport à imprimer pour les élus" }
                    " : une période, un programme, les personnes accompagnées par commune, âge et niveau."
                }
                h("h2") { "Chèques utilisés par mois" }
                monthChart(id: "graphique", title: "Chèques utilisés par mois", model.byMonth.map { ($0.month, Int64($0.checks)) }, current: model.thisMonth)
                table(caption: "Chèques utilisés par mois", headers: ["Mois", "Chèques", "Montant"],
                      rows: model.byMonth.map { [.text(monthLabel($0.month, current: model.thisMonth)), .text(String($0.checks)), .text(money($0.amount))] })
                h("h2") { "Répartition" }
                table(caption: "Montant utilisé par cofinanceur", headers: ["Cofinanceur", "Montant"],
                      rows: model.byShare.map { [.text($0.label), .text(money($0.amount))] })
                lines("Par prescripteur", model.byPrescriber)
                lines("Par lieu", model.byPlace)
                lines("Par service", model.byCategory.map {
                    .init(label: ServiceCategory(code: $0.label).map { French.categoryShort[$0] ?? $0.rawValue } ?? $0.label, checks: $0.checks, amount: $0.amount)
                })
            }
        }

        func lines(_ caption: String, _ lines: [FunderDashboard.Line]) -> Node {
            table(caption: caption, headers: ["", "Chèques", "Montant"], rows: lines.map { [.text($0.label), .text(String($0.checks)), .text(money($0.amount))] })
        }
    }
}
