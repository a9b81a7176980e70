import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A prescriber's pages: stock, beneficiaries, diagnostic, hand-out, lost checks, history.
enum PrescriberController {
    struct PersonForm: Content {
        var firstName: String?
        var lastName: String?
        var birthYear: String?
        var commune: String?
        var consent: String?
    }

    @Sendable static func home(_ request: Request) async throws -> Response {
        let (_, prescriber) = try request.organisation(\.prescriber)
        return try await homePage(request, prescriber: prescriber)
    }

    static func homePage(_ request: Request, prescriber: PrescriberID, form: PersonForm = PersonForm(), errors: FormErrors = FormErrors()) async throws -> Response {
        let search = request.query[String.self, at: "q"]?.trimmingCharacters(in: .whitespaces)
        let model = try await PrescriberHomePage.Model.query(store: request.store, prescriber: prescriber, search: search,
                                                             page: ListingPageQuery(request, .beneficiaries))
        return Layout.response(PrescriberHomePage.View(model: model, context: PageContext(request), form: form, errors: errors).document, errors: errors)
    }

    @Sendable static func createBeneficiary(_ request: Request) async throws -> Response {
        let (_, prescriber) = try request.organisation(\.prescriber)
        let form = try request.content.decode(PersonForm.self)
        var errors = FormErrors()
        _ = errors.required(form.firstName, field: "firstName", "Indiquez le prénom.")
        _ = errors.required(form.lastName, field: "lastName", "Indiquez le nom.")
        let birthYear = errors.optionalNumber(form.birthYear, field: "birthYear", "Indiquez une année sur 4 chiffres, ou laissez vide.")
        let commune = CommuneCode(form.commune ?? "")
        if commune == nil { errors.add("commune", "Indiquez le code INSEE de la commune (5 caractères).") }
        if form.consent != "oui" { errors.add("consent", "Il faut l’accord de la personne pour l’enregistrer.") }
        if errors.isEmpty, let commune {
            do {
                let id = try await request.store.createBeneficiary(NewBeneficiary(
                    firstName: form.firstName ?? "", lastName: form.lastName ?? "", birthYear: birthYear, commune: commune,
                    consentDate: CivilDate(request.store.clock.now)), prescriber: prescriber)
                return request.redirect(to: .prescriberBeneficiary(id), notice: "Personne enregistrée.")
            } catch let error as DomainError {
                errors.add(error)
            }
        }
        return try await homePage(request, prescriber: prescriber, form: form, errors: errors)
    }

    // MARK: One beneficiary

    @Sendable static func beneficiary(_ request: Request) async throws -> Response {
        let (_, prescriber) = try request.organisation(\.prescriber)
        return try await beneficiaryPage(request, prescriber: prescriber, redo: request.query[String.self, at: "refaire"] == "1")
    }

    static func beneficiaryPage(_ request: Request, prescriber: PrescriberID, errors: FormErrors = FormErrors(), handOut: HandOutForm = HandOutForm(),
                                diagnostic: DiagnosticForm = DiagnosticForm(), redo: Bool = false) async throws -> Response {
        guard let model = try await PrescriberBeneficiaryPage.Model.query(store: request.store, prescriber: prescriber,
                                                                          person: try request.id(BeneficiaryID.self)) else { throw Abort(.notFound) }
        let view = PrescriberBeneficiaryPage.View(model: model, context: PageContext(request), handOut: handOut, errors: errors,
                                                  diagnostic: diagnostic, redo: redo)
        return Layout.response(view.document, errors: errors.isEmpty ? diagnostic.errors : errors)
    }

    /// The diagnostic's answers as given (question index to answer), and the questions left unanswered.
    struct DiagnosticForm: Sendable {
        var answers: [Int: Diagnostic.Answer] = [:]
        var errors = FormErrors()
    }

    @Sendable static func diagnostic(_ request: Request) async throws -> Response {
        let (_, prescriber) = try request.organisation(\.prescriber)
        let person = try request.id(BeneficiaryID.self)
        // Another prescriber's person is "not found" before anything about the form is said.
        guard try await request.store.beneficiary(person, of: prescriber) != nil else { throw Abort(.notFound) }
        var form = DiagnosticForm()
        for index in Diagnostic.questions.indices {
            if let answer = (try? request.content.get(Int.self, at: "q\(index)")).flatMap(Diagnostic.Answer.init(rawValue:)) {
                form.answers[index] = answer
            } else {
                // An unanswered question is never taken as "Non": the level would be lower than the person's.
                form.errors.add("q\(index)", "Question \(index + 1) : choisissez une réponse.")
            }
        }
        guard form.errors.isEmpty else { return try await beneficiaryPage(request, prescriber: prescriber, diagnostic: form) }
        let answers = Diagnostic.questions.indices.compactMap { form.answers[$0] }
        let level = try await request.store.recordDiagnostic(beneficiary: person, prescriber: prescriber, answers: answers)
        return request.redirect(to: .prescriberBeneficiary(person),
                                notice: "Diagnostic enregistré : niveau \(level) sur \(Diagnostic.levels.upperBound), \(French.levelWords(level)).")
    }

