import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A funder's programmes: the list, a new programme, editing one before its first order.
enum FunderProgrammesController {
    struct ProgrammeForm: Content {
        var name: String?
        var faceValue: String?
        var checksPerBooklet: String?
        var validFrom: String?
        var validUntil: String?
        var graceDays: String?
        var departements: String?
        var communes: String?
        var categories: [String]?
        var cofunder1: String?
        var share1: String?
        var cofunder2: String?
        var share2: String?
        var cofunder3: String?
        var share3: String?
        var maxChecks: String?
        var bookletText: String?
    }

    @Sendable static func programmes(_ request: Request) async throws -> Response {
        let (_, funder) = try FunderSpace.funder(request)
        let name = try await request.store.name(ofFunder: funder) ?? ""
        let defaults = ProgrammeForm(faceValue: "10", checksPerBooklet: "10", graceDays: "31",
                                     categories: ServiceCategory.allCases.map(\.code), cofunder1: "État", share1: "50", cofunder2: name, share2: "50")
        return try await programmesPage(request, funder: funder, form: defaults, errors: FormErrors())
    }

    static func programmesPage(_ request: Request, funder: FunderID, form: ProgrammeForm, errors: FormErrors) async throws -> Response {
        let programmes = try await request.store.programmes(of: funder)
        return Layout.response(Layout.page(title: "Programmes", request: request) {
            h("h1") { "Programmes" }
            Layout.notice(request)
            table(caption: "Mes programmes", headers: ["Nom", "Valable", "Chèque", "Territoire", "Commandes"], rows: programmes.map { row in
                let terms = row.programme.terms
                let name: Node = row.orders == 0
                    ? h("a", ["href": SiteURL.funderProgramme(row.programme.id.rawValue).path]) { terms.name + " (modifier)" }
                    : .text(terms.name)
                return [name, .text("du \(French.date(terms.validFrom)) au \(French.date(terms.validUntil))"),
                        .text(money(terms.faceValue)), .text(terms.perimeter.departements.map(\.value).joined(separator: ", ")),
                        .text(String(row.orders))]
            })
            h("h2") { "Nouveau programme" }
            programmeForm(request, action: .funderProgrammes, form: form, errors: errors, submit: "Créer le programme")
        })
    }

