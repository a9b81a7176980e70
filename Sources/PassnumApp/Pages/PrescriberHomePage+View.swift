import PassnumDomain
import PassnumPersistence

extension PrescriberHomePage {
    struct View {
        let model: Model
        let context: PageContext
        /// The new person's form as typed, and what is wrong with it, when it is shown again.
        var form = PrescriberController.PersonForm()
        var errors = FormErrors()
        /// The communes the typed text matched, to choose from.
        var communes: [KnownCommune] = []
        /// A code the platform does not know, to tick if it is the commune's INSEE code (not its postcode).
        var unknownCode: CommuneCode? = nil

        var document: Node {
            Layout.page(title: "Bénéficiaires", context: context) {
                h("h1") { "Bénéficiaires et carnets" }
                Layout.notice(context)
                expiryAlerts(model.alerts)
                // A person in front of the prescriber: recording them is the first thing on the page.
                h("h2") { "Nouvelle personne" }
                h("form", ["method": "post", "action": SiteURL.prescriberBeneficiaries.path, "novalidate": ""]) {
                    errors.summary
                    csrfField(context)
                    field("Prénom", name: "firstName", value: form.firstName, errors: errors, attributes: ["autocomplete": "off"])
                    field("Nom", name: "lastName", value: form.lastName, errors: errors, attributes: ["autocomplete": "off"])
                    field("Année de naissance (facultatif)", name: "birthYear", value: form.birthYear, errors: errors, required: false,
                          attributes: ["inputmode": "numeric"])
                    field("Commune", name: "commune", value: form.commune, errors: errors, hint: "Nom, code postal ou code INSEE.",
                          attributes: ["autocomplete": "off"])
                    if !communes.isEmpty {
                        // Without JavaScript: the candidates come back as radio buttons; the chosen one wins over the text.
                        h("fieldset", ["id": "communeCode"]) {
                            h("legend") { "Quelle commune ?" }
                            for commune in communes {
                                choice("radio", id: "communeCode-\(commune.code)", name: "communeCode", value: commune.code.value,
                                       label: French.commune(commune), ["checked": form.communeCode == commune.code.value ? "" : nil])
                            }
                        }
                    } else if let code = unknownCode {
                        // Not pre-ticked: postcodes and INSEE codes look alike ("75011" is a postcode; Paris 11e is 75111).
                        h("fieldset", ["id": "communeCode", "aria-describedby": "communeCode-aide"]) {
                            h("legend") { "Est-ce le code INSEE de la commune ?" }
                            h("p", ["class": "hint", "id": "communeCode-aide"]) {
                                "Vérifiez que c’est le code INSEE de la commune et non son code postal."
                            }
                            choice("radio", id: "communeCode-\(code)", name: "communeCode", value: code.value,
                                   label: "Code INSEE \(code.value) (commune que la plateforme ne connaît pas encore)",
                                   ["checked": form.communeCode?.trimmingCharacters(in: .whitespaces).uppercased() == code.value ? "" : nil])
                        }
                    }
                    h("div", ["class": errors["consent"] == nil ? "field" : "field invalid"]) {
                        if let error = errors["consent"] { h("p", ["class": "error", "id": "consent-erreur"]) { error } }
                        h("input", ["type": "checkbox", "id": "consent", "name": "consent", "value": "oui", "checked": form.consent == "oui" ? "" : nil,
                                    "aria-describedby": errors["consent"] == nil ? nil : "consent-erreur"])
                        " "
                        h("label", ["for": "consent", "class": "inline-label"]) { "La personne est d’accord pour que ses nom, année de naissance et commune soient enregistrés." }
                    }
                    h("button", ["type": "submit"]) { "Enregistrer la personne" }
                }
                h("h2") { "Mon stock" }
                h("p") { French.plural(model.bookletsAvailable, "carnet", "carnets") + " avec des chèques à remettre, " + French.plural(model.checksAvailable, "chèque", "chèques") + " en tout." }
                h("h2") { "Trouver une personne" }
                h("form", ["method": "get", "action": SiteURL.prescriberHome.path, "class": "inline", "role": "search"]) {
                    field("Nom ou prénom", name: "q", value: model.search, required: false)
                    h("button", ["type": "submit", "class": "secondary"]) { "Chercher" }
                }
                table(caption: model.search.map { "Résultats pour « \($0) »" } ?? "Mes bénéficiaires", headers: ["Nom", "Année", "Niveau", "Chèques reçus"],
                      rows: model.people.map { person in
                          [h("a", ["href": SiteURL.prescriberBeneficiary(person.id).path]) { person.lastName.uppercased() + " " + person.firstName },
                           .text(person.birthYear.map(String.init) ?? "—"), .text(person.level.map { French.level($0) + (person.diagnosticAt.map { ", le " + French.date(CivilDate($0)) } ?? "") } ?? "Pas de diagnostic"),
                           .text(String(person.checks))]
                      }, empty: "aucune personne.")
                pager(model.position, path: SiteURL.prescriberHome.path, parameters: [("q", model.search ?? "")])
            }
        }
    }
}
