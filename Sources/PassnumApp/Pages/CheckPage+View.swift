import PassnumDomain

extension CheckPage {
    struct View {
        /// Nil until a serial and code that match a check are sent.
        let model: Model?
        let context: PageContext
        var form = PublicController.CheckForm()
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Vérifier un chèque", context: context) {
                h("h1") { "Vérifier un chèque" }
                h("p") { "Recopiez le numéro et le code imprimés sur le chèque." }
                if let model { Self.result(model) }
                h("form", ["method": "post", "action": SiteURL.checkStatus.path, "novalidate": ""]) {
                    errors.summary
                    csrfField(context)
                    field("Numéro du chèque", name: "serial", value: form.serial, errors: errors, hint: "12 chiffres, par exemple 1000 0000 0017.",
                          attributes: ["inputmode": "numeric", "autocomplete": "off"])
                    field("Code de sécurité", name: "code", value: form.code, errors: errors, hint: "13 lettres et chiffres.",
                          attributes: ["autocomplete": "off", "autocapitalize": "characters"])
                    h("button", ["type": "submit"]) { "Vérifier" }
                }
            }
        }

        static func result(_ model: Model) -> Node {
            let status = model.status
            return h("section", ["class": model.usable ? "notice" : "errors", "role": "status", "aria-labelledby": "resultat"]) {
                h("h2", ["id": "resultat"]) { model.usable ? "Ce chèque est valable" : "Ce chèque ne peut pas être utilisé" }
                h("dl") {
                    h("dt") { "Valeur" }; h("dd") { money(status.faceValue) }
                    h("dt") { "Financé par" }; h("dd") { status.funderName + " (" + status.programmeName + ")" }
                    h("dt") { "Valable jusqu’au" }; h("dd") { French.date(status.lastDay) }
                    h("dt") { "État" }; h("dd") { French.state(status.state) }
                }
                if model.usable { h("p") { h("a", ["href": SiteURL.places.path]) { "Trouver un lieu où l’utiliser" } } }
            }
        }
    }
}
