import PassnumDomain
import PassnumPersistence

extension PlaceHomePage {
    /// Rows shown without JavaScript; the form takes up to `maximumRows` (the script reveals them one by one).
    static let rows = 5
    static let maximumRows = 20

    struct View {
        let model: Model
        let context: PageContext
        /// The idempotency key of this form: a retry of the same submission is answered once.
        let key: String
        /// The form filled in (from QR codes, or after a refusal), and the outcome of the last request.
        var prefill: [PresentedCheck] = []
        /// The option chosen in "Service rendu" (a service "service-ID" or a type of service's code): kept from one
        /// validation to the next, since a queue is usually for one service.
        var selected: String? = nil
        var outcome: ValidationOutcome? = nil
        var errors = FormErrors()
        /// Why a row was refused, by row index: shown next to the row, which is outlined.
        var refusals: [Int: String] = [:]

        var rowCount: Int { min(PlaceHomePage.maximumRows, max(PlaceHomePage.rows, prefill.count + 1)) }

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
                h("p", ["class": "today"]) {
                    "Aujourd’hui : "
                    h("strong") { French.plural(model.todayCount, "chèque validé", "chèques validés") }
                    ", " + money(model.todayTotal) + "."
                }
                h("form", ["method": "post", "action": SiteURL.placeHome.path, "novalidate": "", "class": "desk"]) {
                    errors.summary
                    csrfField(context)
                    h("input", ["type": "hidden", "name": "key", "value": key])
                    select("Service rendu", name: "category",
                           options: model.services.map { ("service-\($0.id)", $0.title + " (" + (French.categoryShort[$0.category] ?? $0.category.rawValue) + ")") }
                               + ServiceCategory.allCases.map { ($0.code, $0.rawValue) },
                           selected: selected, errors: errors, hint: model.services.isEmpty ? nil : "Vos services d’abord, puis les types de service.")
                    h("p", ["class": "hint", "id": "lignes-aide"]) {
                        "Une ligne par chèque. Dans « Numéro », vous pouvez aussi scanner le QR code : le code se remplit seul."
                    }
                    h("ol", ["class": "desk-rows", "aria-describedby": "lignes-aide"]) {
                        for index in 0..<rowCount { row(index) }
                    }
                    h("div", ["class": "desk-submit"]) {
                        h("button", ["type": "submit"]) { "Valider" }
                    }
                }
                h("h2") { "Validations d’aujourd’hui" }
                table(caption: "Chèques validés aujourd’hui", headers: ["Numéro", "Heure", "Service", "Montant", ""], rows: model.validationsToday.map { row in
                    [.text(row.serial.grouped), .text(row.at.map(French.dateTime) ?? ""),
                     .text(row.category.map { French.categoryShort[$0] ?? $0.rawValue } ?? ""), .text(money(row.amount)),
                     row.undone ? .text("Annulée") : (row.state == .redeemed ? undoForm(row.serial) : .text(French.state(row.state)))]
                }, empty: "aucune validation.")
                h("script", ["src": SiteURL.deskScript.path, "defer": ""]) { "" }
            }
        }

        /// One check: its number and code side by side, each labelled for screen readers; outlined with the reason
        /// when refused.
        func row(_ index: Int) -> Node {
            let check = index < prefill.count ? prefill[index] : nil
            // Form errors already name their row ("Chèque 2 : …", for the summary at the top); refusals do not.
            let problem = errors["serial\(index)"] ?? errors["code\(index)"] ?? refusals[index].map { "Chèque \(index + 1) : " + $0 }
            let reasonID = "ligne\(index)-erreur"
            let invalid: KeyValuePairs<String, String?> = ["aria-invalid": problem == nil ? nil : "true", "aria-describedby": problem == nil ? nil : reasonID]
            return h("li", ["class": problem == nil ? "desk-row" : "desk-row refused-row"]) {
                h("span", ["class": "desk-index", "aria-hidden": "true"]) { "\(index + 1)" }
                h("div") {
                    h("label", ["for": "serial\(index)", "class": index == 0 ? nil : "visually-hidden"]) {
                        index == 0 ? "Numéro" : "Numéro du chèque \(index + 1)"
                    }
                    input(name: "serial\(index)", value: check?.serial, ["inputmode": "numeric"], invalid)
                }
                h("div") {
                    h("label", ["for": "code\(index)", "class": index == 0 ? nil : "visually-hidden"]) {
                        index == 0 ? "Code" : "Code du chèque \(index + 1)"
                    }
                    input(name: "code\(index)", value: check?.code, ["autocapitalize": "characters"], invalid)
                }
                if let problem { h("p", ["class": "error", "id": reasonID]) { problem } }
            }
        }

        func input(name: String, value: String?, _ more: KeyValuePairs<String, String?>, _ invalid: KeyValuePairs<String, String?>) -> Node {
            let attributes: [(String, String?)] = [("type", "text"), ("id", name), ("name", name), ("value", value), ("autocomplete", "off")]
                + more.map { ($0.key, $0.value) } + invalid.map { ($0.key, $0.value) }
            return Node.element("input", attributes.compactMap { key, value in value.map { (key, $0) } }, [])
        }

        static func result(_ outcome: ValidationOutcome) -> Node {
            // A success is a status, read when the reader is free; a refusal is an alert, in the error style.
            h("section", ["class": outcome.accepted ? "notice" : "errors", "role": outcome.accepted ? "status" : "alert", "aria-labelledby": "resultat"]) {
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
