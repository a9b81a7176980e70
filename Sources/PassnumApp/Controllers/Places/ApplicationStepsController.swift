import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A place's application step by step (resumable, each step locked once sent), then sending it to the operator.
enum ApplicationStepsController {
    static func manager(_ request: Request) throws -> (SessionUser, PlaceID) {
        let user = try request.requireUser(.placeManager)
        guard let place = user.organisation.place else { throw Abort(.forbidden) }
        return (user, place)
    }

    static let titles: [ApplicationStep: String] = [
        .organisation: "La structure", .sites: "Les adresses", .representative: "Le représentant légal", .eligibility: "Les conditions",
        .services: "Les services proposés", .hours: "Les horaires", .bank: "Les coordonnées bancaires", .documents: "Les justificatifs",
    ]

    /// The step's title; a step added without one shows its code rather than stopping the page.
    static func title(_ step: ApplicationStep) -> String { titles[step] ?? step.rawValue }

    @Sendable static func overview(_ request: Request) async throws -> Response {
        let (_, place) = try manager(request)
        let application = try await request.store.application(of: place)
        return Layout.response(Layout.page(title: "Ma demande", request: request) {
            h("h1") { "Demande d’habilitation – " + application.name }
            Layout.notice(request)
            h("p", ["role": "status"]) { stateText(application.state) }
            h("ol") {
                for step in ApplicationStep.allCases {
                    h("li") {
                        h("a", ["href": SiteURL.placeStep(step.rawValue).path]) { title(step) }
                        application.steps[step] == nil ? " – à faire" : " – fait"
                    }
                }
            }
            if application.state == .draft {
                if let next = application.nextStep {
                    h("p") { h("a", ["href": SiteURL.placeStep(next.rawValue).path]) { "Continuer : " + title(next) } }
                } else {
                    h("form", ["method": "post", "action": SiteURL.placeSubmit.path]) {
                        csrfField(request)
                        h("p") { "Toutes les étapes sont faites. Envoyez votre demande : l’équipe de la plateforme l’étudiera." }
                        h("button", ["type": "submit"]) { "Envoyer ma demande" }
                    }
                }
            }
        })
    }

    static func stateText(_ state: PlaceState) -> String {
        switch state {
        case .draft: "Votre demande n’est pas encore envoyée."
        case .submitted: "Votre demande est envoyée. Elle est en cours d’étude."
        case .qualified: "Votre lieu est habilité. Demandez à accepter les chèques des financeurs dans « Financeurs »."
        case .rejected: "Votre demande a été refusée."
        case .suspended: "Votre lieu est suspendu."
        case .disqualified: "Votre lieu n’est plus habilité."
        }
    }

    @Sendable static func showStep(_ request: Request) async throws -> Response {
        let (_, place) = try manager(request)
        guard let step = request.parameters.get("step").flatMap(ApplicationStep.init(rawValue:)) else { throw Abort(.notFound) }
        let application = try await request.store.application(of: place)
        return Layout.response(ApplicationStepViews.stepPage(request, step: step, application: application, form: StepForm(), errors: FormErrors()))
    }

    /// Every field of every step; each step reads its own.
    struct StepForm: Content {
        var name, siret, phone, email, website, summary: String?
        var siteName0, address0, postcode0, communeCode0, communeName0, latitude0, longitude0, access0: String?
        var siteName1, address1, postcode1, communeCode1, communeName1, latitude1, longitude1, access1: String?
        var firstName, lastName, role: String?
        var q0, q1, q2, q3: String?
        var categories: [String]?
        var accessibility: [String]?
        var openingHours: String?
        var holder, iban, bic: String?
    }

