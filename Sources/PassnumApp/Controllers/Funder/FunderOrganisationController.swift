import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The funder's identifiers as a public buyer (its organisation page) and an order's engagement number.
enum FunderOrganisationController {
    struct Form: Content {
        var siret: String?
        var serviceCode: String?
        var engagementNumber: String?
    }

    @Sendable static func organisation(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        return try await page(request, funder: funder)
    }

    static func page(_ request: Request, funder: FunderID, typed: Form? = nil, errors: FormErrors = FormErrors()) async throws -> Response {
        let model = try await FunderOrganisationPage.Model.query(store: request.store, funder: funder)
        return Layout.response(FunderOrganisationPage.View(model: model, context: PageContext(request), typed: typed, errors: errors).document,
                               errors: errors)
    }

    @Sendable static func save(_ request: Request) async throws -> Response {
        let (user, funder) = try request.organisation(\.funder)
        let form = try request.content.decode(Form.self)
        var errors = FormErrors()
        if let siret = form.siret, !siret.trimmingCharacters(in: .whitespaces).isEmpty, case .failure(let problem) = Siret.check(siret) {
            errors.add("siret", problem == .notFourteenDigits ? "Le SIRET compte 14 chiffres." : "Ce SIRET contient une erreur de frappe : vérifiez chaque chiffre.")
        }
        if errors.isEmpty {
            do {
                try await request.store.setBuyerIdentifiers(
                    BuyerIdentifiers(siret: form.siret, serviceCode: form.serviceCode, engagementNumber: form.engagementNumber),
                    funder: funder, actor: Actor(user))
                return request.redirect(to: .funderOrganisation, notice: "Informations enregistrées.")
            } catch let error as DomainError {
                errors.add(error)
            }
        }
        return try await page(request, funder: funder, typed: form, errors: errors)
    }

    struct EngagementForm: Content { var engagementNumber: String? }

    /// An order's own engagement number, while it is not invoiced.
    @Sendable static func setEngagementNumber(_ request: Request) async throws -> Response {
        let (user, funder) = try request.organisation(\.funder)
        let order = try request.id(OrderID.self)
        // Another funder's order is not found, whatever the form says (the store checks again).
        guard try await request.store.funder(ofOrder: order) == funder else { throw Abort(.notFound) }
        let number = try request.content.decode(EngagementForm.self).engagementNumber
        return try await request.redirect(to: .funderOrders, refused: "Non enregistré", notFoundIsPage: true) {
            try await request.store.setEngagementNumber(number, order: order, actor: Actor(user))
            return "Commande n° \(order) : numéro d’engagement enregistré."
        }
    }
}
