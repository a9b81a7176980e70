import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A prescriber's pages: stock, beneficiaries, diagnostic, hand-out, lost checks, history.
enum PrescriberController {
    static func prescriber(_ request: Request) throws -> (SessionUser, PrescriberID) {
        let user = try request.requireUser(.prescriberAgent)
        guard let prescriber = user.organisation.prescriber else { throw Abort(.forbidden) }
        return (user, prescriber)
    }

    struct PersonForm: Content {
        var firstName: String?
        var lastName: String?
        var birthYear: String?
        var commune: String?
        var consent: String?
    }

    @Sendable static func home(_ request: Request) async throws -> Response {
        let (_, prescriber) = try prescriber(request)
        return try await homePage(request, prescriber: prescriber, form: PersonForm(), errors: FormErrors())
    }

    static func homePage(_ request: Request, prescriber: PrescriberID, form: PersonForm, errors: FormErrors) async throws -> Response {
        let search = request.query[String.self, at: "q"]?.trimmingCharacters(in: .whitespaces)
        let model = try await PrescriberHomePage.Model.query(store: request.store, prescriber: prescriber, search: search)
        return Layout.response(PrescriberHomePage.View(model: model, context: PageContext(request), form: form, errors: errors).document)
    }

    @Sendable static func createBeneficiary(_ request: Request) async throws -> Response {
        let (_, prescriber) = try prescriber(request)
        let form = try request.content.decode(PersonForm.self)
        var errors = FormErrors()
        if (form.firstName ?? "").trimmingCharacters(in: .whitespaces).isEmpty { errors.add("firstName", "Indiquez le prénom.") }
        if (form.lastName ?? "").trimmingCharacters(in: .whitespaces).isEmpty { errors.add("lastName", "Indiquez le nom.") }
        var birthYear: Int? = nil
        if let text = form.birthYear?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            birthYear = Int(text)
            if birthYear == nil { errors.add("birthYear", "Indiquez une année sur 4 chiffres, ou laissez vide.") }
        }
        let commune = CommuneCode(form.commune ?? "")
        if commune == nil { errors.add("commune", "Indiquez le code INSEE de la commune (5 caractères).") }
        if form.consent != "oui" { errors.add("consent", "Il faut l’accord de la personne pour l’enregistrer.") }
        if errors.isEmpty, let commune {
            do {
                let id = try await request.store.createBeneficiary(NewBeneficiary(
                    firstName: form.firstName ?? "", lastName: form.lastName ?? "", birthYear: birthYear, commune: commune,
                    consentDate: CivilDate(request.store.clock.now)), prescriber: prescriber)
                return request.redirect(to: .prescriberBeneficiary(id.rawValue), notice: "Personne enregistrée.")
            } catch let error as DomainError {
                errors.add(error)
            }
        }
        return try await homePage(request, prescriber: prescriber, form: form, errors: errors).with(status: .unprocessableEntity)
    }

    // MARK: One beneficiary

    @Sendable static func beneficiary(_ request: Request) async throws -> Response {
        let (_, prescriber) = try prescriber(request)
        return try await beneficiaryPage(request, prescriber: prescriber, errors: FormErrors(), handOut: HandOutForm())
    }

    static func beneficiaryPage(_ request: Request, prescriber: PrescriberID, errors: FormErrors, handOut: HandOutForm) async throws -> Response {
        let store = request.store
        guard let person = try await store.beneficiary(BeneficiaryID(try request.id()), of: prescriber) else { throw Abort(.notFound) }
        let booklets = try await store.booklets(of: prescriber).filter { $0.available > 0 }
        let checks = try await store.checks(ofBeneficiary: person.id)
        let recommended = person.level.map { Diagnostic.recommendedChecks(level: $0, minimum: nil, maximum: nil) }
        return Layout.response(Layout.page(title: person.firstName + " " + person.lastName, request: request) {
            h("h1") { person.firstName + " " + person.lastName.uppercased() }
            Layout.notice(request)
            h("p") { "Commune \(person.commune)" + (person.birthYear.map { ", née ou né en \($0)" } ?? "") + "." }
            h("h2") { "Diagnostic" }
            if let level = person.level {
                h("p") { "Niveau \(level) sur 4. Nombre de chèques conseillé : \(recommended ?? 0)." }
            }
            h("form", ["method": "post", "action": SiteURL.prescriberDiagnostic(person.id.rawValue).path]) {
                csrfField(request)
                for (index, question) in Diagnostic.questions.enumerated() {
                    h("fieldset") {
                        h("legend") { "\(index + 1). " + question }
                        for (answer, label) in [(Diagnostic.Answer.no, "Non"), (.withHelp, "Avec de l’aide"), (.alone, "Oui, seul")] {
                            h("div") {
                                h("input", ["type": "radio", "id": "q\(index)-\(answer.rawValue)", "name": "q\(index)", "value": "\(answer.rawValue)",
                                            "required": "", "checked": answer == .no ? "" : nil])
                                " "
                                h("label", ["for": "q\(index)-\(answer.rawValue)", "class": "inline-label"]) { label }
                            }
                        }
                    }
                }
                h("button", ["type": "submit", "class": person.level == nil ? nil : "secondary"]) { "Calculer le niveau" }
            }
            h("h2") { "Remettre des chèques" }
            if booklets.isEmpty {
                h("p") { "Vous n’avez plus de chèques à remettre. Demandez des carnets au financeur." }
            } else {
                h("form", ["method": "post", "action": SiteURL.prescriberHandOut(person.id.rawValue).path, "novalidate": ""]) {
                    errors.summary
                    csrfField(request)
                    select("Carnet", name: "booklet", options: booklets.map { (String($0.id.rawValue), "Carnet n° \($0.id) – \($0.programmeName) – \($0.available) chèques") },
                           selected: handOut.booklet, errors: errors)
                    field("Nombre de chèques", name: "checks", value: handOut.checks ?? recommended.map(String.init), errors: errors,
                          hint: "Laissez vide pour remettre tout le carnet.", required: false, attributes: ["inputmode": "numeric"])
                    h("button", ["type": "submit"]) { "Remettre" }
                }
            }
            table(caption: "Chèques remis", headers: ["Numéro", "Remis le", "État"], rows: checks.map {
                [.text($0.serial.grouped), .text($0.at.map(French.dateTime) ?? "—"), .text(French.state($0.state))]
            }, empty: "aucun chèque.")
        })
    }

    @Sendable static func diagnostic(_ request: Request) async throws -> Response {
        let (_, prescriber) = try prescriber(request)
        let person = BeneficiaryID(try request.id())
        let answers = (0..<Diagnostic.questions.count).map { index in
            (try? request.content.get(Int.self, at: "q\(index)")).flatMap(Diagnostic.Answer.init(rawValue:)) ?? .no
        }
        let level = try await request.store.recordDiagnostic(beneficiary: person, prescriber: prescriber, answers: answers)
        return request.redirect(to: .prescriberBeneficiary(person.rawValue), notice: "Diagnostic enregistré : niveau \(level) sur 4.")
    }

    struct HandOutForm: Content {
        var booklet: String?
        var checks: String?
    }

    @Sendable static func handOut(_ request: Request) async throws -> Response {
        let (_, prescriber) = try prescriber(request)
        let person = BeneficiaryID(try request.id())
        guard try await request.store.beneficiary(person, of: prescriber) != nil else { throw Abort(.notFound) }
        let form = try request.content.decode(HandOutForm.self)
        var errors = FormErrors()
        var count: Int? = nil
        if let text = form.checks?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            count = Int(text)
            if count == nil || count! < 1 { errors.add("checks", "Indiquez un nombre de chèques, ou laissez vide pour tout le carnet.") }
        }
        guard let booklet = Int64(form.booklet ?? "").map(BookletID.init) else {
            errors.add("booklet", "Choisissez un carnet.")
            return try await beneficiaryPage(request, prescriber: prescriber, errors: errors, handOut: form).with(status: .unprocessableEntity)
        }
        if errors.isEmpty {
            do {
                let serials = try await request.store.handOut(booklet: booklet, checks: count, to: person, by: prescriber)
                return request.redirect(to: .prescriberBeneficiary(person.rawValue), notice: "\(serials.count) chèque(s) remis.")
            } catch let error as DomainError {
                errors.add(error, fields: ["checks": "checks"])
            }
        }
        return try await beneficiaryPage(request, prescriber: prescriber, errors: errors, handOut: form).with(status: .unprocessableEntity)
    }

    // MARK: Lost checks

    struct OppositionForm: Content {
        var serial: String?
        var reason: String?
    }

    @Sendable static func showOpposition(_ request: Request) async throws -> Response {
        _ = try prescriber(request)
        return Layout.response(oppositionPage(request, form: OppositionForm(), errors: FormErrors()))
    }

    static func oppositionPage(_ request: Request, form: OppositionForm, errors: FormErrors) -> Node {
        Layout.page(title: "Chèques perdus ou volés", request: request) {
            h("h1") { "Déclarer un chèque perdu ou volé" }
            Layout.notice(request)
            h("p") { "Le chèque ne pourra plus jamais être utilisé." }
            h("form", ["method": "post", "action": SiteURL.prescriberOpposition.path, "novalidate": ""]) {
                errors.summary
                csrfField(request)
                field("Numéro du chèque", name: "serial", value: form.serial, errors: errors, attributes: ["inputmode": "numeric"])
                select("Motif", name: "reason", options: [("lost", "Perdu"), ("stolen", "Volé")], selected: form.reason)
                h("button", ["type": "submit"]) { "Déclarer" }
            }
        }
    }

    @Sendable static func oppose(_ request: Request) async throws -> Response {
        let (user, _) = try prescriber(request)
        let form = try request.content.decode(OppositionForm.self)
        var errors = FormErrors()
        let reason = OppositionReason(rawValue: form.reason ?? "") ?? .lost
        switch CheckSerial.parse(form.serial ?? "") {
        case .failure(.badCheckDigit): errors.add("serial", French.refusal(.badCheckDigit))
        case .failure(.malformed): errors.add("serial", "Le numéro doit compter 12 chiffres.")
        case .success(let serial):
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
        return Layout.response(oppositionPage(request, form: form, errors: errors), status: .unprocessableEntity)
    }

    @Sendable static func history(_ request: Request) async throws -> Response {
        let (_, prescriber) = try prescriber(request)
        let rows = try await request.store.handOuts(of: prescriber)
        return Layout.response(Layout.page(title: "Historique", request: request) {
            h("h1") { "Historique des remises" }
            table(caption: "200 derniers chèques remis", headers: ["Numéro", "Personne", "Remis le", "État"], rows: rows.map {
                [.text($0.check.serial.grouped), .text($0.beneficiary), .text($0.check.at.map(French.dateTime) ?? "—"), .text(French.state($0.check.state))]
            })
        })
    }
}