    struct HandOutForm: Content {
        var booklet: String?
        var checks: String?
    }

    @Sendable static func handOut(_ request: Request) async throws -> Response {
        let (_, prescriber) = try request.organisation(\.prescriber)
        let person = try request.id(BeneficiaryID.self)
        guard try await request.store.beneficiary(person, of: prescriber) != nil else { throw Abort(.notFound) }
        let form = try request.content.decode(HandOutForm.self)
        var errors = FormErrors()
        let count = errors.optionalNumber(form.checks, field: "checks", in: 1...Int.max, "Indiquez un nombre de chèques, ou laissez vide pour tout le carnet.")
        guard let booklet = BookletID(text: form.booklet) else {
            errors.add("booklet", "Choisissez un carnet.")
            return try await beneficiaryPage(request, prescriber: prescriber, errors: errors, handOut: form)
        }
        if errors.isEmpty {
            do {
                let serials = try await request.store.handOut(booklet: booklet, checks: count, to: person, by: prescriber)
                return request.redirect(to: .prescriberBeneficiary(person), notice: French.plural(serials.count, "chèque remis", "chèques remis") + ".")
            } catch let error as DomainError {
                errors.add(error, fields: ["checks": "checks"])
            }
        }
        return try await beneficiaryPage(request, prescriber: prescriber, errors: errors, handOut: form)
    }

    // MARK: Lost checks

    struct OppositionForm: Content {
        var serial: String?
        var reason: String?
    }

    @Sendable static func showOpposition(_ request: Request) async throws -> Response {
        return Layout.response(PrescriberOppositionPage.View(context: PageContext(request)).document)
    }

    /// The check to declare lost or stolen, to confirm first: a declared check can never be used again.
    @Sendable static func confirmOpposition(_ request: Request) async throws -> Response {
        _ = try request.organisation(\.prescriber)
        guard let serial = request.query[String.self, at: "serial"].flatMap(CheckSerial.init) else {
            return request.redirect(to: .prescriberOpposition, error: "Non fait : ce numéro de chèque n’est pas valable.")
        }
        let reason = OppositionReason(rawValue: request.query[String.self, at: "reason"] ?? "") ?? .lost
        let declared = reason == .lost ? "perdu" : "volé"
        let view = ConfirmationPage.View(
            context: PageContext(request), title: "Déclarer le chèque \(serial.grouped) \(declared) ?",
            facts: [("Chèque", serial.grouped), ("Déclaré", declared)],
            warning: "Ce chèque ne pourra plus jamais être utilisé, même s’il est retrouvé. Cela ne peut pas être annulé.",
            action: SiteURL.prescriberOpposition.path, fields: [("serial", serial.compact), ("reason", reason.rawValue)],
            confirmLabel: "Confirmer la déclaration", back: SiteURL.prescriberOpposition.path)
        return Layout.response(view.document)
    }

    @Sendable static func oppose(_ request: Request) async throws -> Response {
        let (user, _) = try request.organisation(\.prescriber)
        let form = try request.content.decode(OppositionForm.self)
        var errors = FormErrors()
        let reason = OppositionReason(rawValue: form.reason ?? "") ?? .lost
        if let serial = errors.serial(form.serial) {
            guard request.confirmed else {
                return request.confirmation(at: SiteURL.prescriberOppositionConfirm.path, [("serial", serial.compact), ("reason", reason.rawValue)])
            }
            do {
                // The store opposes only checks this prescriber holds or handed out; others are "not found".
                try await request.store.oppose([serial], reason: reason, actor: Actor(user))
                return request.redirect(to: .prescriberOpposition, notice: "Le chèque \(serial.grouped) est déclaré \(reason == .lost ? "perdu" : "volé").")
            } catch DomainError.notFound {
                errors.add("serial", "Ce chèque n’est pas dans votre stock ni parmi ceux que vous avez remis.")
            } catch is DomainError {
                errors.add("serial", "Ce chèque a déjà été utilisé, expiré ou déclaré : il ne peut plus être bloqué.")
            }
        }
        return Layout.response(PrescriberOppositionPage.View(context: PageContext(request), form: form, errors: errors).document,
                               status: .unprocessableEntity)
    }

    @Sendable static func history(_ request: Request) async throws -> Response {
        let (_, prescriber) = try request.organisation(\.prescriber)
        let model = try await PrescriberHistoryPage.Model.query(store: request.store, prescriber: prescriber, page: ListingPageQuery(request, .handOuts))
        return Layout.response(PrescriberHistoryPage.View(model: model, context: PageContext(request)).document)
    }
}
