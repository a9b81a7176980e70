import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Pages for everyone, without an account: home, check a check, find a place.
enum PublicController {
    @Sendable static func home(_ request: Request) async throws -> Response {
        let o = try await request.store.overview()
        return Layout.response(Layout.page(title: "Accueil", request: request) {
            h("h1") { "Pass numérique" }
            h("p") { "Des chèques pour se faire accompagner dans l’usage du numérique, dans des lieux près de chez soi." }
            h("ul", ["class": "cards"]) {
                h("li") { h("a", ["href": SiteURL.checkStatus.path]) { "Vérifier un chèque" } }
                h("li") { h("a", ["href": SiteURL.places.path]) { "Trouver un lieu qui accepte les chèques" } }
                h("li") { h("a", ["href": request.user == nil ? SiteURL.login.path : SiteURL.space.path]) {
                    request.user == nil ? "Espace des professionnels" : "Mon espace"
                } }
            }
            h("h2") { "Aujourd’hui sur la plateforme" }
            h("ul", ["class": "cards"]) {
                h("li") { h("strong") { "\(o.places)" }; "lieux" }
                h("li") { h("strong") { "\(o.beneficiaries)" }; "personnes accompagnées" }
                h("li") { h("strong") { "\((o.checksByState[.redeemed] ?? 0) + (o.checksByState[.paid] ?? 0))" }; "chèques utilisés" }
                h("li") { h("strong") { money(o.paidOut) }; "remboursés aux lieux" }
            }
        })
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

    @Sendable static func places(_ request: Request) async throws -> Response {
        let commune = (request.query[String.self, at: "commune"] ?? "").trimmingCharacters(in: .whitespaces)
        let departement = (request.query[String.self, at: "departement"] ?? "").trimmingCharacters(in: .whitespaces)
        let category = request.query[String.self, at: "categorie"].flatMap(ServiceCategory.init(code:))
        let all = try await request.store.publicPlaces()
        let places = all.filter { place in
            (commune.isEmpty || place.postcode.hasPrefix(commune) || place.commune == commune.uppercased())
                && (departement.isEmpty || CommuneCode(place.commune)?.departement.value == departement.uppercased())
                && (category == nil || place.categories.contains(category!))
        }
        return Layout.response(Layout.page(title: "Où utiliser mes chèques", request: request) {
            h("h1") { "Où utiliser mes chèques" }
            h("form", ["method": "get", "action": SiteURL.places.path, "class": "inline", "role": "search"]) {
                field("Code postal ou commune (code INSEE)", name: "commune", value: commune, required: false,
                      attributes: ["inputmode": "numeric"])
                field("Département", name: "departement", value: departement, required: false, attributes: ["size": "4"])
                select("Service", name: "categorie", options: [("", "Tous les services")] + ServiceCategory.allCases.map { ($0.code, $0.rawValue) },
                       selected: category?.code)
                h("button", ["type": "submit"]) { "Chercher" }
            }
            h("p", ["role": "status"]) { places.count == 1 ? "1 lieu trouvé." : "\(places.count) lieux trouvés." }
            h("ul") {
                for place in places {
                    h("li") {
                        h("strong") { place.name }
                        " – " + place.postcode + " (commune " + place.commune + ")"
                        h("br")
                        h("small") { place.categories.map { French.categoryShort[$0] ?? $0.rawValue }.joined(separator: " · ") }
                    }
                }
            }
        })
    }
}
