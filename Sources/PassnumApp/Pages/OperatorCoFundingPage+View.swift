import PassnumDomain
import PassnumPersistence

extension OperatorCoFundingPage {
    struct View {
        let model: Model
        let context: PageContext
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Cofinancement", context: context) {
                h("h1") { "Cofinancement de tous les financeurs" }
                h("form", ["method": "get", "action": SiteURL.operatorCoFunding.path, "class": "inline noprint", "novalidate": ""]) {
                    errors.summary
                    field("Période", name: "periode", value: model.periodText, errors: errors, hint: French.periodHint)
                    h("button", ["type": "submit", "class": "secondary"]) { "Afficher" }
                }
                if let period = model.period {
                    table(caption: "Chèques et parts des cofinanceurs, " + French.period(period),
                          headers: ["Financeur", "Programme", "Achetés", "Remis", "Utilisés", "Valeur utilisée", "Part de chaque cofinanceur",
                                    "Utilisés par public"],
                          rows: model.lines.map { line in
                              [.text(line.funderName), .text(line.programmeName), .text(String(line.issued)), .text(String(line.handedOut)),
                               .text(String(line.used)), .text(money(line.usedValue)),
                               .text(line.parts.map { "\($0.cofunder) (\(French.percent(basisPoints: $0.basisPoints))) : \(money($0.amount))" }
                                   .joined(separator: " ; ")),
                               .text(line.publics.isEmpty ? "—" : line.publics.map { CoFundingStatementPage.publicSentence($0, of: line) }
                                   .joined(separator: " ; "))]
                          },
                          empty: "aucun programme.")
                    pager(model.position, path: SiteURL.operatorCoFunding.path, parameters: [("periode", period.description)])
                    if let seal = model.seal {
                        h("p", ["class": "signature"]) { French.seal(seal) + " : "; h("code", ["class": "hash"]) { seal.hash } }
                    }
                }
            }
        }
    }
}
