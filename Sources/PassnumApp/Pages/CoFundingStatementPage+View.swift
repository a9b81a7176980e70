import PassnumDomain
import PassnumPersistence

extension CoFundingStatementPage {
    struct View {
        let model: Model
        let frame: PrintableDocument
        var errors = FormErrors()

        var document: Node {
            frame.page(title: "Relevé de cofinancement", filename: filename) {
                h("h1") { "Relevé de cofinancement" }
                if !frame.download {
                    h("form", ["method": "get", "action": SiteURL.funderCoFunding.path, "class": "noprint", "novalidate": ""]) {
                        errors.summary
                        select("Programme", name: "programme", options: model.programmes.map { (String($0.id.rawValue), $0.name) },
                               selected: model.programme.map { String($0.rawValue) }, errors: errors)
                        field("Période", name: "periode", value: model.periodText, errors: errors, hint: French.periodHint)
                        h("button", ["type": "submit", "class": "secondary"]) { "Afficher" }
                    }
                }
                if let statement = model.statement {
                    CoFundingStatementPage.body(statement)
                    if !frame.download, let programme = model.programme {
                        h("p", ["class": "noprint"]) {
                            h("a", ["href": SiteURL.funderCoFundingCSV.path + "?programme=\(programme.rawValue)&periode=\(statement.period)",
                                    "download": filename.replacingOccurrences(of: ".html", with: ".csv")]) {
                                "Télécharger ces chiffres (CSV, pour LibreOffice ou Excel)"
                            }
                        }
                    }
                } else if model.programmes.isEmpty {
                    h("p") { "Vous n’avez pas encore de programme." }
                }
            }
        }

        var filename: String {
            "cofinancement-\(model.programme.map { String($0.rawValue) } ?? "")-\(model.statement?.period.description ?? model.periodText).html"
        }
    }

    /// The statement itself, the same for the funder and the operator.
    static func body(_ statement: Statement) -> Node {
        let line = statement.line
        return group {
            definitions([("Financeur", line.funderName), ("Programme", line.programmeName), ("Période", French.period(statement.period)),
                         ("Valeur d’un chèque", money(line.faceValue))], class: "document")
            table(caption: "Chèques de la période", headers: ["", "Chèques", "Valeur"],
                  rows: figures(line).map { [.text($0.label), .text(String($0.checks)), .text(money($0.value))] })
            table(caption: "Part de chaque cofinanceur dans la valeur des chèques utilisés", headers: ["Cofinanceur", "Part", "Montant"],
                  rows: line.parts.map { [.text($0.cofunder), .text(French.percent(basisPoints: $0.basisPoints)), .text(money($0.amount))] }
                      + [[.text("Total"), .text("100 %"), .text(money(line.usedValue))]])
            if !line.publics.isEmpty {
                table(caption: "Chèques par public visé", headers: ["Public", "Remis", "Valeur remise", "Utilisés", "Valeur utilisée", "Part des chèques utilisés"],
                      rows: line.publics.map { part in
                          [.text(French.targetPublic(part.targetPublic)), .text(String(part.handedOut)), .text(money(part.handedOutValue)),
                           .text(String(part.used)), .text(money(part.usedValue)), .text(French.percent(basisPoints: part.usedBasisPoints))]
                      } + [[.text("Total"), .text(String(line.handedOut)), .text(money(line.handedOutValue)), .text(String(line.used)),
                            .text(money(line.usedValue)), .text(line.used > 0 ? "100 %" : "0 %")]])
                h("ul") { for part in line.publics { h("li") { publicSentence(part, of: line) } } }
                h("p") {
                    "Public : celui que le prescripteur a coché à la remise des chèques. « Non renseigné » : aucun public coché "
                        + "(la personne n’en fait pas partie, ou on ne sait pas)."
                }
            }
            h("p") {
                "Chèques achetés : émis pendant la période. Remis : donnés à une personne pendant la période. "
                    + "Utilisés : acceptés par un lieu pendant la période (une validation annulée ne compte pas). "
                    + "Les parts sont arrondies au centime ; leur total est exact."
            }
            h("p", ["class": "signature"]) { summary(statement); h("code", ["class": "hash"]) { statement.seal.hash } }
            if statement.seal.day == nil {
                h("p") {
                    "L’empreinte est celle du journal au moment de ce relevé : elle change à chaque nouvelle écriture. "
                        + "Gardez ce relevé : si le journal était réécrit, l’empreinte ne correspondrait plus."
                }
            }
        }
    }
}
