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
    }

    @Sendable static func changePlaceState(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let place = try request.id(PlaceID.self)
        let form = try request.content.decode(StateForm.self)
        guard let target = form.state.flatMap(PlaceState.init(rawValue:)) else { throw Abort(.badRequest) }
        return try await request.redirect(to: .operatorHome, refused: "Non enregistré", notFoundIsPage: true) {
            try await request.store.changePlaceState(place, to: target, reason: form.reason, actor: Actor(user))
            return "Décision enregistrée : " + French.placeState(target) + "."
        }
    }
}
