import PassnumDomain
import PassnumPersistence

extension PlaceHomePage {
    static let rows = 5

    struct View {
        let model: Model
        let context: PageContext
        /// The idempotency key of this form: a retry of the same submission is answered once.
        let key: String
        /// The form filled in (from a QR code, or after a refusal), and the outcome of the last request.
        var prefill: [PresentedCheck] = []
        var category: ServiceCategory? = nil
        var outcome: ValidationOutcome? = nil
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Valider des chèques", context: context) {
                h("h1") { "Valider des chèques – " + model.name }
                Layout.notice(context)
                if model.state != .qualified {
                    h("p", ["role": "status", "class": "errors"]) {
                        PlaceApplicationPage.stateText(model.state) + " "
                        if context.viewer?.role == .placeManager { h("a", ["href": SiteURL.placeApplication.path]) { "Voir ma demande" } }
                    }
                }
                if let outcome { Self.result(outcome) }
                h("form", ["method": "post", "action": SiteURL.placeHome.path, "novalidate": ""]) {
                    errors.summary
                    csrfField(context)
                    h("input", ["type": "hidden", "name": "key", "value": key])
                    select("Service rendu", name: "category",
                           options: model.services.map { ("service-\($0.id)", $0.title + " (" + (French.categoryShort[$0.category] ?? $0.category.rawValue) + ")") }
                               + ServiceCategory.allCases.map { ($0.code, $0.rawValue) },
                           selected: category?.code, errors: errors, hint: model.services.isEmpty ? nil : "Vos services d’abord, puis les types de service.")
                    for index in 0..<rows {
                        let check = index < prefill.count ? prefill[index] : nil
                        h("fieldset") {
                            h("legend") { "Chèque \(index + 1)" + (index == 0 ? "" : " (facultatif)") }
                            field("Numéro", name: "serial\(index)", value: check?.serial, errors: errors, required: index == 0,
                                  attributes: ["inputmode": "numeric", "autocomplete": "off"])
                            field("Code", name: "code\(index)", value: check?.code, errors: errors, required: index == 0,
                                  attributes: ["autocomplete": "off", "autocapitalize": "characters"])
                        }
                    }
                    h("button", ["type": "submit"]) { "Valider" }
                }
                h("h2") { "Validations d’aujourd’hui" }
                table(caption: "Chèques validés aujourd’hui", headers: ["Numéro", "Heure", "Service", "Montant", ""], rows: model.validationsToday.map { row in
                    [.text(row.serial.grouped), .text(row.at.map(French.dateTime) ?? ""),
                     .text(row.category.map { French.categoryShort[$0] ?? $0.rawValue } ?? ""), .text(money(row.amount)),
                     row.undone ? .text("Annulée") : (row.state == .redeemed ? undoForm(row.serial) : .text(French.state(row.state)))]
                }, empty: "aucune validation.")
            }
        }

        static func result(_ outcome: ValidationOutcome) -> Node {
            h("section", ["class": outcome.accepted ? "notice" : "errors", "role": "alert", "aria-labelledby": "resultat"]) {
                h("h2", ["id": "resultat"]) {
                    outcome.accepted
                        ? (outcome.items.count == 1 ? "Chèque validé : " : "\(outcome.items.count) chèques validés : ") + money(outcome.total)
                        : "Aucun chèque n’a été validé"
                }
                if !outcome.accepted { h("p") { "Corrigez ou retirez les chèques refusés, puis validez à nouveau." } }
                h("ul") {
                    for item in outcome.items {
                        h("li") {
                            h("strong") { CheckSerial(item.serial)?.grouped ?? item.serial }
                            " : "
                            if let refusal = item.refusal {
                                h("span", ["class": "refused"]) { "refusé – " + French.refusal(refusal) }
                            } else if outcome.accepted {
                                h("span", ["class": "ok"]) { "validé, " + money(item.amount ?? .zero) }
                            } else {
                                "correct"
                            }
                        }
                    }
                }
            }
        }

        func undoForm(_ serial: CheckSerial) -> Node {
            h("form", ["method": "post", "action": SiteURL.placeUndo.path]) {
                csrfField(context)
                h("input", ["type": "hidden", "name": "serial", "value": serial.compact])
                h("button", ["type": "submit", "class": "secondary", "aria-label": "Annuler la validation du chèque " + serial.grouped]) { "Annuler" }
            }
        }
    }
}
