import PassnumDomain
import PassnumPersistence

extension PrescriberBeneficiaryPage {
    struct View {
        let model: Model
        let context: PageContext
        /// The hand-out form as typed, and what is wrong with it, when it is shown again.
        var handOut = PrescriberController.HandOutForm()
        var errors = FormErrors()
        /// The erasure's confirmation, when it was refused (`PersonalDataController.erase`).
        var erasureErrors = FormErrors()

        var document: Node {
            let person = model.person
            return Layout.page(title: person.firstName + " " + person.lastName, context: context) {
                h("h1") { person.firstName + " " + person.lastName.uppercased() }
                Layout.notice(context)
                h("p") { "Commune \(person.commune)" + (person.birthYear.map { ", née ou né en \($0)" } ?? "") + "." }
                h("h2") { "Diagnostic" }
                if let level = person.level {
                    h("p") { "Niveau \(level) sur 4. Nombre de chèques conseillé : \(model.recommended ?? 0)." }
                }
                diagnosticForm
                h("h2") { "Remettre des chèques" }
                if model.booklets.isEmpty {
                    h("p") { "Vous n’avez plus de chèques à remettre. Demandez des carnets au financeur." }
                } else {
                    h("form", ["method": "post", "action": SiteURL.prescriberHandOut(person.id).path, "novalidate": ""]) {
                        errors.summary
                        csrfField(context)
                        select("Carnet", name: "booklet", options: model.booklets.map { (String($0.id.rawValue), "Carnet n° \($0.id) – \($0.programmeName) – \($0.available) chèques") },
                               selected: handOut.booklet, errors: errors)
                        field("Nombre de chèques", name: "checks", value: handOut.checks ?? model.recommended.map(String.init), errors: errors,
                              hint: "Laissez vide pour remettre tout le carnet.", required: false, attributes: ["inputmode": "numeric"])
                        h("button", ["type": "submit"]) { "Remettre" }
                    }
                }
                table(caption: "Chèques remis", headers: ["Numéro", "Remis le", "État"], rows: model.checks.map {
                    [.text($0.serial.grouped), .text($0.at.map(French.dateTime) ?? "—"), .text(French.state($0.state))]
                }, empty: "aucun chèque.")
                personalData
            }
        }

        /// The right of access (a printable record) and the right to erasure, with its confirmation.
        var personalData: Node {
            group {
                h("h2") { "Données personnelles" }
                h("p") {
                    h("a", ["href": SiteURL.prescriberPersonalData(model.person.id).path]) { "Données détenues" }
                    " : tout ce que la plateforme garde sur cette personne, à imprimer et à lui donner si elle le demande."
                }
                postForm(.prescriberErasure(model.person.id), context, errors: erasureErrors) {
                    h("p") { "Si la personne le demande, effacez ses données : son nom est remplacé par un numéro. C’est possible quand elle n’a plus de chèque utilisable." }
                    h("div", ["class": erasureErrors["confirm"] == nil ? "field" : "field invalid"]) {
                        if let error = erasureErrors["confirm"] { h("p", ["class": "error", "id": "confirm-erreur"]) { error } }
                        choice("checkbox", id: "confirm", name: "confirm", value: "oui",
                               label: "Je confirme l’effacement. On ne pourra pas revenir en arrière.",
                               ["aria-describedby": erasureErrors["confirm"] == nil ? nil : "confirm-erreur"])
                    }
                    h("button", ["type": "submit", "class": "secondary"]) { "Effacer les données" }
                }
            }
        }

        var diagnosticForm: Node {
            h("form", ["method": "post", "action": SiteURL.prescriberDiagnostic(model.person.id).path]) {
                csrfField(context)
                for (index, question) in Diagnostic.questions.enumerated() {
                    h("fieldset") {
                        h("legend") { "\(index + 1). " + question }
                        for (answer, label) in [(Diagnostic.Answer.no, "Non"), (.withHelp, "Avec de l’aide"), (.alone, "Oui, seul")] {
                            choice("radio", id: "q\(index)-\(answer.rawValue)", name: "q\(index)", value: "\(answer.rawValue)", label: label,
                                   ["required": "", "checked": answer == .no ? "" : nil])
                        }
                    }
                }
                h("button", ["type": "submit", "class": model.person.level == nil ? nil : "secondary"]) { "Calculer le niveau" }
            }
        }
    }
}
