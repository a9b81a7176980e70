import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Pages for everyone, without an account: home, check a check, find a place.
enum PublicController {
    @Sendable static func home(_ request: Request) async throws -> Response {
        try await request.limitPublic(.home)
        return Layout.response(PublicHomePage.View(context: PageContext(request)).document)
    }

    // MARK: Check a check

    struct CheckForm: Content {
        var serial: String?
        var code: String?
    }

    @Sendable static func showCheck(_ request: Request) async throws -> Response {
        Layout.response(CheckPage.View(model: nil, context: PageContext(request)).document)
    }

    @Sendable static func check(_ request: Request) async throws -> Response {
        try await request.limitPublic(.check)
        let form = try request.content.decode(CheckForm.self)
        var errors = FormErrors()
        let serial = errors.serial(form.serial)
        let code = SecurityCode(typed: form.code ?? "")
        if code == nil { errors.add("code", "Le code doit compter 13 lettres et chiffres.") }
        guard errors.isEmpty, let serial, let code else {
            return Layout.response(CheckPage.View(model: nil, context: PageContext(request), form: form, errors: errors).document, status: .unprocessableEntity)
        }
        guard let model = try await CheckPage.Model.query(store: request.store, serial: serial, code: code) else {
            errors.add("code", "Ce numéro et ce code ne correspondent à aucun chèque. Vérifiez-les.")
            return Layout.response(CheckPage.View(model: nil, context: PageContext(request), form: form, errors: errors).document, status: .unprocessableEntity)
        }
        return Layout.response(CheckPage.View(model: model, context: PageContext(request), form: form,
                                              contact: request.application.legalSettings.contactEmail).document)
    }

    /// The URL in the QR code: `/c/SERIAL-CODE`. A signed-in place gets the check added to its validation form;
    /// anyone else gets the check page filled in.
    @Sendable static func qr(_ request: Request) async throws -> Response {
        let (serial, code) = ScannedCheck.payload(request.parameters.get("code") ?? "")
        if let user = request.user, user.role == .placeAgent || user.role == .placeManager {
            return try await PlaceController.addScanned(request, user: user, serial: serial, code: code)
        }
        return Layout.response(CheckPage.View(model: nil, context: PageContext(request), form: CheckForm(serial: serial, code: code)).document)
    }

    // MARK: Places

    /// Places that accept the checks, filtered by postcode, commune or département and service, 20 a page; nearest
    /// first when the search names a place whose coordinates are known.
    @Sendable static func places(_ request: Request) async throws -> Response {
        try await request.limitPublic(.finder)
        let search = PlaceSearch(text: request.query[String.self, at: "commune"] ?? "", departement: request.query[String.self, at: "departement"] ?? "",
                                 category: request.query[String.self, at: "categorie"].flatMap(ServiceCategory.init(code:)))
        let model = try await FinderPage.Model.query(store: request.store, search: search, cursor: request.query[String.self, at: "apres"])
        return Layout.response(FinderPage.View(model: model, context: PageContext(request)).document)
    }

    /// A place's public page: services, opening hours, accessibility, how to come.
    @Sendable static func place(_ request: Request) async throws -> Response {
        try await request.limitPublic(.finder)
        guard let model = try await PublicPlacePage.Model.query(store: request.store, place: try request.id(PlaceID.self)) else { throw Abort(.notFound) }
        return Layout.response(PublicPlacePage.View(model: model, context: PageContext(request)).document)
    }
}
