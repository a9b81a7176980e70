import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A place manager's settings: which funders' checks to accept, and the catalogue of services.
enum PlaceSettingsController {
    // MARK: Funders

    @Sendable static func funders(_ request: Request) async throws -> Response {
        let (_, place) = try ApplicationStepsController.manager(request)
        let rows = try await request.store.affiliations(of: place)
        let state = try await request.store.placeState(place)
        let labels: [AffiliationState: String] = [.requested: "Demande envoyée", .approved: "Accepté", .refused: "Refusé"]
        return Layout.response(Layout.page(title: "Financeurs", request: request) {
            h("h1") { "Accepter les chèques d’un financeur" }
            Layout.notice(request)
            if state != .qualified { h("p", ["role": "status"]) { "Votre lieu doit d’abord être habilité." } }
            table(caption: "Financeurs", headers: ["Financeur", "État", ""], rows: rows.map { row in
                [.text(row.funder.name), .text(row.state.flatMap { labels[$0] } ?? "—"),
                 (state == .qualified && (row.state == nil || row.state == .refused))
                    ? h("form", ["method": "post", "action": SiteURL.placeAffiliation(row.funder.id).path]) {
                        csrfField(request)
                        h("button", ["type": "submit", "class": "secondary", "aria-label": "Demander à accepter les chèques de " + row.funder.name]) { "Demander" }
                    }
                    : .text("")]
            })
        })
    }

    @Sendable static func requestAffiliation(_ request: Request) async throws -> Response {
        let (_, place) = try ApplicationStepsController.manager(request)
        let funder = FunderID(try request.id())
        guard try await request.store.affiliations(of: place).contains(where: { $0.funder.id == funder.rawValue }) else { throw Abort(.notFound) }
        guard try await request.store.placeState(place) == .qualified else {
            return request.redirect(to: .placeFunders, notice: "Votre lieu doit d’abord être habilité.")
        }
        do {
            try await request.store.requestAffiliation(place: place, funder: funder)
        } catch let error as DomainError {
            return request.redirect(to: .placeFunders, notice: "Non envoyé : " + French.message(for: error))
        }
        return request.redirect(to: .placeFunders, notice: "Demande envoyée au financeur.")
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
        let (_, place) = try ApplicationStepsController.manager(request)
        return try await cataloguePage(request, place: place, form: ServiceForm(duration: "60", price: "1"), errors: FormErrors())
    }

    static func cataloguePage(_ request: Request, place: PlaceID, form: ServiceForm, errors: FormErrors) async throws -> Response {
        let services = try await request.store.services(of: place)
        return Layout.response(Layout.page(title: "Catalogue", request: request) {
            h("h1") { "Mes services" }
            Layout.notice(request)
            for service in services {
                h("section", ["aria-labelledby": "service-\(service.id)"]) {
                    h("h2", ["id": "service-\(service.id)"]) { service.title + (service.active ? "" : " (retiré)") }
                    h("p") { service.category.rawValue + " – \(service.durationMinutes) min – \(service.priceChecks) chèque(s)" }
                    h("p") { service.description }
                    if !service.sessions.isEmpty {
                        h("ul") { for session in service.sessions { h("li") { French.sessionDate(session.startsAt) + " – \(session.capacity) places" } } }
                    }
                    h("form", ["method": "post", "action": SiteURL.placeSession(service.id).path, "class": "inline"]) {
                        csrfField(request)
                        field("Date et heure d’une séance", name: "startsAt", id: "seance-\(service.id)", type: "datetime-local", hint: "Facultatif.")
                        field("Places", name: "capacity", id: "places-\(service.id)", value: "10", attributes: ["inputmode": "numeric", "size": "4"])
                        h("button", ["type": "submit", "class": "secondary"]) { "Ajouter la séance" }
                    }
                    h("form", ["method": "post", "action": SiteURL.placeServiceState(service.id).path]) {
                        csrfField(request)
                        h("button", ["type": "submit", "name": "active", "value": service.active ? "0" : "1", "class": "secondary"]) {
                            service.active ? "Retirer ce service" : "Proposer à nouveau"
                        }
                    }
                }
            }
            h("h2") { "Nouveau service" }
            h("form", ["method": "post", "action": SiteURL.placeCatalogue.path, "novalidate": ""]) {
                errors.summary
                csrfField(request)
                select("Type de service", name: "category", options: ServiceCategory.allCases.map { ($0.code, $0.rawValue) }, selected: form.category, errors: errors)
                field("Titre", name: "title", value: form.title, errors: errors, hint: "Par exemple : Atelier « Mes démarches en ligne ».")
                field("Description", name: "description", value: form.description, errors: errors)
                field("Durée (minutes)", name: "duration", value: form.duration, errors: errors, attributes: ["inputmode": "numeric"])
                field("Prix en chèques", name: "price", value: form.price, errors: errors, attributes: ["inputmode": "numeric"])
                h("button", ["type": "submit"]) { "Ajouter le service" }
            }
        })
    }

