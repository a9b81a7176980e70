import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Pages for everyone, without an account: home, check a check, find a place.
enum PublicController {
    @Sendable static func home(_ request: Request) async throws -> Response {
        try await request.limitPublic(.home)
        let model = try await PublicHomePage.Model.query(store: request.store)
        return Layout.response(PublicHomePage.View(model: model, context: PageContext(request)).document)
    }

    // MARK: Check a check

    struct CheckForm: Content {
        var serial: String?
        var code: String?
    }

    @Sendable static func showCheck(_ request: Request) async throws -> Response {
        Layout.response(checkPage(request, form: CheckForm(), errors: FormErrors(), result: nil))
    }

    static func checkPage(_ request: Request, form: CheckForm, errors: FormErrors, result: Node?) -> Node {
        Layout.page(title: "Vérifier un chèque", request: request) {
            h("h1") { "Vérifier un chèque" }
            h("p") { "Recopiez le numéro et le code imprimés sur le chèque." }
            if let result { result }
            h("form", ["method": "post", "action": SiteURL.checkStatus.path, "novalidate": ""]) {
                errors.summary
                csrfField(request)
                field("Numéro du chèque", name: "serial", value: form.serial, errors: errors, hint: "12 chiffres, par exemple 1000 0000 0017.",
                      attributes: ["inputmode": "numeric", "autocomplete": "off"])
                field("Code de sécurité", name: "code", value: form.code, errors: errors, hint: "13 lettres et chiffres.",
                      attributes: ["autocomplete": "off", "autocapitalize": "characters"])
                h("button", ["type": "submit"]) { "Vérifier" }
            }
        }
    }

    @Sendable static func check(_ request: Request) async throws -> Response {
        try await request.limitPublic(.check)
        let form = try request.content.decode(CheckForm.self)
        var errors = FormErrors()
        let serial: CheckSerial?
        switch CheckSerial.parse(form.serial ?? "") {
        case .success(let value): serial = value
        case .failure(.badCheckDigit): serial = nil; errors.add("serial", French.refusal(.badCheckDigit))
        case .failure(.malformed): serial = nil; errors.add("serial", "Le numéro doit compter 12 chiffres.")
        }
        let code = SecurityCode(typed: form.code ?? "")
        if code == nil { errors.add("code", "Le code doit compter 13 lettres et chiffres.") }
        guard errors.isEmpty, let serial, let code else {
            return Layout.response(checkPage(request, form: form, errors: errors, result: nil), status: .unprocessableEntity)
        }
        guard let status = try await request.store.publicStatus(serial: serial, code: code) else {
            errors.add("code", "Ce numéro et ce code ne correspondent à aucun chèque. Vérifiez-les.")
            return Layout.response(checkPage(request, form: form, errors: errors, result: nil), status: .unprocessableEntity)
        }
        let usable = status.state == .distributed && CivilDate(request.store.clock.now) <= status.lastDay
        let result = h("section", ["class": usable ? "notice" : "errors", "role": "status", "aria-labelledby": "resultat"]) {
            h("h2", ["id": "resultat"]) { usable ? "Ce chèque est valable" : "Ce chèque ne peut pas être utilisé" }
            h("dl") {
                h("dt") { "Valeur" }; h("dd") { money(status.faceValue) }
                h("dt") { "Financé par" }; h("dd") { status.funderName + " (" + status.programmeName + ")" }
                h("dt") { "Valable jusqu’au" }; h("dd") { French.date(status.lastDay) }
                h("dt") { "État" }; h("dd") { French.state(status.state) }
            }
            if usable { h("p") { h("a", ["href": SiteURL.places.path]) { "Trouver un lieu où l’utiliser" } } }
        }
        return Layout.response(checkPage(request, form: form, errors: errors, result: result))
    }

    /// The URL in the QR code: `/c/SERIAL-CODE`. A signed-in place gets its validation form filled in;
    /// anyone else gets the check page filled in.
    @Sendable static func qr(_ request: Request) async throws -> Response {
        let text = request.parameters.get("code") ?? ""
        let parts = text.split(separator: "-", maxSplits: 1).map(String.init)
        let serial = parts.first ?? ""
        let code = parts.count > 1 ? parts[1] : ""
        if let user = request.user, user.role == .placeAgent || user.role == .placeManager {
            return try await PlaceController.page(request, user: user, prefill: [PresentedCheck(serial: serial, code: code)])
        }
        return Layout.response(checkPage(request, form: CheckForm(serial: serial, code: code), errors: FormErrors(), result: nil))
    }

    // MARK: Places

