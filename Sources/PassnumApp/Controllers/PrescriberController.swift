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
        /// The INSEE code chosen among the communes the typed text matched; it wins over the text.
        var communeCode: String? = nil
    }

    @Sendable static func home(_ request: Request) async throws -> Response {
        let (_, prescriber) = try request.organisation(\.prescriber)
        return try await homePage(request, prescriber: prescriber)
    }

    static func homePage(_ request: Request, prescriber: PrescriberID, form: PersonForm = PersonForm(), errors: FormErrors = FormErrors(),
                         communes: [KnownCommune] = [], unknownCode: CommuneCode? = nil) async throws -> Response {
        let search = request.query[String.self, at: "q"]?.trimmingCharacters(in: .whitespaces)
        let model = try await PrescriberHomePage.Model.query(store: request.store, prescriber: prescriber, search: search,
                                                             page: ListingPageQuery(request, .beneficiaries))
        let view = PrescriberHomePage.View(model: model, context: PageContext(request), form: form, errors: errors, communes: communes,
                                           unknownCode: unknownCode)
        return Layout.response(view.document, errors: errors)
    }

    @Sendable static func createBeneficiary(_ request: Request) async throws -> Response {
        let (_, prescriber) = try request.organisation(\.prescriber)
        var form = try request.content.decode(PersonForm.self)
        var errors = FormErrors()
        _ = errors.required(form.firstName, field: "firstName", "Indiquez le prénom.")
        _ = errors.required(form.lastName, field: "lastName", "Indiquez le nom.")
        let birthYear = errors.optionalNumber(form.birthYear, field: "birthYear", "Indiquez une année sur 4 chiffres, ou laissez vide.")
        let (commune, communes, unknownCode) = try await resolveCommune(&form, errors: &errors, store: request.store)
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
        return try await homePage(request, prescriber: prescriber, form: form, errors: errors, communes: communes, unknownCode: unknownCode)
    }

    /// The commune the form designates: a chosen candidate, else the text (name, postcode or INSEE code). When the text
    /// matches several communes they come back to choose from; a chosen one is put back as its code, so that the form
    /// shown again for another error designates it still. A code the platform does not know (maybe a postcode it does
    /// not know) comes back as the one candidate, to tick: it is taken only when chosen, never from the text alone.
    private static func resolveCommune(_ form: inout PersonForm, errors: inout FormErrors, store: Store) async throws
        -> (commune: CommuneCode?, candidates: [KnownCommune], unknownCode: CommuneCode?) {
        // A ticked candidate is a code, never a postcode: read as text, an INSEE code that is also another commune's
        // postcode (13001: Aix-en-Provence, and a postcode of Marseille) would offer the same choice again.
        if let chosen = form.communeCode?.trimmingCharacters(in: .whitespacesAndNewlines), !chosen.isEmpty {
            guard let code = CommuneCode(chosen.uppercased()) else {
                errors.add("commune", "Commune inconnue : tapez son nom, son code postal (5 chiffres) ou son code INSEE.")
                return (nil, [], nil)
            }
            form.commune = code.value
            // A code the platform does not know stays the ticked candidate if the form comes back for another error.
            return (code, [], try await store.knowsCommune(code) ? nil : code)
        }
        let text = form.commune?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let text, !text.isEmpty else {
            errors.add("commune", "Indiquez la commune : son nom, son code postal ou son code INSEE.")
            return (nil, [], nil)
        }
        switch try await store.communes(matching: text) {
        case .one(let commune):
            return (commune.code, [], nil)
        case .unknownCode(let code):
            errors.add("commune", "La plateforme ne connaît pas ce code : si c’est le code INSEE de la commune, cochez-le ; sinon tapez le nom de la commune.")
            return (nil, [], code)
        case .several(let communes):
            errors.add("commune", "Plusieurs communes correspondent : choisissez la bonne dans la liste.")
            return (nil, communes, nil)
        case .tooMany:
            errors.add("commune", "Trop de communes commencent ainsi : tapez la suite du nom, ou le code postal.")
            return (nil, [], nil)
        case .none:
            errors.add("commune", "Commune inconnue : tapez son nom, son code postal (5 chiffres) ou son code INSEE.")
            return (nil, [], nil)
        }
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
                                notice: "Diagnostic enregistré : " + French.levelInSentence(level) + ".")
    }

    struct HandOutForm: Content {
        /// What the prescriber typed or scanned: a booklet's number, a check's, or a check's QR code (`BookletReference`).
        var number: String?
        /// The booklet chosen in the list, the fallback when nothing is typed.
        var booklet: String?
        var checks: String?
        /// A `TargetPublic` code, or empty for none.
        var targetPublic: String?
    }

    @Sendable static func handOut(_ request: Request) async throws -> Response {
        let (_, prescriber) = try request.organisation(\.prescriber)
        let person = try request.id(BeneficiaryID.self)
        guard try await request.store.beneficiary(person, of: prescriber) != nil else { throw Abort(.notFound) }
        let form = try request.content.decode(HandOutForm.self)
        var errors = FormErrors()
        let count = errors.optionalNumber(form.checks, field: "checks", in: 1...Int.max, "Indiquez un nombre de chèques, ou laissez vide pour tout le carnet.")
        guard let booklet = try await bookletToHandOut(form, prescriber: prescriber, errors: &errors, store: request.store) else {
            return try await beneficiaryPage(request, prescriber: prescriber, errors: errors, handOut: form)
        }
        if errors.isEmpty {
            do {
                let serials = try await request.store.handOut(booklet: booklet, checks: count, to: person, by: prescriber,
                                                              targetPublic: try TargetPublic.parse(form.targetPublic))
                return request.redirect(to: .prescriberBeneficiary(person), notice: French.handedOut(serials, wholeBooklet: count == nil))
            } catch DomainError.invalid(field: .targetPublic, _) {
                // A public the booklet's programme does not declare (another programme's booklet, a forged form).
                errors.add(DomainError.Field.targetPublic.rawValue, "Ce public n’est pas prévu par le programme de ce carnet : choisissez « Aucun de ces publics ».")
            } catch let error as DomainError {
                errors.add(error, fields: ["checks": "checks"])
            }
        }
        return try await beneficiaryPage(request, prescriber: prescriber, errors: errors, handOut: form)
    }

    /// The booklet the form names, in this prescriber's stock with checks left; nil, with what to do on the field,
    /// otherwise. A typed or scanned number wins over the list; when both are given they must name the same booklet.
    static func bookletToHandOut(_ form: HandOutForm, prescriber: PrescriberID, errors: inout FormErrors, store: Store) async throws -> BookletID? {
        let chosen = BookletID(text: form.booklet), typed = form.number ?? ""
        if typed.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            if chosen == nil { errors.add("number", "Tapez ou scannez le numéro du carnet, ou choisissez un carnet dans la liste.") }
            return chosen
        }
        let reference: BookletReference
        switch BookletReference.read(typed) {
        case .success(let read): reference = read
        case .failure(.badCheckDigit):
            errors.add("number", "Ce numéro de chèque a une faute de frappe : vérifiez les 12 chiffres.")
            return nil
        case .failure:
            errors.add("number", "Ce numéro ne se lit pas. Tapez le numéro écrit sur la couverture du carnet (par exemple 12) ou les 12 chiffres d’un chèque.")
            return nil
        }
        guard let found = try await store.bookletInStock(reference, of: prescriber) else {
            switch reference {
            case .booklet(let id): errors.add("number", "Le carnet n° \(id) n’est pas dans votre stock. Vérifiez le numéro sur la couverture du carnet.")
            case .check(let serial): errors.add("number", "Le chèque n° \(serial.grouped) n’est pas dans votre stock. Vérifiez le numéro, ou tapez celui du carnet.")
            }
            return nil
        }
        if let chosen, chosen != found.id {
            errors.add("number", "Vous avez tapé le carnet n° \(found.id) et choisi le carnet n° \(chosen) dans la liste : gardez un seul des deux.")
            return nil
        }
        guard found.available > 0 else {
            errors.add("number", "Le carnet n° \(found.id) n’a plus de chèque à remettre. Prenez un autre carnet.")
            return nil
        }
        return found.id
    }

    /// The sheet to print for a person: their checks, the nearest places that take them, whom to call.
    @Sendable static func sheet(_ request: Request) async throws -> Response {
        let (_, prescriber) = try request.organisation(\.prescriber)
        guard let model = try await PersonSheetPage.Model.query(store: request.store, prescriber: prescriber, person: try request.id(BeneficiaryID.self),
                                                                legal: request.application.legalSettings) else { throw Abort(.notFound) }
        let frame = DocumentController.printable(request)
        return DocumentController.respond(frame, filename: PersonSheetPage.filename(model.sheet), PersonSheetPage.View(model: model, frame: frame).document)
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
