import Foundation
import PassnumDomain
import PassnumPersistence

extension StatisticsPage {
    struct View {
        let model: Model
        let context: PageContext

        /// What a secret cell shows (explained under the table).
        static let secret = "secret"

        var scope: String {
            model.departement.map { "Département \($0.value)" } ?? "Toute la France"
        }

        var period: String {
            guard let first = model.rows.first?.month, let last = model.rows.last?.month else { return "" }
            return "de " + French.month(first) + " à " + French.month(last)
        }

        /// "45,3 %" from tenths of a percent.
        static func rate(_ tenths: Int64?) -> String {
            guard let tenths else { return secret }
            return "\(tenths / 10),\(tenths % 10)\u{a0}%"
        }

        static func count(_ value: Int64?) -> String { value.map(String.init) ?? secret }

        var document: Node {
            Layout.page(title: "Statistiques", context: context) {
                h("h1") { "Statistiques d’utilisation des chèques" }
                h("p") { "Combien de chèques sont remis et utilisés, chaque mois, et combien de personnes ils aident." }
                filter
                h("h2") { scope + ", " + period }
                chart
                table(caption: "Chiffres par mois : " + scope,
                      headers: ["Mois", "Chèques émis", "Chèques remis", "Chèques utilisés", "Taux d’utilisation", "Personnes aidées",
                                "Lieux actifs", "Montant pour les lieux"],
                      rows: model.rows.map { row in
                          let figures = row.figures
                          return [.text(French.month(row.month)), .text(String(figures.issued)), .text(Self.count(figures.handedOut)),
                                  .text(Self.count(figures.used)), .text(Self.rate(figures.usageRate)), .text(Self.count(figures.people)),
                                  .text(String(figures.places)), .text(figures.amount.map(money) ?? Self.secret)]
                      })
                definitionsOfTerms
                h("h2") { "Données ouvertes" }
                h("p") {
                    "Tous les départements et tous les mois : "
                    h("a", ["href": SiteURL.statisticsCSV.path]) { "fichier CSV" }
                    ", "
                    h("a", ["href": SiteURL.statisticsJSON.path]) { "fichier JSON" }
                    " et leur "
                    h("a", ["href": SiteURL.statisticsSchema.path]) { "description (Table Schema)" }
                    ". Les lieux sont aussi en données ouvertes : "
                    h("a", ["href": SiteURL.openDataCSV.path]) { "lieux en CSV" }
                    "."
                }
                witnesses
            }
        }

        var filter: Node {
            var errors = FormErrors()
            for name in ["departement", "annee"] { if let message = model.errors[name] { errors.add(name, message) } }
            return h("form", ["method": "get", "action": SiteURL.statistics.path, "class": "inline", "novalidate": ""]) {
                errors.summary
                field("Département (vide : toute la France)", name: "departement", value: model.departementText, errors: errors, required: false,
                      attributes: ["size": "4"])
                select("Année", name: "annee",
                       options: [("", "Les 12 derniers mois")] + (StatisticsPage.firstYear...max(StatisticsPage.firstYear, model.thisYear)).reversed().map { (String($0), String($0)) },
                       selected: model.year.map(String.init) ?? "", errors: errors)
                h("button", ["type": "submit"]) { "Afficher" }
            }
        }