    @Sendable static func submitStep(_ request: Request) async throws -> Response {
        let (user, place) = try manager(request)
        guard let step = request.parameters.get("step").flatMap(ApplicationStep.init(rawValue:)) else { throw Abort(.notFound) }
        let form = try request.content.decode(StepForm.self)
        var errors = FormErrors()
        do {
            switch step {
            case .organisation: if let data = organisation(form, &errors) { try await request.store.submitStep(step, data, place: place) }
            case .sites: if let data = sites(form, &errors) { try await request.store.submitStep(step, data, place: place) }
            case .representative:
                let data = ApplicationData.Representative(firstName: text(form.firstName), lastName: text(form.lastName), role: text(form.role),
                                                          email: text(form.email))
                if data.firstName.isEmpty { errors.add("firstName", "Indiquez le prénom.") }
                if data.lastName.isEmpty { errors.add("lastName", "Indiquez le nom.") }
                if data.role.isEmpty { errors.add("role", "Indiquez la fonction.") }
                if AccountRules.normalisedEmail(data.email) == nil { errors.add("email", "Indiquez une adresse e-mail complète.") }
                if errors.isEmpty { try await request.store.submitStep(step, data, place: place) }
            case .eligibility:
                let raw = [form.q0, form.q1, form.q2, form.q3]
                for (index, answer) in raw.enumerated() where answer != "oui" && answer != "non" { errors.add("q\(index)", "Répondez oui ou non.") }
                if errors.isEmpty { try await request.store.submitStep(step, ApplicationData.Eligibility(answers: raw.map { $0 == "oui" }), place: place) }
            case .services:
                let chosen = Set((form.categories ?? []).compactMap(ServiceCategory.init(code:)))
                if chosen.isEmpty { errors.add("categories", "Choisissez au moins un service.") }
                let accessibility = (form.accessibility ?? []).filter(ApplicationData.accessibilityOptions.contains)
                if errors.isEmpty {
                    try await request.store.submitStep(step, ApplicationData.Services(categories: ServiceCategory.allCases.filter(chosen.contains),
                                                                                      accessibility: accessibility), place: place)
                }
            case .hours:
                do {
                    let hours = try OpeningHours(text(form.openingHours))
                    try await request.store.submitStep(step, ApplicationData.Hours(openingHours: hours.description), place: place)
                } catch let error as OpeningHours.ParseError {
                    errors.add("openingHours", "Ces horaires ne sont pas au bon format (" + error.message + "). Exemple : Mo-Fr 09:00-12:00,14:00-17:00.")
                }
            case .bank:
                if let checked = BankDetailsController.checkBankFields(holder: text(form.holder), iban: text(form.iban), bic: text(form.bic),
                                                                       into: &errors) {
                    try await request.store.submitStep(step, ApplicationData.Bank(holder: text(form.holder), iban: checked.iban, bic: checked.bic),
                                                       place: place,
                                                       actor: Actor(user))
                }
            case .documents:
                try await request.store.submitStep(step, [String: String](), place: place)
            }
        } catch let error as DomainError {
            switch error {
            case .invalid(.siret, .alreadyUsed): errors.add("siret", "Un autre lieu est déjà inscrit avec ce SIRET.")
            case .invalid(.documents, _): errors.add("document", "Ajoutez au moins un justificatif.")
            case .invalidTransition: errors.add("", "Cette étape est déjà envoyée.")
            default: errors.add(error)
            }
        }
        guard errors.isEmpty else {
            let application = try await request.store.application(of: place)
            return Layout.response(ApplicationStepViews.stepPage(request, step: step, application: application, form: form, errors: errors), status: .unprocessableEntity)
        }
        let application = try await request.store.application(of: place)
        if let next = application.nextStep {
            return request.redirect(to: .placeStep(next.rawValue), notice: "Étape « \(title(step)) » enregistrée.")
        }
        return request.redirect(to: .placeApplication, notice: "Étape « \(title(step)) » enregistrée. Vous pouvez envoyer votre demande.")
    }

    static func text(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }

    /// A French phone number in the standard's form: "03 20 00 00 00" → "+33320000000".
    static func phone(_ text: String) -> String? {
        var digits = text.filter { $0.isNumber || $0 == "+" }
        if digits.hasPrefix("0") && digits.count == 10 { digits = "+33" + digits.dropFirst() }
        guard digits.hasPrefix("+"), (8...13).contains(digits.count), digits.dropFirst().allSatisfy(\.isNumber) else { return nil }
        return digits
    }

    static func organisation(_ form: StepForm, _ errors: inout FormErrors) -> ApplicationData.Organisation? {
        let name = text(form.name)
        if name.isEmpty { errors.add("name", "Indiquez le nom de la structure.") }
        var siret = ""
        switch Siret.check(text(form.siret)) {
        case .success(let value): siret = value
        case .failure(.notFourteenDigits): errors.add("siret", "Le SIRET compte 14 chiffres.")
        case .failure(.badChecksum): errors.add("siret", "Ce SIRET contient une erreur de frappe : vérifiez chaque chiffre.")
        }
        var phoneNumber: String? = nil
        if !text(form.phone).isEmpty {
            phoneNumber = phone(text(form.phone))
            if phoneNumber == nil { errors.add("phone", "Indiquez un numéro de téléphone, par exemple 03 20 00 00 00.") }
        }
        let email = text(form.email)
        if !email.isEmpty && AccountRules.normalisedEmail(email) == nil { errors.add("email", "Indiquez une adresse e-mail complète.") }
        let website = text(form.website)
        if !website.isEmpty && !(website.hasPrefix("https://") || website.hasPrefix("http://")) {
            errors.add("website", "L’adresse du site commence par https://.")
        }
        let summary = text(form.summary)
        if summary.count > 280 { errors.add("summary", "La présentation courte fait 280 caractères au plus.") }
        guard errors.isEmpty else { return nil }
        return ApplicationData.Organisation(name: name, siret: siret, phone: phoneNumber, email: email.isEmpty ? nil : email.lowercased(),
                                            website: website.isEmpty ? nil : website, summary: summary.isEmpty ? nil : summary)
    }

