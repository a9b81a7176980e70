import PassnumDomain
import PassnumPersistence

/// The step pages' pieces: each step's fields, the documents upload, and what a sent step recorded (also shown
/// on the operator's page of the place).
extension ApplicationStepPage {
    struct View {
        let model: Model
        let context: PageContext
        /// What was typed, and what is wrong with it, when the form is shown again.
        var form = ApplicationStepsController.StepForm()
        var errors = FormErrors()

        var document: Node {
            let step = model.step, application = model.application
            return Layout.page(title: ApplicationStepPage.title(step), context: context) {
                h("p") { h("a", ["href": SiteURL.placeApplication.path]) { "Retour à ma demande" } }
                h("h1") { "Étape \(step.number) sur \(ApplicationStep.allCases.count) : " + ApplicationStepPage.title(step) }
                Layout.notice(context)
                if model.locked {
                    h("p", ["role": "status"]) { "Cette étape est envoyée : elle ne peut plus être modifiée." }
                    ApplicationStepPage.summary(step, application: application)
                } else {
                    if step == .documents { ApplicationStepPage.documentsUpload(context, application: application) }
                    postForm(.placeStep(step.rawValue), context, errors: errors) {
                        ApplicationStepPage.fields(step, form: form, errors: errors)
                        h("p", ["class": "hint"]) { "Une fois envoyée, l’étape ne peut plus être modifiée." }
                        h("button", ["type": "submit"]) { step == .documents ? "J’ai ajouté tous mes justificatifs" : "Envoyer cette étape" }
                    }
                }
            }
        }
    }

    /// The step's title; exhaustive so a new step cannot reach a user under its code name.
    static func title(_ step: ApplicationStep) -> String {
        switch step {
        case .organisation: "La structure"
        case .sites: "Les adresses"
        case .representative: "Le représentant légal"
        case .eligibility: "Les conditions"
        case .services: "Les services proposés"
        case .hours: "Les horaires"
        case .bank: "Les coordonnées bancaires"
        case .documents: "Les justificatifs"
        }
    }

    static func fields(_ step: ApplicationStep, form: ApplicationStepsController.StepForm, errors: FormErrors) -> Node {
        switch step {
        case .organisation:
            group {
                field("Nom de la structure", name: "name", value: form.name, errors: errors)
                field("SIRET", name: "siret", value: form.siret, errors: errors, hint: "14 chiffres, sur l’avis de situation INSEE.",
                      attributes: ["inputmode": "numeric"])
                field("Téléphone (facultatif)", name: "phone", value: form.phone, type: "tel", errors: errors, required: false)
                field("E-mail de contact (facultatif)", name: "email", value: form.email, type: "email", errors: errors, required: false)
                field("Site internet (facultatif)", name: "website", value: form.website, errors: errors, required: false)
                field("Présentation courte (facultatif)", name: "summary", value: form.summary, errors: errors,
                      hint: "280 caractères au plus. Elle sera publiée.", required: false)
            }
        case .sites:
            group {
                for index in 0..<2 {
                    h("fieldset") {
                        h("legend") { index == 0 ? "Adresse principale" : "Autre adresse (facultatif)" }
                        field("Nom du lieu à cette adresse", name: "siteName\(index)", value: index == 0 ? form.siteName0 : form.siteName1, errors: errors, required: index == 0)
                        field("Adresse", name: "address\(index)", value: index == 0 ? form.address0 : form.address1, errors: errors, required: index == 0)
                        field("Code postal", name: "postcode\(index)", value: index == 0 ? form.postcode0 : form.postcode1, errors: errors, required: index == 0,
                              attributes: ["inputmode": "numeric"])
                        field("Commune", name: "communeName\(index)", value: index == 0 ? form.communeName0 : form.communeName1, errors: errors, required: index == 0)
                        field("Code INSEE de la commune", name: "communeCode\(index)", value: index == 0 ? form.communeCode0 : form.communeCode1,
                              errors: errors, hint: "5 caractères, par exemple 59350 pour Lille.", required: index == 0)
                        field("Latitude (facultatif)", name: "latitude\(index)", value: index == 0 ? form.latitude0 : form.latitude1, errors: errors, required: false)
                        field("Longitude (facultatif)", name: "longitude\(index)", value: index == 0 ? form.longitude0 : form.longitude1, errors: errors, required: false)
                        field("Comment venir (facultatif)", name: "access\(index)", value: index == 0 ? form.access0 : form.access1, errors: errors,
                              hint: "Bus, tram, parking, étage…", required: false)
                    }
                }
            }
        case .representative:
            group {
                field("Prénom", name: "firstName", value: form.firstName, errors: errors)
                field("Nom", name: "lastName", value: form.lastName, errors: errors)
                field("Fonction", name: "role", value: form.role, errors: errors, hint: "Par exemple : présidente, directeur.")
                field("E-mail", name: "email", value: form.email, type: "email", errors: errors)
            }
        case .eligibility:
            group {
                for (index, question) in ApplicationData.eligibilityQuestions.enumerated() {
                    h("fieldset") {
                        h("legend") { question }
                        if let error = errors["q\(index)"] { h("p", ["class": "error", "id": "q\(index)"]) { error } }
                        for (value, label) in [("oui", "Oui"), ("non", "Non")] {
                            choice("radio", id: "q\(index)-\(value)", name: "q\(index)", value: value, label: label)
                        }
                    }
                }
            }
        case .services:
            group {
                h("fieldset") {
                    h("legend") { "Services proposés" }
                    if let error = errors["categories"] { h("p", ["class": "error", "id": "categories"]) { error } }
                    for category in ServiceCategory.allCases {
                        choice("checkbox", id: "cat-" + category.code, name: "categories[]", value: category.code, label: category.rawValue)
                    }
                }
                h("fieldset") {
                    h("legend") { "Accompagnement adapté (facultatif)" }
                    for (index, option) in ApplicationData.accessibilityOptions.enumerated() {
                        choice("checkbox", id: "acc-\(index)", name: "accessibility[]", value: option, label: option)
                    }
                }
            }
        case .hours:
            field("Horaires d’ouverture", name: "openingHours", value: form.openingHours, errors: errors,
                  hint: "Format OpenStreetMap, par exemple : Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00 (Mo lundi, Tu mardi, We mercredi, Th jeudi, Fr vendredi, Sa samedi, Su dimanche).")
        case .bank:
            group {
                field("Titulaire du compte", name: "holder", value: form.holder, errors: errors)
                field("IBAN", name: "iban", value: form.iban, errors: errors, hint: "27 caractères pour un compte en France, commençant par FR.")
                field("BIC", name: "bic", value: form.bic, errors: errors, hint: "8 ou 11 caractères.")
            }
        case .documents:
            group {}
        }
    }

