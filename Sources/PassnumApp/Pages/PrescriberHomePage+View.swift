import PassnumDomain

extension PrescriberHomePage {
    struct View {
        let model: Model
        let context: PageContext
        /// The new person's form as typed, and what is wrong with it, when it is shown again.
        var form = PrescriberController.PersonForm()
        var errors = FormErrors()

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
                    field("Commune (code INSEE)", name: "commune", value: form.commune, errors: errors, hint: "5 caractères, par exemple 59350 pour Lille.")
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
                           .text(person.birthYear.map(String.init) ?? "—"), .text(person.level.map(French.level) ?? "Pas de diagnostic"),
                           .text(String(person.checks))]
                      }, empty: "aucune personne.")
                pager(model.position, path: SiteURL.prescriberHome.path, parameters: [("q", model.search ?? "")])
            }
        }
    }
}