    static func sites(_ form: StepForm, _ errors: inout FormErrors) -> [ApplicationData.Site]? {
        let raw = [
            (form.siteName0, form.address0, form.postcode0, form.communeCode0, form.communeName0, form.latitude0, form.longitude0, form.access0),
            (form.siteName1, form.address1, form.postcode1, form.communeCode1, form.communeName1, form.latitude1, form.longitude1, form.access1),
        ]
        var sites: [ApplicationData.Site] = []
        for (index, entry) in raw.enumerated() {
            let values = [entry.0, entry.1, entry.2, entry.3, entry.4].map(text)
            if index > 0 && values.allSatisfy(\.isEmpty) { continue }
            if values[0].isEmpty { errors.add("siteName\(index)", "Indiquez le nom du lieu à cette adresse.") }
            if values[1].isEmpty { errors.add("address\(index)", "Indiquez l’adresse.") }
            if values[2].count != 5 || !values[2].allSatisfy(\.isNumber) { errors.add("postcode\(index)", "Le code postal compte 5 chiffres.") }
            if values[4].isEmpty { errors.add("communeName\(index)", "Indiquez la commune.") }
            if CommuneCode(values[3]) == nil { errors.add("communeCode\(index)", "Le code INSEE compte 5 caractères, par exemple 59350.") }
            var latitude: Double? = nil, longitude: Double? = nil
            if !text(entry.5).isEmpty {
                latitude = Double(text(entry.5).replacingOccurrences(of: ",", with: "."))
                if latitude == nil || !(-90...90).contains(latitude!) { errors.add("latitude\(index)", "Indiquez une latitude, par exemple 50.6292.") }
            }
            if !text(entry.6).isEmpty {
                longitude = Double(text(entry.6).replacingOccurrences(of: ",", with: "."))
                if longitude == nil || !(-180...180).contains(longitude!) { errors.add("longitude\(index)", "Indiquez une longitude, par exemple 3.0573.") }
            }
            sites.append(ApplicationData.Site(name: values[0], address: values[1], postcode: values[2], communeCode: values[3].uppercased(),
                                              communeName: values[4], latitude: latitude, longitude: longitude,
                                              access: text(entry.7).isEmpty ? nil : text(entry.7)))
        }
        return errors.isEmpty ? sites : nil
    }

    struct Upload: Content {
        var document: File?
    }

    @Sendable static func upload(_ request: Request) async throws -> Response {
        let (_, place) = try manager(request)
        let file = try? request.content.decode(Upload.self).document
        var errors = FormErrors()
        if let file, file.data.readableBytes > 0 {
            do {
                try await request.store.addDocument(place: place, filename: file.filename, bytes: Array(file.data.readableBytesView))
                return request.redirect(to: .placeStep(ApplicationStep.documents.rawValue), notice: "Fichier « \(file.filename) » ajouté.")
            } catch let error as DomainError {
                if case .invalid(_, .fileTooLarge) = error {
                    errors.add("document", "Ce fichier est trop gros : 5 Mo au plus.")
                } else if case .invalid = error {
                    errors.add("document", "Ce fichier n’est ni un PDF, ni une image PNG ou JPEG.")
                } else {
                    errors.add("document", "Les justificatifs sont déjà envoyés.")
                }
            }
        } else {
            errors.add("document", "Choisissez un fichier.")
        }
        let application = try await request.store.application(of: place)
        return Layout.response(ApplicationStepViews.stepPage(request, step: .documents, application: application, form: StepForm(), errors: errors), status: .unprocessableEntity)
    }

    @Sendable static func submit(_ request: Request) async throws -> Response {
        let (user, place) = try manager(request)
        do {
            try await request.store.submitApplication(place: place, actor: Actor(user))
        } catch is DomainError {
            return request.redirect(to: .placeApplication, notice: "La demande n’est pas complète : finissez chaque étape.")
        }
        return request.redirect(to: .placeApplication, notice: "Votre demande est envoyée. Vous serez prévenu de la décision.")
    }
}