    /// Places that accept the checks, filtered by postcode, commune or département and service; nearest first
    /// when the search names a place whose coordinates are known.
    @Sendable static func places(_ request: Request) async throws -> Response {
        try await request.limitPublic(.finder)
        let text = (request.query[String.self, at: "commune"] ?? "").trimmingCharacters(in: .whitespaces)
        let departement = (request.query[String.self, at: "departement"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        let category = request.query[String.self, at: "categorie"].flatMap(ServiceCategory.init(code:))
        let found = try await request.store.searchPlaces(PlaceSearch(text: text, departement: departement, category: category))
        return Layout.response(Layout.page(title: "Où utiliser mes chèques", request: request) {
            h("h1") { "Où utiliser mes chèques" }
            h("form", ["method": "get", "action": SiteURL.places.path, "class": "inline", "role": "search"]) {
                field("Code postal ou commune", name: "commune", value: text, required: false)
                field("Département", name: "departement", value: departement, required: false, attributes: ["size": "4"])
                select("Service", name: "categorie", options: [("", "Tous les services")] + ServiceCategory.allCases.map { ($0.code, $0.rawValue) },
                       selected: category?.code)
                h("button", ["type": "submit"]) { "Chercher" }
            }
            h("p", ["role": "status"]) { found.count == 1 ? "1 lieu trouvé." : "\(found.count) lieux trouvés." }
            h("ul") {
                for (place, distance) in found {
                    h("li") {
                        h("a", ["href": SiteURL.place(place.id.rawValue).path]) { place.name }
                        " – " + place.sites.map { [$0.postcode, $0.communeName].filter { !$0.isEmpty }.joined(separator: " ") }.joined(separator: " ; ")
                        if let distance { " (à \(distance < 1 ? "moins de 1" : String(Int(distance.rounded()))) km)" }
                        h("br")
                        h("small") { place.categories.map { French.categoryShort[$0] ?? $0.rawValue }.joined(separator: " · ") }
                    }
                }
            }
            h("p") {
                "Ces données sont publiques : "
                h("a", ["href": SiteURL.openDataCSV.path]) { "CSV" }
                " ou "
                h("a", ["href": SiteURL.openDataJSON.path]) { "JSON" }
                ", au format national des lieux de médiation numérique."
            }
        })
    }

    /// A place's public page: services, opening hours, accessibility, how to come.
    @Sendable static func place(_ request: Request) async throws -> Response {
        try await request.limitPublic(.finder)
        guard let place = try await request.store.publicPlaces(only: PlaceID(try request.id())).first else { throw Abort(.notFound) }
        let hours = place.openingHours.flatMap { try? OpeningHours($0) }
        return Layout.response(Layout.page(title: place.name, request: request) {
            h("h1") { place.name }
            if let summary = place.summary, !summary.isEmpty { h("p") { summary } }
            h("p", ["class": "notice"]) { "Ce lieu accepte les chèques Pass numérique." }
            h("h2") { "Adresse et accès" }
            for site in place.sites {
                h("p") {
                    h("strong") { site.name }
                    h("br")
                    [site.address, site.postcode + " " + site.communeName].filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.joined(separator: ", ")
                    if let access = site.access, !access.isEmpty { h("br"); "Pour venir : " + access }
                }
            }
            if let phone = place.phone, !phone.isEmpty { h("p") { "Téléphone : "; h("a", ["href": "tel:" + phone]) { phone } } }
            if let email = place.email, !email.isEmpty { h("p") { "E-mail : "; h("a", ["href": "mailto:" + email]) { email } } }
            h("h2") { "Horaires" }
            if let hours {
                h("ul") { for line in hours.french { h("li") { line } } }
            } else {
                h("p") { "Horaires non renseignés : appelez avant de venir." }
            }
            h("h2") { "Accompagnements" }
            if place.services.isEmpty {
                h("ul") { for category in place.categories { h("li") { category.rawValue } } }
            } else {
                h("ul") {
                    for service in place.services {
                        h("li") {
                            h("strong") { service.title }
                            " – \(service.durationMinutes) min, \(service.priceChecks) chèque\(service.priceChecks > 1 ? "s" : "") (" + service.category.rawValue + ")"
                            h("br")
                            service.description
                            if !service.sessions.isEmpty {
                                h("br")
                                "Prochaines séances : " + service.sessions.map { French.sessionDate($0.startsAt) + " (\($0.capacity) places)" }.joined(separator: ", ")
                            }
                        }
                    }
                }
            }
            h("h2") { "Accessibilité" }
            h("p") { place.accessibility.isEmpty ? "Non renseignée." : "Accompagnement adapté : " + place.accessibility.joined(separator: ", ") + "." }
            h("p") { h("a", ["href": SiteURL.places.path]) { "Retour à la liste des lieux" } }
        })
    }

    // MARK: Open data

    @Sendable static func openDataCSV(_ request: Request) async throws -> Response {
        try await request.limitPublic(.opendata)
        let body = OpenData.csv(try await request.store.openDataRecords())
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"lieux.csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    @Sendable static func openDataJSON(_ request: Request) async throws -> Response {
        try await request.limitPublic(.opendata)
        let body = try OpenData.json(try await request.store.openDataRecords())
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: body))
    }
}
