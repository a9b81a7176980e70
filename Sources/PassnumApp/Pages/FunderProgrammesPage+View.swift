import PassnumDomain
import PassnumPersistence

extension FunderProgrammesPage {
    struct View {
        let model: Model
        let context: PageContext
        let form: FunderProgrammesController.ProgrammeForm
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Programmes", context: context) {
                h("h1") { "Programmes" }
                Layout.notice(context)
                table(caption: "Mes programmes", headers: ["Nom", "Valable", "Chèque", "Territoire", "Commandes", "Réglages"], rows: model.programmes.map { row in
                    let terms = row.programme.terms
                    let name: Node = row.orders == 0
                        ? h("a", ["href": SiteURL.funderProgramme(row.programme.id).path]) { terms.name + " (modifier)" }
                        : .text(terms.name)
                    return [name, .text("du \(French.date(terms.validFrom)) au \(French.date(terms.validUntil))"),
                            .text(money(terms.faceValue)), .text(terms.perimeter.departements.map(\.value).joined(separator: ", ")),
                            .text(String(row.orders)),
                            group {
                                h("a", ["href": SiteURL.funderDiagnosticGrid(row.programme.id).path]) { "Grille du diagnostic" }
                                h("br")
                                h("a", ["href": SiteURL.funderTargetPublics(row.programme.id).path]) { "Publics visés" }
                            }]
                })
                h("h2") { "Nouveau programme" }
                FunderProgrammesPage.form(context, action: .funderProgrammes, form: form, errors: errors, submit: "Créer le programme")
            }
        }
    }

    /// The programme's form, the same to create one and to edit one.
    static func form(_ context: PageContext, action: SiteURL, form: FunderProgrammesController.ProgrammeForm, errors: FormErrors, submit: String) -> Node {
        h("form", ["method": "post", "action": action.path, "novalidate": ""]) {
            errors.summary
            csrfField(context)
            field("Nom du programme", name: "name", value: form.name, errors: errors)
            field("Valeur d’un chèque (€)", name: "faceValue", value: form.faceValue, errors: errors, attributes: ["inputmode": "decimal"])
            field("Chèques par carnet", name: "checksPerBooklet", value: form.checksPerBooklet, errors: errors, attributes: ["inputmode": "numeric"])
            field("Premier jour de validité", name: "validFrom", value: form.validFrom, type: "date", errors: errors, hint: "Format AAAA-MM-JJ.")
            field("Dernier jour de validité", name: "validUntil", value: form.validUntil, type: "date", errors: errors, hint: "Format AAAA-MM-JJ.")
            field("Délai de grâce (jours)", name: "graceDays", value: form.graceDays, errors: errors,
                  hint: "Les lieux acceptent encore les chèques remis pendant ce délai après la fin.", attributes: ["inputmode": "numeric"])
            field("Départements", name: "departements", value: form.departements, errors: errors, hint: "Codes séparés par des virgules, par exemple : 59, 62.")
            field("Communes (facultatif)", name: "communes", value: form.communes, errors: errors,
                  hint: "Codes INSEE séparés par des virgules, pour limiter à ces communes.", required: false)
            h("fieldset") {
                h("legend") { "Services payés par les chèques" }
                if let error = errors["categories"] { h("p", ["class": "error", "id": "categories"]) { error } }
                for category in ServiceCategory.allCases {
                    choice("checkbox", id: "cat-" + category.code, name: "categories[]", value: category.code, label: category.rawValue,
                           ["checked": (form.categories ?? []).contains(category.code) ? "" : nil])
                }
            }
            h("fieldset") {
                h("legend") { "Cofinanceurs (le total doit faire 100 %)" }
                if let error = errors["shares"] { h("p", ["class": "error", "id": "shares"]) { error } }
                field("Cofinanceur 1", name: "cofunder1", value: form.cofunder1, errors: errors, required: false)
                field("Part du cofinanceur 1 (%)", name: "share1", value: form.share1, errors: errors, required: false)
                field("Cofinanceur 2", name: "cofunder2", value: form.cofunder2, errors: errors, required: false)
                field("Part du cofinanceur 2 (%)", name: "share2", value: form.share2, errors: errors, required: false)
                field("Cofinanceur 3 (facultatif)", name: "cofunder3", value: form.cofunder3, errors: errors, required: false)
                field("Part du cofinanceur 3 (%)", name: "share3", value: form.share3, errors: errors, required: false)
            }
            field("Nombre maximum de chèques par personne (facultatif)", name: "maxChecks", value: form.maxChecks, errors: errors, required: false)
            field("Texte imprimé sur les chèques (facultatif)", name: "bookletText", value: form.bookletText, errors: errors,
                  hint: "Deux lignes au plus (\(ProgrammeTerms.maximumBookletText) caractères). Par exemple : « Offert par votre Département ».",
                  required: false)
            h("button", ["type": "submit"]) { submit }
        }
    }
}

extension FunderProgrammePage {
    struct View {
        let programme: ProgrammeID
        let context: PageContext
        let form: FunderProgrammesController.ProgrammeForm
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Modifier le programme", context: context) {
                h("h1") { "Modifier le programme" }
                h("p") { "Un programme peut être modifié tant qu’il n’a aucune commande." }
                FunderProgrammesPage.form(context, action: .funderProgramme(programme), form: form, errors: errors, submit: "Enregistrer")
                h("p") { h("a", ["href": SiteURL.funderProgrammes.path]) { "Retour aux programmes" } }
            }
        }
    }
}