    static func programmeForm(_ request: Request, action: SiteURL, form: ProgrammeForm, errors: FormErrors, submit: String) -> Node {
        h("form", ["method": "post", "action": action.path, "novalidate": ""]) {
            errors.summary
            csrfField(request)
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
                    h("div") {
                        h("input", ["type": "checkbox", "id": "cat-" + category.code, "name": "categories[]", "value": category.code,
                                    "checked": (form.categories ?? []).contains(category.code) ? "" : nil])
                        " "
                        h("label", ["for": "cat-" + category.code, "class": "inline-label"]) { category.rawValue }
                    }
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

    /// The terms a programme form describes, or the errors to show next to its fields.
    static func terms(from form: ProgrammeForm) -> (ProgrammeTerms?, FormErrors) {
        var errors = FormErrors()
        let name = (form.name ?? "").trimmingCharacters(in: .whitespaces)
        if name.isEmpty { errors.add("name", "Donnez un nom au programme.") }
        let face = Money(euros: form.faceValue ?? "")
        if face == nil { errors.add("faceValue", "Indiquez un montant en euros, par exemple 10 ou 10,50.") }
        let perBooklet = Int(form.checksPerBooklet ?? "")
        if perBooklet == nil { errors.add("checksPerBooklet", "Indiquez un nombre entier, par exemple 10.") }
        let from = CivilDate(form.validFrom ?? "")
        if from == nil { errors.add("validFrom", "Indiquez une date entre 2000 et 2100, au format AAAA-MM-JJ.") }
        let until = CivilDate(form.validUntil ?? "")
        if until == nil { errors.add("validUntil", "Indiquez une date entre 2000 et 2100, au format AAAA-MM-JJ.") }
        let grace = Int(form.graceDays ?? "")
        if grace == nil { errors.add("graceDays", "Indiquez un nombre de jours, par exemple 31.") }
        let departementTexts = (form.departements ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map(String.init)
        let departements = departementTexts.compactMap(DepartementCode.init)
        if departements.isEmpty || departements.count != departementTexts.count {
            errors.add("departements", "Indiquez des codes de départements existants, par exemple : 59, 62.")
        }
        let communeTexts = (form.communes ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == ";" }).map(String.init)
        let communes = communeTexts.compactMap(CommuneCode.init)
        if communes.count != communeTexts.count { errors.add("communes", "Un code de commune n’est pas un code INSEE (5 caractères).") }
        let chosen = Set((form.categories ?? []).compactMap(ServiceCategory.init(code:)))
        let categories = ServiceCategory.allCases.filter(chosen.contains)
        if categories.isEmpty { errors.add("categories", "Choisissez au moins un service.") }
        var shares: [CoFundingShare] = []
        for (cofunder, share) in [(form.cofunder1, form.share1), (form.cofunder2, form.share2), (form.cofunder3, form.share3)] {
            let cofunder = (cofunder ?? "").trimmingCharacters(in: .whitespaces)
            let shareText = (share ?? "").trimmingCharacters(in: .whitespaces)
            if cofunder.isEmpty && shareText.isEmpty { continue }
            guard !cofunder.isEmpty, let basisPoints = DecimalText.scaled(shareText, decimals: 2), basisPoints <= 10_000 else {
                errors.add("shares", "Pour chaque cofinanceur, indiquez un nom et une part en %.")
                break
            }
            shares.append(CoFundingShare(cofunder: cofunder, basisPoints: Int(basisPoints)))
        }
        var maximum: Int? = nil
        if let text = form.maxChecks?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            maximum = Int(text)
            if maximum == nil { errors.add("maxChecks", "Indiquez un nombre entier, ou laissez vide.") }
        }
        guard errors.isEmpty, let face, let perBooklet, let from, let until, let grace else { return (nil, errors) }
        return (ProgrammeTerms(name: name, faceValue: face, checksPerBooklet: perBooklet, validFrom: from, validUntil: until,
                               graceDays: grace, perimeter: Perimeter(departements: departements, communes: communes),
                               categories: categories, shares: shares, maxChecksPerBeneficiary: maximum,
                               bookletText: form.bookletText ?? ""), errors)
    }

    static let termFields = ["perimeter": "departements", "maxChecksPerBeneficiary": "maxChecks"]

    @Sendable static func createProgramme(_ request: Request) async throws -> Response {
        let (_, funder) = try FunderSpace.funder(request)
        let form = try request.content.decode(ProgrammeForm.self)
        var (terms, errors) = terms(from: form)
        if let terms {
            do {
                _ = try await request.store.createProgramme(funder: funder, terms: terms)
                return request.redirect(to: .funderProgrammes, notice: "Programme créé.")
            } catch let error as DomainError {
                errors.add(error, fields: termFields)
            }
        }
        return try await programmesPage(request, funder: funder, form: form, errors: errors).with(status: .unprocessableEntity)
    }

    // MARK: Editing a programme before its first order

    @Sendable static func showProgramme(_ request: Request) async throws -> Response {
        let (_, funder) = try FunderSpace.funder(request)
        let programme = try await ownProgramme(request, funder: funder)
        let terms = programme.terms
        let shares = terms.shares.map { ($0.cofunder, String($0.basisPoints / 100) + ($0.basisPoints % 100 == 0 ? "" : String(format: ",%02d", $0.basisPoints % 100))) }
        func share(_ index: Int) -> (String?, String?) { index < shares.count ? (shares[index].0, shares[index].1) : (nil, nil) }
        let form = ProgrammeForm(
            name: terms.name, faceValue: terms.faceValue.plainDecimal, checksPerBooklet: String(terms.checksPerBooklet),
            validFrom: terms.validFrom.description, validUntil: terms.validUntil.description, graceDays: String(terms.graceDays),
            departements: terms.perimeter.departements.map(\.value).joined(separator: ", "),
            communes: terms.perimeter.communes.map(\.value).joined(separator: ", "), categories: terms.categories.map(\.code),
            cofunder1: share(0).0, share1: share(0).1, cofunder2: share(1).0, share2: share(1).1, cofunder3: share(2).0, share3: share(2).1,
            maxChecks: terms.maxChecksPerBeneficiary.map(String.init), bookletText: terms.bookletText)
        return try await programmePage(request, programme: programme.id, form: form, errors: FormErrors())
    }

    static func ownProgramme(_ request: Request, funder: FunderID) async throws -> Programme {
        try await ownProgramme(ProgrammeID(try request.id()), request: request, funder: funder)
    }

    /// The funder's own programme, or 404: another funder's programme is out of reach.
    static func ownProgramme(_ id: ProgrammeID, request: Request, funder: FunderID) async throws -> Programme {
        // Only "not found" becomes a 404; a programme that does not read back is a logged 500, not hidden.
        let programme: Programme
        do { programme = try await request.store.programme(id) } catch DomainError.notFound { throw Abort(.notFound) }
        guard programme.funder == funder else { throw Abort(.notFound) }
        return programme
    }

    static func programmePage(_ request: Request, programme: ProgrammeID, form: ProgrammeForm, errors: FormErrors,
                              status: HTTPResponseStatus = .ok) async throws -> Response {
        Layout.response(Layout.page(title: "Modifier le programme", request: request) {
            h("h1") { "Modifier le programme" }
            h("p") { "Un programme peut être modifié tant qu’il n’a aucune commande." }
            programmeForm(request, action: .funderProgramme(programme.rawValue), form: form, errors: errors, submit: "Enregistrer")
            h("p") { h("a", ["href": SiteURL.funderProgrammes.path]) { "Retour aux programmes" } }
        }, status: status)
    }

    @Sendable static func updateProgramme(_ request: Request) async throws -> Response {
        let (_, funder) = try FunderSpace.funder(request)
        let programme = try await ownProgramme(request, funder: funder)
        let form = try request.content.decode(ProgrammeForm.self)
        var (terms, errors) = terms(from: form)
        if let terms {
            do {
                try await request.store.updateProgramme(programme.id, of: funder, terms: terms)
                return request.redirect(to: .funderProgrammes, notice: "Programme modifié.")
            } catch let error as DomainError {
                errors.add(error, fields: termFields)
            }
        }
        return try await programmePage(request, programme: programme.id, form: form, errors: errors, status: .unprocessableEntity)
    }
}
