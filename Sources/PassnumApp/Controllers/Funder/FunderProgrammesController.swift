import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A funder's programmes: the list, a new programme, editing one before its first order.
enum FunderProgrammesController {
    /// The dates a programme may take (CivilDate's years), said in French.
    static let dateMessage = "Indiquez une date entre \(CivilDate.years.lowerBound) et \(CivilDate.years.upperBound), au format AAAA-MM-JJ."

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
        let (_, funder) = try request.organisation(\.funder)
        let model = try await FunderProgrammesPage.Model.query(store: request.store, funder: funder)
        let defaults = ProgrammeForm(faceValue: "10", checksPerBooklet: "10", graceDays: "31",
                                     categories: ServiceCategory.allCases.map(\.code), cofunder1: "État", share1: "50", cofunder2: model.funderName, share2: "50")
        return Layout.response(FunderProgrammesPage.View(model: model, context: PageContext(request), form: defaults).document)
    }

    /// The terms a programme form describes, or the errors to show next to its fields.
    static func terms(from form: ProgrammeForm) -> (ProgrammeTerms?, FormErrors) {
        var errors = FormErrors()
        let name = errors.required(form.name, field: "name", "Donnez un nom au programme.")
        let face = Money(euros: form.faceValue ?? "")
        if face == nil { errors.add("faceValue", "Indiquez un montant en euros, par exemple 10 ou 10,50.") }
        let perBooklet = errors.number(form.checksPerBooklet, field: "checksPerBooklet", "Indiquez un nombre entier, par exemple 10.")
        let from = CivilDate(form.validFrom ?? "")
        if from == nil { errors.add("validFrom", Self.dateMessage) }
        let until = CivilDate(form.validUntil ?? "")
        if until == nil { errors.add("validUntil", Self.dateMessage) }
        let grace = errors.number(form.graceDays, field: "graceDays", "Indiquez un nombre de jours, par exemple 31.")
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
        let maximum = errors.optionalNumber(form.maxChecks, field: "maxChecks", "Indiquez un nombre entier, ou laissez vide.")
        guard errors.isEmpty, let face, let perBooklet, let from, let until, let grace else { return (nil, errors) }
        return (ProgrammeTerms(name: name, faceValue: face, checksPerBooklet: perBooklet, validFrom: from, validUntil: until,
                               graceDays: grace, perimeter: Perimeter(departements: departements, communes: communes),
                               categories: categories, shares: shares, maxChecksPerBeneficiary: maximum,
                               bookletText: form.bookletText ?? ""), errors)
    }

    static let termFields = ["perimeter": "departements", "maxChecksPerBeneficiary": "maxChecks"]

    @Sendable static func createProgramme(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
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
        let model = try await FunderProgrammesPage.Model.query(store: request.store, funder: funder)
        return Layout.response(FunderProgrammesPage.View(model: model, context: PageContext(request), form: form, errors: errors).document,
                               status: .unprocessableEntity)
    }

    // MARK: Editing a programme before its first order

    @Sendable static func showProgramme(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
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
        return Layout.response(FunderProgrammePage.View(programme: programme.id, context: PageContext(request), form: form).document)
    }

    static func ownProgramme(_ request: Request, funder: FunderID) async throws -> Programme {
        try await ownProgramme(try request.id(ProgrammeID.self), request: request, funder: funder)
    }

    /// The funder's own programme, or 404: another funder's programme is out of reach.
    static func ownProgramme(_ id: ProgrammeID, request: Request, funder: FunderID) async throws -> Programme {
        // Only "not found" becomes a 404; a programme that does not read back is a logged 500, not hidden.
        let programme: Programme
        do { programme = try await request.store.programme(id) } catch DomainError.notFound { throw Abort(.notFound) }
        guard programme.funder == funder else { throw Abort(.notFound) }
        return programme
    }

    @Sendable static func updateProgramme(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
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
        return Layout.response(FunderProgrammePage.View(programme: programme.id, context: PageContext(request), form: form, errors: errors).document,
                               status: .unprocessableEntity)
    }
}
