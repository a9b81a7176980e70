import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The operator's home: funders, programmes, places and the decisions on their qualification.
enum OperatorHomeController {
    @Sendable static func home(_ request: Request) async throws -> Response {
        return try await page(request)
    }

    static func page(_ request: Request, errors: FormErrors = FormErrors(), name: String? = nil) async throws -> Response {
        let model = try await OperatorHomePage.Model.query(
            store: request.store, funderPage: ListingPageQuery(request, .funders, parameter: OperatorHomePage.funderParameter),
            programmePage: ListingPageQuery(request, .programmes, parameter: OperatorHomePage.programmeParameter))
        return Layout.response(OperatorHomePage.View(model: model, context: PageContext(request), name: name, errors: errors).document, errors: errors)
    }

    struct NameForm: Content { var name: String? }

    @Sendable static func createFunder(_ request: Request) async throws -> Response {
        let name = try request.content.decode(NameForm.self).name ?? ""
        do {
            _ = try await request.store.createFunder(name: name)
        } catch let error as DomainError {
            var errors = FormErrors()
            errors.add(error)
            return try await page(request, errors: errors, name: name)
        }
        return request.redirect(to: .operatorHome, notice: "Financeur ajouté.")
    }

    struct StateForm: Content {
        var state: String?
        var reason: String?
        /// "place" when the form is on the place's page: the answer (a refusal, for one) is shown there.
        var back: String?
    }

    /// A final decision on a place (refused, withdrawn), to confirm before it is recorded.
    @Sendable static func confirmPlaceState(_ request: Request) async throws -> Response {
        let place = try request.id(PlaceID.self)
        guard let target = request.query[String.self, at: "state"].flatMap(PlaceState.init(rawValue:)), target.isFinal else { throw Abort(.badRequest) }
        guard let name = try await request.store.placeName(place) else { throw Abort(.notFound) }
        let reason = request.query[String.self, at: "reason"] ?? ""
        let view = ConfirmationPage.View(
            context: PageContext(request), title: "\(French.placeState(target)) : \(name) ?",
            facts: [("Lieu", name), ("Décision", French.placeState(target)), ("Motif", reason.isEmpty ? "non indiqué" : reason)],
            warning: "Le lieu ne pourra plus accepter de chèques. Cette décision ne peut pas être annulée.",
            // Confirmed from the place's own page: the answer is shown there.
            action: SiteURL.operatorPlaceState(place).path, fields: [("state", target.rawValue), ("reason", reason), ("back", "place")],
            confirmLabel: "Confirmer la décision", back: SiteURL.operatorPlace(place).path)
        return Layout.response(view.document)
    }

    @Sendable static func changePlaceState(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let place = try request.id(PlaceID.self)
        let form = try request.content.decode(StateForm.self)
        guard let target = form.state.flatMap(PlaceState.init(rawValue:)) else { throw Abort(.badRequest) }
        // A decision with no way back (refused, withdrawn) is confirmed on its own page first.
        if target.isFinal, !request.confirmed {
            return request.confirmation(at: SiteURL.operatorPlaceState(place).path, [("state", target.rawValue), ("reason", form.reason)])
        }
        let back: SiteURL = form.back == "place" ? .operatorPlace(place) : .operatorHome
        return try await request.redirect(to: back, refused: "Non enregistré", notFoundIsPage: true) {
            try await request.store.changePlaceState(place, to: target, reason: form.reason, actor: Actor(user))
            return "Décision enregistrée : " + French.placeState(target) + "."
        }
    }
}
