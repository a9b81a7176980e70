import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A place's application step by step (resumable, each step locked once sent), then sending it to the operator.
enum ApplicationStepsController {
    @Sendable static func overview(_ request: Request) async throws -> Response {
        let (_, place) = try request.organisation(\.place)
        let model = try await PlaceApplicationPage.Model.query(store: request.store, place: place)
        return Layout.response(PlaceApplicationPage.View(model: model, context: PageContext(request)).document)
    }

    /// The step's page, with what was typed and what is wrong with it when the form comes back (then a 422).
    static func stepPage(_ request: Request, place: PlaceID, step: ApplicationStep, form: StepForm = StepForm(),
                         errors: FormErrors = FormErrors()) async throws -> Response {
        let model = try await ApplicationStepPage.Model.query(store: request.store, place: place, step: step)
        return Layout.response(ApplicationStepPage.View(model: model, context: PageContext(request), form: form, errors: errors).document, errors: errors)
    }

    @Sendable static func showStep(_ request: Request) async throws -> Response {
        let (_, place) = try request.organisation(\.place)
        guard let step = request.parameters.get("step").flatMap(ApplicationStep.init(rawValue:)) else { throw Abort(.notFound) }
        return try await stepPage(request, place: place, step: step)
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
        let (user, place) = try request.organisation(\.place)
        guard let step = request.parameters.get("step").flatMap(ApplicationStep.init(rawValue:)) else { throw Abort(.notFound) }
        let form = try request.content.decode(StepForm.self)
        var errors = FormErrors()
        do {
            // Validated here to show every problem at once; the store applies the same rules again before storing.
            try await request.store.submit(try submission(step, form).validated(), place: place, actor: Actor(user))
        } catch let problems as ApplicationProblems {
            errors.add(problems)
        } catch let error as DomainError {
            switch error {
            case .invalid(.siret, .alreadyUsed): errors.add("siret", "Un autre lieu est déjà inscrit avec ce SIRET.")
            case .invalid(.documents, _): errors.add("document", "Ajoutez au moins un justificatif.")
            case .invalidTransition: errors.add("", "Cette étape est déjà envoyée.")
            default: errors.add(error)
            }
        }
        guard errors.isEmpty else { return try await stepPage(request, place: place, step: step, form: form, errors: errors) }
        let application = try await request.store.application(of: place)
        if let next = application.nextStep {
            return request.redirect(to: .placeStep(next.rawValue), notice: "Étape « \(ApplicationStepPage.title(step)) » enregistrée.")
        }
        return request.redirect(to: .placeApplication, notice: "Étape « \(ApplicationStepPage.title(step)) » enregistrée. Vous pouvez envoyer votre demande.")
    }

    static func text(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }

    /// The form read as the step's typed submission; judging it is the domain's job (`validated()`).
    static func submission(_ step: ApplicationStep, _ form: StepForm) -> ApplicationSubmission {
        switch step {
        case .organisation:
            .organisation(ApplicationData.Organisation(name: text(form.name), siret: text(form.siret), phone: form.phone, email: form.email,
                                                       website: form.website, summary: form.summary))
        case .sites: .sites(sites(form))
        case .representative:
            .representative(ApplicationData.Representative(firstName: text(form.firstName), lastName: text(form.lastName), role: text(form.role),
                                                           email: text(form.email)))
        case .eligibility: .eligibility([form.q0, form.q1, form.q2, form.q3].map { $0 == "oui" ? true : $0 == "non" ? false : nil })
        case .services:
            .services(ApplicationData.Services(categories: (form.categories ?? []).compactMap(ServiceCategory.init(code:)),
                                               accessibility: form.accessibility ?? []))
        case .hours: .hours(ApplicationData.Hours(openingHours: text(form.openingHours)))
        case .bank: .bank(ApplicationData.Bank(holder: text(form.holder), iban: text(form.iban), bic: text(form.bic)))
        case .documents: .documents
        }
    }

    /// The first site, and the second unless left blank. A coordinate that is not a number becomes NaN, which the
    /// domain refuses as out of range.
    static func sites(_ form: StepForm) -> [ApplicationData.Site] {
        let raw = [
            (form.siteName0, form.address0, form.postcode0, form.communeCode0, form.communeName0, form.latitude0, form.longitude0, form.access0),
            (form.siteName1, form.address1, form.postcode1, form.communeCode1, form.communeName1, form.latitude1, form.longitude1, form.access1),
        ]
        var sites: [ApplicationData.Site] = []
        for (index, entry) in raw.enumerated() {
            let values = [entry.0, entry.1, entry.2, entry.3, entry.4].map(text)
            if index > 0 && values.allSatisfy(\.isEmpty) { continue }
            sites.append(ApplicationData.Site(name: values[0], address: values[1], postcode: values[2], communeCode: values[3],
                                              communeName: values[4], latitude: coordinate(entry.5), longitude: coordinate(entry.6),
                                              access: entry.7))
        }
        return sites
    }

    static func coordinate(_ value: String?) -> Double? {
        let value = text(value)
        return value.isEmpty ? nil : Double(value.replacingOccurrences(of: ",", with: ".")) ?? .nan
    }

    struct Upload: Content {
        var document: File?
    }

    @Sendable static func upload(_ request: Request) async throws -> Response {
        let (_, place) = try request.organisation(\.place)
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
        return try await stepPage(request, place: place, step: .documents, errors: errors)
    }

    @Sendable static func submit(_ request: Request) async throws -> Response {
        let (user, place) = try request.organisation(\.place)
        do {
            try await request.store.submitApplication(place: place, actor: Actor(user))
        } catch is DomainError {
            return request.redirect(to: .placeApplication, error: "La demande n’est pas complète : finissez chaque étape.")
        }
        return request.redirect(to: .placeApplication, notice: "Votre demande est envoyée. Vous serez prévenu de la décision.")
    }
}
