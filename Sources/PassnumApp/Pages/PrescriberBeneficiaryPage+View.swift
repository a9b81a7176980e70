import PassnumDomain
import PassnumPersistence

extension PrescriberBeneficiaryPage {
    struct View {
        let model: Model
        let context: PageContext
        /// The hand-out form as typed, and what is wrong with it, when it is shown again.
        var handOut = PrescriberController.HandOutForm()
        var errors = FormErrors()
        /// Why a confirmed erasure was refused (`PersonalDataController.erase`).
        var erasureErrors = FormErrors()
        /// The diagnostic's answers as given, and the questions left unanswered, when the form is shown again.
        var diagnostic = PrescriberController.DiagnosticForm()
        /// The prescriber asked to redo a recorded diagnostic (`?refaire=1`): only then is its form shown.
        var redo = false

        var document: Node {
            let person = model.person
            return Layout.page(title: person.firstName + " " + person.lastName, context: context) {
                h("h1") { person.firstName + " " + person.lastName.uppercased() }
                Layout.notice(context)
                if person.checks > 0 {
                    h("p", ["class": "noprint"]) { h("a", ["href": SiteURL.prescriberSheet(person.id).path]) { "Imprimer la fiche pour la personne" } }
                }
                h("p") { French.commune(code: person.commune, name: person.communeName) + (person.birthYear.map { ", née ou né en \($0)" } ?? "") + "." }
                // Once the level is known, handing out is what the prescriber came for.
                if person.level == nil {
                    diagnosticSection
                    handOutSection
                } else {
                    handOutSection
                    diagnosticSection
                }
                table(caption: "Chèques remis", headers: ["Numéro", "Remis le", "État"], rows: model.checks.map {
                    [.text($0.serial.grouped), .text($0.at.map(French.dateTime) ?? "—"), .text(French.state($0.state))]
                }, empty: "aucun chèque.")
                personalData
            }
        }

        var handOutSection: Node {
            group {
                h("h2") { "Remettre des chèques" }
                if model.booklets.isEmpty {
                    h("p") { "Vous n’avez plus de chèques à remettre. Demandez des carnets au financeur." }
                } else {
                    h("form", ["method": "post", "action": SiteURL.prescriberHandOut(model.person.id).path, "novalidate": ""]) {
                        errors.summary
                        csrfField(context)
                        // A USB scanner types the QR code's URL: no autocorrection or autofill may change it.
                        field("Numéro du carnet ou d’un chèque", name: "number", value: handOut.number, errors: errors,
                              hint: "Tapez le numéro écrit sur la couverture du carnet, ou scannez un de ses chèques.", required: false,
                              attributes: ["inputmode": "numeric", "autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"])
                        select("ou choisissez dans votre stock", name: "booklet",
                               options: [("", "—")] + model.booklets.map { (String($0.id.rawValue), "Carnet n° \($0.id) – \($0.programmeName) – \($0.available) chèques") },
                               selected: handOut.booklet, errors: errors)
                        field("Nombre de chèques", name: "checks", value: handOut.checks ?? model.recommended.map(String.init), errors: errors,
                              hint: "Laissez vide pour remettre tout le carnet.", required: false, attributes: ["inputmode": "numeric"])
                        if !model.targetPublics.isEmpty { targetPublicChoice }
                        h("button", ["type": "submit"]) { "Remettre" }
                    }
                }
            }
        }

        /// The programme's publics, one at most; "none or unknown" is chosen unless the prescriber ticks one, so that a
        /// public nobody asked about is never counted.
        var targetPublicChoice: Node {
            let name = DomainError.Field.targetPublic.rawValue, error = errors[name], chosen = handOut.targetPublic ?? ""
            return h("fieldset", ["id": name, "class": error == nil ? nil : "invalid", "aria-describedby": error == nil ? nil : name + "-erreur"]) {
                h("legend") { "La personne fait-elle partie d’un de ces publics ? (facultatif)" }
                if let error { h("p", ["class": "error", "id": name + "-erreur"]) { error } }
                choice("radio", id: name + "-aucun", name: name, value: "", label: "Aucun de ces publics / ne sait pas",
                       ["checked": model.targetPublics.contains(where: { $0.rawValue == chosen }) ? nil : ""])
                for targetPublic in model.targetPublics {
                    choice("radio", id: name + "-" + targetPublic.rawValue, name: name, value: targetPublic.rawValue,
                           label: French.targetPublic(targetPublic), ["checked": chosen == targetPublic.rawValue ? "" : nil])
                }
            }
        }