        /// Bars of the checks used each month, each with its number written above it and its month below, filled with
        /// hatching: readable without colour. The table below gives the same figures. A secret month has no bar and says
        /// "secret"; the period's total is given only when no month is secret (it would give a secret month back).
        var chart: Node {
            let values = model.rows.map(\.figures.used)
            let highest = max(values.compactMap { $0 }.max() ?? 0, 1)
            let width = 60, height = 160, top = 24, bottom = 40
            let total = values.contains(nil) ? nil : values.compactMap { $0 }.reduce(0, +)
            return h("figure", ["class": "chart"]) {
                h("svg", ["role": "img", "aria-labelledby": "graphique-titre graphique-texte",
                          "viewBox": "0 0 \(width * max(values.count, 1)) \(height + top + bottom)", "width": "100%", "focusable": "false"]) {
                    h("title", ["id": "graphique-titre"]) { "Chèques utilisés par mois, " + scope }
                    h("desc", ["id": "graphique-texte"]) {
                        model.rows.map { "\(French.month($0.month)) : \(Self.count($0.figures.used))" }.joined(separator: " ; ")
                    }
                    h("defs") {
                        h("pattern", ["id": "hachures", "width": "6", "height": "6", "patternUnits": "userSpaceOnUse", "patternTransform": "rotate(45)"]) {
                            h("rect", ["width": "6", "height": "6", "fill": "#ffffff"])
                            h("line", ["x1": "0", "y1": "0", "x2": "0", "y2": "6", "stroke": "#1d3a8a", "stroke-width": "3"])
                        }
                    }
                    for (index, row) in model.rows.enumerated() {
                        let barHeight = Int(Int64(height) * (row.figures.used ?? 0) / highest)
                        let x = index * width
                        h("rect", ["x": "\(x + 8)", "y": "\(top + height - barHeight)", "width": "\(width - 16)", "height": "\(barHeight)",
                                   "fill": "url(#hachures)", "stroke": "#1d3a8a"])
                        h("text", ["x": "\(x + width / 2)", "y": "\(top + height - barHeight - 6)", "text-anchor": "middle", "font-size": "13"]) {
                            Self.count(row.figures.used)
                        }
                        h("text", ["x": "\(x + width / 2)", "y": "\(top + height + 18)", "text-anchor": "middle", "font-size": "13"]) {
                            French.shortMonth(row.month)
                        }
                        h("text", ["x": "\(x + width / 2)", "y": "\(top + height + 34)", "text-anchor": "middle", "font-size": "11"]) {
                            String(row.month.year)
                        }
                    }
                }
                h("figcaption") {
                    "Chèques utilisés par mois" + (total.map { " : \($0) sur la période" } ?? "") + ". Les chiffres sont aussi dans le tableau."
                }
            }
        }

        var definitionsOfTerms: Node {
            group {
                h("h2") { "Ce que disent ces chiffres" }
                definitions([
                    ("Département", "Celui du programme qui a payé les chèques (le premier de son territoire)."),
                    ("Chèques émis", "Chèques fabriqués pour un financeur dans le mois."),
                    ("Chèques remis", "Chèques donnés à une personne dans le mois."),
                    ("Chèques utilisés", "Chèques validés par un lieu dans le mois. Une validation annulée ne compte plus."),
                    ("Taux d’utilisation", "Chèques utilisés divisés par chèques remis dans le mois. Il peut dépasser 100 % : un chèque remis un mois peut servir plus tard."),
                    ("Personnes aidées", "Personnes dont au moins un chèque a été validé dans le mois. Une personne aidée dans deux départements compte dans chacun."),
                    ("Lieux actifs", "Lieux qui ont validé au moins un chèque dans le mois."),
                    ("Montant pour les lieux", "Valeur des chèques utilisés dans le mois. Les lieux la reçoivent au remboursement du mois suivant."),
                    ("secret", "Chiffre caché pour que personne ne puisse être reconnu. Moins de 5 personnes aidées : leur nombre, leurs chèques utilisés, leur montant et le taux sont cachés. Moins de 5 chèques remis : ce nombre et le taux sont cachés. Un total qui permettrait de retrouver un chiffre caché est caché aussi."),
                ])
            }
        }

        var witnesses: Node {
            group {
                h("h2") { "Empreinte du journal" }
                h("p") {
                    "Chaque jour, nous publions l’empreinte de tous les mouvements d’argent enregistrés jusqu’à minuit. "
                    "Si quelqu’un modifiait le passé, l’empreinte ne correspondrait plus. "
                    h("a", ["href": SiteURL.witnessesCSV.path]) { "Toutes les empreintes (CSV)" }
                    "."
                }
                table(caption: "Empreintes des 30 derniers jours", headers: ["Jour", "Empreinte"],
                      rows: model.witnesses.map { witness in [.text(French.date(witness.day)), h("code", ["class": "hash"]) { witness.hash }] },
                      empty: "aucune empreinte publiée pour le moment.")
            }
        }
    }
}
