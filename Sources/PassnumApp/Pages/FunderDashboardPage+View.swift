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
                h("h2") { "Chèques utilisés par mois" }
                chart(model.byMonth)
                table(caption: "Chèques utilisés par mois", headers: ["Mois", "Chèques", "Montant"],
                      rows: model.byMonth.map { [.text(French.month($0.month)), .text(String($0.checks)), .text(money($0.amount))] })
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

        /// A bar chart in SVG, described for screen readers; the same numbers are in the table below it.
        func chart(_ months: [MonthLine]) -> Node {
            let width = 640, height = 240, top = 20, bottom = 40, left = 10
            let maximum = max(months.map(\.checks).max() ?? 0, 1)
            let slot = (width - left) / max(months.count, 1)
            return h("svg", ["viewBox": "0 0 \(width) \(height)", "role": "img", "aria-labelledby": "graphique-titre graphique-desc",
                             "xmlns": "http://www.w3.org/2000/svg"]) {
                h("title", ["id": "graphique-titre"]) { "Chèques utilisés par mois" }
                h("desc", ["id": "graphique-desc"]) {
                    months.map { "\(French.month($0.month)) : \($0.checks)" }.joined(separator: ", ")
                }
                for (index, month) in months.enumerated() {
                    let barHeight = (height - top - bottom) * month.checks / maximum
                    let x = left + index * slot + 4
                    h("rect", ["x": "\(x)", "y": "\(height - bottom - barHeight)", "width": "\(slot - 8)", "height": "\(barHeight)", "fill": "#000091"])
                    h("text", ["x": "\(x + (slot - 8) / 2)", "y": "\(height - bottom - barHeight - 4)", "text-anchor": "middle", "font-size": "13"]) {
                        "\(month.checks)"
                    }
                    h("text", ["x": "\(x + (slot - 8) / 2)", "y": "\(height - bottom + 18)", "text-anchor": "middle", "font-size": "12"]) {
                        French.shortMonth(month.month)
                    }
                }
            }
        }
    }
}