        /// The recorded level, changed only on purpose: its form is shown when there is no level yet, when the
        /// prescriber asks to redo it, or again with its errors.
        var diagnosticSection: Node {
            group {
                h("h2", ["id": "diagnostic"]) { "Diagnostic" }
                if let level = model.person.level {
                    // A level recorded before its date was kept is shown without one.
                    h("p") { model.person.diagnosticAt.map { "Diagnostic du \(French.date(CivilDate($0))) : " + French.levelInSentence(level) + "." }
                        ?? French.level(level) + "." }
                    h("p") { "Nombre de chèques conseillé : \(model.recommended ?? 0)." }
                    if redo || !diagnostic.errors.isEmpty {
                        // The platform keeps the level only (DESIGN.md): a redone diagnostic starts empty.
                        h("p") { "Les réponses ne sont pas gardées : seul le niveau l’est." }
                        diagnosticForm
                        h("p") { h("a", ["href": SiteURL.prescriberBeneficiary(model.person.id).path]) { "Garder le niveau actuel" } }
                    } else {
                        h("form", ["method": "get", "action": SiteURL.prescriberBeneficiary(model.person.id).path + "#diagnostic"]) {
                            h("input", ["type": "hidden", "name": "refaire", "value": "1"])
                            h("button", ["type": "submit", "class": "secondary"]) { "Refaire le diagnostic" }
                        }
                    }
                } else {
                    diagnosticForm
                }
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
                    // The next page says what will be erased and asks to confirm (`PersonalDataController.confirmErasure`).
                    h("button", ["type": "submit", "class": "secondary"]) { "Effacer les données" }
                }
            }
        }

        /// No answer is chosen in advance: an answer nobody gave must not make a level.
        var diagnosticForm: Node {
            h("form", ["method": "post", "action": SiteURL.prescriberDiagnostic(model.person.id).path, "novalidate": ""]) {
                diagnostic.errors.summary
                csrfField(context)
                for (index, question) in Diagnostic.questions.enumerated() {
                    let name = "q\(index)", error = diagnostic.errors["q\(index)"]
                    h("fieldset", ["id": name, "class": error == nil ? nil : "invalid",
                                   "aria-describedby": error == nil ? nil : name + "-erreur"]) {
                        h("legend") { "\(index + 1). " + question }
                        if let error { h("p", ["class": "error", "id": name + "-erreur"]) { error } }
                        for (answer, label) in [(Diagnostic.Answer.no, "Non"), (.withHelp, "Avec de l’aide"), (.alone, "Oui, seul")] {
                            choice("radio", id: "\(name)-\(answer.rawValue)", name: name, value: "\(answer.rawValue)", label: label,
                                   ["required": "", "checked": diagnostic.answers[index] == answer ? "" : nil])
                        }
                    }
                }
                h("button", ["type": "submit"]) { "Calculer le niveau" }
            }
        }
    }
}

extension French {
    /// What each diagnostic level means, said in one place: pages and notices name levels with these words.
    static func levelWords(_ level: Int) -> String {
        switch level {
        case ...1: "loin du numérique"
        case 2: "fait ses premiers pas"
        case 3: "se débrouille avec de l’aide"
        default: "presque autonome"
        }
    }

    /// "Niveau 1 sur 4 : loin du numérique".
    static func level(_ level: Int) -> String {
        "Niveau \(level) sur \(Diagnostic.levels.upperBound) : " + levelWords(level)
    }

    /// "niveau 2 sur 4, fait ses premiers pas", inside a sentence.
    static func levelInSentence(_ level: Int) -> String {
        "niveau \(level) sur \(Diagnostic.levels.upperBound), " + levelWords(level)
    }

    /// A commune by its name when the platform knows it, else "Commune 33063".
    static func commune(code: String, name: String?) -> String {
        name ?? "Commune \(code)"
    }

    /// A commune to choose among others: "Saint-Denis (93200) – code INSEE 93066".
    static func commune(_ commune: KnownCommune) -> String {
        French.commune(code: commune.code.value, name: commune.name)
            + (commune.postcodes.isEmpty ? "" : " (" + commune.postcodes.joined(separator: ", ") + ")") + " – code INSEE \(commune.code)"
    }
}
