import PassnumDomain

/// Declaring a check lost or stolen: a form only, no data to read.
enum PrescriberOppositionPage {
    struct View {
        let context: PageContext
        /// The form as typed, and what is wrong with it, when it is shown again.
        var form = PrescriberController.OppositionForm()
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Chèques perdus ou volés", context: context) {
                h("h1") { "Déclarer un chèque perdu ou volé" }
                Layout.notice(context)
                h("p") { "Le chèque ne pourra plus jamais être utilisé." }
                h("form", ["method": "post", "action": SiteURL.prescriberOpposition.path, "novalidate": ""]) {
                    errors.summary
                    csrfField(context)
                    field("Numéro du chèque", name: "serial", value: form.serial, errors: errors, attributes: ["inputmode": "numeric"])
                    select("Motif", name: "reason", options: [("lost", "Perdu"), ("stolen", "Volé")], selected: form.reason)
                    h("button", ["type": "submit"]) { "Déclarer" }
                }
            }
        }
    }
}
