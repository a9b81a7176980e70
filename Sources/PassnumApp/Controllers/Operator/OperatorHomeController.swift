import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The operator's home: funders, programmes, places and the decisions on their qualification.
enum OperatorHomeController {
    @Sendable static func home(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        return try await page(request, errors: FormErrors(), name: nil)
    }

    static func page(_ request: Request, errors: FormErrors, name: String?) async throws -> Response {
        let model = try await OperatorHomePage.Model.query(store: request.store)
        return Layout.response(OperatorHomePage.View(model: model, context: PageContext(request), name: name, errors: errors).document)
    }

    struct NameForm: Content { var name: String? }

    @Sendable static func createFunder(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        let name = try request.content.decode(NameForm.self).name ?? ""
        do {
            _ = try await request.store.createFunder(name: name)
        } catch let error as DomainError {
            var errors = FormErrors()
            errors.add(error)
            return try await page(request, errors: errors, name: name).with(status: .unprocessableEntity)
        }
        return request.redirect(to: .operatorHome, notice: "Financeur ajouté.")
    }

    struct StateForm: Content {
        var state: String?
        var reason: String?
    }

    @Sendable static func changePlaceState(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        let place = PlaceID(try request.id())
        let form = try request.content.decode(StateForm.self)
        guard let target = form.state.flatMap(PlaceState.init(rawValue:)) else { throw Abort(.badRequest) }
        do {
            try await request.store.changePlaceState(place, to: target, reason: form.reason, actor: Actor(user))
        } catch let error as DomainError {
            if case .notFound = error { throw Abort(.notFound) }
            return request.redirect(to: .operatorHome, notice: "Non enregistré : " + French.message(for: error))
        }
        return request.redirect(to: .operatorHome, notice: "Décision enregistrée : " + French.placeState(target) + ".")
    }
}
