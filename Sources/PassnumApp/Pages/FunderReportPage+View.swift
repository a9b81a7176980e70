import PassnumDomain
import PassnumPersistence

extension FunderReportPage {
    struct View {
        let model: Model
        let frame: PrintableDocument

        /// What a total of 1 to 4 people shows, and what every hidden cell of a breakdown shows (1 to 4, or a count that
        /// would give one back from the total: one word for both, so that neither can be told from the other).
        static let small = "moins de 5", hidden = "masqué"

        var errors: FormErrors {
            var errors = FormErrors()
            for name in ["programme", "du", "au"] { if let message = model.errors[name] { errors.add(name, message) } }
            return errors
        }

        var report: FunderReport { model.report }

        var period: String {
            "de " + French.month(report.months.lowerBound) + " à " + French.month(report.months.upperBound)
                + (report.months.contains(model.thisMonth) ? " (mois en cours compris)" : "")
        }

        var programmes: String {
            let chosen = report.programmes.filter { report.programme == nil || $0.id == report.programme }
            return chosen.isEmpty ? "aucun" : chosen.map(\.terms.name).joined(separator: ", ")
        }

        var filename: String { "rapport-\(report.months.lowerBound)-\(report.months.upperBound).html" }

        var document: Node {
            frame.page(title: "Rapport d’activité", filename: filename) {
                h("h1") { "Rapport d’activité – " + report.funderName }
                if !frame.download { filter }
                if model.errors.isEmpty {
                    definitions([("Financeur", report.funderName), ("Période", period), ("Programmes", programmes)], class: "document")
                    keyFigures
                    people
                    h("h2") { "Chèques par mois" }
                    monthChart(id: "graphique", title: "Chèques utilisés par mois", report.byMonth.map { ($0.month, $0.used) }, current: model.thisMonth)
                    table(caption: "Chèques par mois", headers: ["Mois", "Chèques remis", "Chèques utilisés", "Montant utilisé"],
                          rows: report.byMonth.map {
                              [.text(monthLabel($0.month, current: model.thisMonth)), .text(String($0.handedOut)), .text(String($0.used)), .text(money($0.amount))]
                          })
                    definitionsOfTerms
                }
            }
        }

        var filter: Node {
            let options = [("", "Tous mes programmes")] + report.programmes.map { (String($0.id.rawValue), $0.terms.name) }
            return h("form", ["method": "get", "action": SiteURL.funderReport.path, "class": "noprint", "novalidate": ""]) {
                errors.summary
                select("Programme", name: "programme", options: options, selected: model.programmeText, errors: errors)
                field("Du mois", name: "du", value: model.fromText, type: "month", errors: errors, hint: "Par exemple \(model.thisMonth). Vide : depuis le début du programme.",
                      required: false)
                field("Au mois", name: "au", value: model.toText, type: "month", errors: errors, hint: "Vide : jusqu’au mois en cours.", required: false)
                h("button", ["type": "submit"]) { "Afficher" }
                h("p") {
                    "Une année entière : "
                    for (index, year) in yearsShown.enumerated() {
                        if index > 0 { ", " }
                        h("a", ["href": SiteURL.funderReport.path + "?programme=\(report.programme.map { String($0.rawValue) } ?? "")&du=\(year)-01&au=\(year == model.thisMonth.year ? model.thisMonth.description : "\(year)-12")"]) {
                            "année \(year)"
                        }
                    }
                    ". Pour imprimer ce rapport ou l’enregistrer en PDF, utilisez « Imprimer » dans votre navigateur."
                }
            }
        }

        /// This year and the years before it back to the oldest programme's start (at most ten; this year alone when every
        /// programme starts later).
        var yearsShown: [Int] {
            let last = model.thisMonth.year
            let first = report.programmes.map(\.terms.validFrom.year).min() ?? last
            return Array((min(max(first, last - 9), last)...last).reversed())
        }

        var keyFigures: Node {
            h("ul", ["class": "cards"]) {
                h("li") { h("strong") { String(report.handedOut) }; "chèques remis" }
                h("li") { h("strong") { String(report.used) }; "chèques utilisés" }
                h("li") {
                    h("strong") { StatisticalSecrecy.usageRate(used: report.used, handedOut: report.handedOut).map { StatisticsPage.View.rate($0) } ?? "–" }
                    "taux d’utilisation"
                }
                h("li") { h("strong") { money(report.amount) }; "montant utilisé" }
                h("li") { h("strong") { model.people.map(String.init) ?? Self.small }; "personnes accompagnées pour la première fois" }
            }
        }

        var people: Node {
            group {
                h("h2") { "Personnes accompagnées pour la première fois" }
                h("p") {
                    "Une personne compte une fois par programme, le mois où elle reçoit ses premiers chèques, avec sa commune, son âge et son niveau ce jour-là. "
                        + "Pour que personne ne puisse être reconnu, un nombre de 1 à 4 personnes n’est pas affiché, "
                        + "ni un nombre qui permettrait de le retrouver à partir du total : on lit « \(Self.hidden) »."
                }
                breakdown("Par commune", "Commune", model.byCommune)
                breakdown("Par âge", "Âge", model.byAge)
                breakdown("Par niveau du diagnostic", "Niveau", model.byLevel)
            }
        }

        func breakdown(_ caption: String, _ header: String, _ lines: [Line]) -> Node {
            let total: [[Node]] = lines.isEmpty ? [] : [[h("strong") { "Total" }, h("strong") { model.people.map(String.init) ?? Self.small }]]
            return table(caption: caption, headers: [header, "Personnes"],
                         rows: lines.map { [.text($0.label), .text($0.people.map(String.init) ?? Self.hidden)] } + total,
                         empty: "personne sur la période.")
        }

        var definitionsOfTerms: Node {
            group {
                h("h2") { "Ce que disent ces chiffres" }
                definitions([
                    ("Chèques remis", "Chèques donnés à une personne pendant la période."),
                    ("Chèques utilisés", "Chèques acceptés par un lieu pendant la période. Une validation annulée ne compte plus."),
                    ("Taux d’utilisation", "Chèques utilisés divisés par chèques remis pendant la période. Il peut dépasser 100 % : un chèque remis avant la période peut servir pendant."),
                    ("Personnes accompagnées pour la première fois", "Personnes qui ont reçu leurs premiers chèques d’un programme pendant la période. Une personne aidée par deux programmes compte dans chacun."),
                    ("Commune", "Commune où vivait la personne le jour des premiers chèques, par son nom, ou « Commune » et son code INSEE quand la plateforme ne connaît pas encore son nom. "
                        + "Les \(FunderReportPage.communesListed) communes qui comptent le plus de personnes sont listées, les autres sont additionnées sur la ligne « Autres communes »."),
                    ("Âge", "Âge atteint dans l’année des premiers chèques."),
                    ("Niveau", "Niveau du diagnostic le jour des premiers chèques, de 1 (loin du numérique) à 4 (presque autonome)."),
                ])
            }
        }
    }
}
