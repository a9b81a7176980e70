import PassnumDomain
import PassnumPersistence

extension FunderStockPage {
    struct View {
        let model: Model
        let context: PageContext
        /// The allocation form as typed, and what is wrong with it, when it is shown again.
        var form = FunderStockController.AllocationForm()
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Stock", context: context) {
                h("h1") { "Stock et attribution aux prescripteurs" }
                Layout.notice(context)
                table(caption: "Carnets en stock, par programme", headers: ["Programme", "Carnets en stock"],
                      rows: model.stock.map { [.text($0.programmeName), .text(String($0.inStock))] })
                h("h2") { "Carnets chez les prescripteurs" }
                table(caption: "Carnets chez les prescripteurs", headers: ["Programme", "Prescripteur", "N°", "Carnets attribués", "Quota"],
                      rows: model.holdings.map {
                          [.text($0.programmeName), .text($0.prescriber.name), .text($0.prescriber.id.description), .text(String($0.booklets)),
                           .text($0.quota.map(String.init) ?? "aucun")]
                      })
                pager(model.position, path: SiteURL.funderStock.path)
                if !model.stock.isEmpty && !model.prescribers.isEmpty {
                    let programmeOptions = model.stock.map { (String($0.programme.rawValue), $0.programmeName) }
                    let prescriberOptions = model.prescribers.map { ($0.id.description, $0.name) }
                    h("h2") { "Attribuer des carnets" }
                    h("form", ["method": "post", "action": SiteURL.funderStock.path, "novalidate": ""]) {
                        errors.summary
                        csrfField(context)
                        select("Programme", name: "programme", options: programmeOptions, selected: form.programme, errors: errors)
                        select("Prescripteur", name: "prescriber", options: prescriberOptions, selected: form.prescriber, errors: errors)
                        field("Nombre de carnets", name: "booklets", value: form.booklets, errors: errors, attributes: ["inputmode": "numeric"])
                        h("button", ["type": "submit", "name": "action", "value": "allocate"]) { "Attribuer" }
                        h("button", ["type": "submit", "name": "action", "value": "quota", "class": "secondary"]) { "Fixer ce nombre comme quota" }
                    }
                }
            }
        }
    }
}