    @Sendable static func addService(_ request: Request) async throws -> Response {
        let (_, place) = try ApplicationStepsController.manager(request)
        let form = try request.content.decode(ServiceForm.self)
        var errors = FormErrors()
        let category = form.category.flatMap(ServiceCategory.init(code:))
        if category == nil { errors.add("category", "Choisissez le type de service.") }
        let duration = Int(ApplicationStepsController.text(form.duration))
        if duration == nil || !(5...1440).contains(duration!) { errors.add("duration", "Indiquez une durée entre 5 et 1 440 minutes.") }
        let price = Int(ApplicationStepsController.text(form.price))
        if price == nil || !(1...50).contains(price!) { errors.add("price", "Indiquez un prix entre 1 et 50 chèques.") }
        if ApplicationStepsController.text(form.title).isEmpty { errors.add("title", "Donnez un titre.") }
        if ApplicationStepsController.text(form.description).isEmpty { errors.add("description", "Décrivez le service en une phrase.") }
        if errors.isEmpty, let category, let duration, let price {
            do {
                try await request.store.addService(NewService(category: category, title: form.title ?? "", description: form.description ?? "",
                                                              durationMinutes: duration, priceChecks: price), place: place)
                return request.redirect(to: .placeCatalogue, notice: "Service ajouté.")
            } catch let error as DomainError {
                errors.add(error, fields: ["durationMinutes": "duration", "priceChecks": "price"])
            }
        }
        return try await cataloguePage(request, place: place, form: form, errors: errors).with(status: .unprocessableEntity)
    }

    struct SessionForm: Content {
        var startsAt: String?
        var capacity: String?
    }

    @Sendable static func addSession(_ request: Request) async throws -> Response {
        let (_, place) = try ApplicationStepsController.manager(request)
        let service = try request.id()
        guard try await request.store.services(of: place).contains(where: { $0.id == service }) else { throw Abort(.notFound) }
        let form = try request.content.decode(SessionForm.self)
        do {
            try await request.store.addSession(service: service, place: place, startsAt: ApplicationStepsController.text(form.startsAt),
                                               capacity: Int(ApplicationStepsController.text(form.capacity)) ?? 0)
        } catch DomainError.notFound {
            throw Abort(.notFound)
        } catch is DomainError {
            return request.redirect(to: .placeCatalogue, notice: "Séance non ajoutée : indiquez une date, une heure et un nombre de places (1 à 500).")
        }
        return request.redirect(to: .placeCatalogue, notice: "Séance ajoutée.")
    }

    struct ActiveForm: Content { var active: String? }

    @Sendable static func setServiceState(_ request: Request) async throws -> Response {
        let (_, place) = try ApplicationStepsController.manager(request)
        let service = try request.id()
        let active = try request.content.decode(ActiveForm.self).active == "1"
        try await request.store.setServiceActive(service, place: place, active: active)
        return request.redirect(to: .placeCatalogue, notice: active ? "Service proposé à nouveau." : "Service retiré.")
    }
}
