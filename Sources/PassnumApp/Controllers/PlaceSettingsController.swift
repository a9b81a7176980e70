import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A place manager's settings: which funders' checks to accept, and the catalogue of services.
enum PlaceSettingsController {
    // MARK: Funders

    @Sendable static func funders(_ request: Request) async throws -> Response {
        let (_, place) = try request.organisation(\.place)
        let model = try await PlaceFundersPage.Model.query(store: request.store, place: place, page: ListingPageQuery(request, .funders))
        return Layout.response(PlaceFundersPage.View(model: model, context: PageContext(request)).document)
    }

    @Sendable static func requestAffiliation(_ request: Request) async throws -> Response {
        let (_, place) = try request.organisation(\.place)
        let funder = try request.id(FunderID.self)
        guard try await request.store.name(ofFunder: funder) != nil else { throw Abort(.notFound) }
        guard try await request.store.placeState(place) == .qualified else {
            return request.redirect(to: .placeFunders, error: "Votre lieu doit d’abord être habilité.")
        }
        return try await request.redirect(to: .placeFunders, refused: "Non envoyé") {
            try await request.store.requestAffiliation(place: place, funder: funder)
            return "Demande envoyée au financeur."
        }
    }

    // MARK: Catalogue

    struct ServiceForm: Content {
        var category: String?
        var title: String?
        var description: String?
        var duration: String?
        var price: String?
    }

    @Sendable static func catalogue(_ request: Request) async throws -> Response {
        let (_, place) = try request.organisation(\.place)
        return try await cataloguePage(request, place: place, form: ServiceForm(duration: "60", price: "1"))
    }

    static func cataloguePage(_ request: Request, place: PlaceID, form: ServiceForm, errors: FormErrors = FormErrors()) async throws -> Response {
        let model = try await PlaceCataloguePage.Model.query(store: request.store, place: place)
        return Layout.response(PlaceCataloguePage.View(model: model, context: PageContext(request), form: form, errors: errors).document, errors: errors)
    }

    @Sendable static func addService(_ request: Request) async throws -> Response {
        let (_, place) = try request.organisation(\.place)
        let form = try request.content.decode(ServiceForm.self)
        var errors = FormErrors()
        let category = form.category.flatMap(ServiceCategory.init(code:))
        if category == nil { errors.add("category", "Choisissez le type de service.") }
        let duration = errors.number(form.duration, field: "duration", in: NewService.durations, "Indiquez une durée entre 5 et 1 440 minutes.")
        let price = errors.number(form.price, field: "price", in: NewService.prices, "Indiquez un prix entre 1 et 50 chèques.")
        _ = errors.required(form.title, field: "title", "Donnez un titre.")
        _ = errors.required(form.description, field: "description", "Décrivez le service en une phrase.")
        if errors.isEmpty, let category, let duration, let price {
            do {
                try await request.store.addService(NewService(category: category, title: form.title ?? "", description: form.description ?? "",
                                                              durationMinutes: duration, priceChecks: price), place: place)
                return request.redirect(to: .placeCatalogue, notice: "Service ajouté.")
            } catch let error as DomainError {
                errors.add(error, fields: ["durationMinutes": "duration", "priceChecks": "price"])
            }
        }
        return try await cataloguePage(request, place: place, form: form, errors: errors)
    }

    struct SessionForm: Content {
        var startsAt: String?
        var capacity: String?
    }

    @Sendable static func addSession(_ request: Request) async throws -> Response {
        let (_, place) = try request.organisation(\.place)
        let service = try request.id(ServiceID.self)
        guard try await request.store.services(of: place).contains(where: { $0.id == service }) else { throw Abort(.notFound) }
        let form = try request.content.decode(SessionForm.self)
        do {
            try await request.store.addSession(service: service, place: place, startsAt: ApplicationStepsController.text(form.startsAt),
                                               capacity: Int(ApplicationStepsController.text(form.capacity)) ?? 0)
        } catch DomainError.notFound {
            throw Abort(.notFound)
        } catch is DomainError {
            return request.redirect(to: .placeCatalogue, error: "Séance non ajoutée : indiquez une date, une heure et un nombre de places (1 à 500).")
        }
        return request.redirect(to: .placeCatalogue, notice: "Séance ajoutée.")
    }

    struct ActiveForm: Content { var active: String? }

    @Sendable static func setServiceState(_ request: Request) async throws -> Response {
        let (_, place) = try request.organisation(\.place)
        let service = try request.id(ServiceID.self)
        let active = try request.content.decode(ActiveForm.self).active == "1"
        try await request.store.setServiceActive(service, place: place, active: active)
        return request.redirect(to: .placeCatalogue, notice: active ? "Service proposé à nouveau." : "Service retiré.")
    }
}