    static func documentsUpload(_ context: PageContext, application: PlaceApplication) -> Node {
        group {
            h("p") { "Ajoutez les statuts ou un extrait Kbis, et un RIB. Fichiers PDF, PNG ou JPEG, 5 Mo au plus chacun." }
            table(caption: "Justificatifs ajoutés", headers: ["Fichier", "Taille"], rows: application.documents.map {
                [.text($0.filename), .text("\(max(1, $0.size / 1024)) Ko")]
            }, empty: "aucun fichier.")
            h("form", ["method": "post", "action": SiteURL.placeDocuments.path, "enctype": "multipart/form-data"]) {
                csrfField(context)
                field("Fichier à ajouter", name: "document", type: "file", attributes: ["accept": "application/pdf,image/png,image/jpeg"])
                h("button", ["type": "submit", "class": "secondary"]) { "Ajouter ce fichier" }
            }
        }
    }

    static func summary(_ step: ApplicationStep, application: PlaceApplication) -> Node {
        func list(_ items: [(String, String)]) -> Node {
            h("dl") { for (term, value) in items where !value.isEmpty { h("dt") { term }; h("dd") { value } } }
        }
        switch step {
        case .organisation:
            guard let data = application.decode(ApplicationData.Organisation.self, step) else { return group {} }
            return list([("Nom", data.name), ("SIRET", data.siret), ("Téléphone", data.phone.map(French.phone) ?? ""), ("E-mail", data.email ?? ""),
                         ("Site internet", data.website ?? ""), ("Présentation", data.summary ?? "")])
        case .sites:
            let sites = application.decode([ApplicationData.Site].self, step) ?? []
            return h("ul") { for site in sites { h("li") { "\(site.name) – \(site.address), \(site.postcode) \(site.communeName)" } } }
        case .representative:
            guard let data = application.decode(ApplicationData.Representative.self, step) else { return group {} }
            return list([("Nom", data.firstName + " " + data.lastName), ("Fonction", data.role), ("E-mail", data.email)])
        case .eligibility:
            let answers = application.decode(ApplicationData.Eligibility.self, step)?.answers ?? []
            return h("ul") {
                for (index, question) in ApplicationData.eligibilityQuestions.enumerated() where index < answers.count {
                    h("li") { question + " " + (answers[index] ? "Oui." : "Non.") }
                }
            }
        case .services:
            let data = application.decode(ApplicationData.Services.self, step)
            return h("ul") { for category in data?.categories ?? [] { h("li") { category.rawValue } } }
        case .hours:
            let hours = application.decode(ApplicationData.Hours.self, step).flatMap { try? OpeningHours($0.openingHours) }
            return h("ul") { for line in hours?.french ?? [] { h("li") { line } } }
        case .bank:
            guard let data = application.decode(ApplicationData.Bank.self, step) else { return group {} }
            return list([("Titulaire", data.holder), ("IBAN", IBAN.grouped(data.iban)), ("BIC", data.bic)])
        case .documents:
            return h("ul") { for document in application.documents { h("li") { document.filename } } }
        }
    }
}
