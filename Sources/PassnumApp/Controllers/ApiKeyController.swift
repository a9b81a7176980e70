import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// API keys of an organisation, managed by its manager (a prescriber's agents manage their structure's keys):
/// create (the key is shown once), see when each was last used, revoke.
enum ApiKeyController {
    static let scopeLabels: [ApiScope: String] = [
        .validate: "Vérifier et valider des chèques, voir les validations et les remboursements",
        .readStock: "Voir le stock de carnets",
        .handOut: "Remettre des chèques aux personnes",
        .readStatistics: "Voir les statistiques et l’état des chèques",
    ]

    /// Managers of a funder or a place, and a prescriber structure's agents (it has no manager role).
    static func user(_ request: Request) throws -> SessionUser {
        try request.requireUser(.funderManager, .placeManager, .prescriberAgent)
    }

    @Sendable static func list(_ request: Request) async throws -> Response {
        try await page(request, user: try user(request), errors: FormErrors(), name: nil, created: nil)
    }

    struct KeyForm: Content {
        var name: String?
        var scopes: [String]?
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let user = try user(request)
        let form = try request.content.decode(KeyForm.self)
        do {
            let (_, secret) = try await request.store.createApiKey(
                name: form.name ?? "", scopes: (form.scopes ?? []).compactMap(ApiScope.init(rawValue:)), organisation: user.organisation,
                actor: Actor(user))
            return try await page(request, user: user, errors: FormErrors(), name: nil, created: secret, status: .created)
        } catch let error as DomainError {
            var errors = FormErrors()
            if case .invalid(.scopes, _) = error {
                errors.add("scopes", "Cochez au moins un droit.")
            } else {
                errors.add(error)
            }
            return try await page(request, user: user, errors: errors, name: form.name, created: nil, status: .unprocessableEntity)
        }
    }

    @Sendable static func revoke(_ request: Request) async throws -> Response {
        let user = try user(request)
        try await request.store.revokeApiKey(try request.id(), of: user.organisation, actor: Actor(user))
        return request.redirect(to: .apiKeys, notice: "Clé révoquée : elle ne fonctionne plus.")
    }

    static func page(_ request: Request, user: SessionUser, errors: FormErrors, name: String?, created: String?,
                     status: HTTPResponseStatus = .ok) async throws -> Response {
        let keys = try await request.store.apiKeys(of: user.organisation)
        let allowed = ApiScope.allowed(for: user.organisation.kind)
        return Layout.response(Layout.page(title: "Clés API", request: request) {
            h("h1") { "Clés API" }
            Layout.notice(request)
            h("p") {
                "Une clé API permet à un logiciel (prise de rendez-vous, suivi des personnes, tableaux de bord) d’agir pour votre structure. "
                h("a", ["href": "/api/v1/openapi.json"]) { "Documentation technique (OpenAPI)" }
            }
            if let created {
                h("div", ["class": "notice", "role": "status"]) {
                    h("p") { h("strong") { "Copiez cette clé maintenant : elle ne sera plus affichée." } }
                    h("p") { h("code", ["class": "secret"]) { created } }
                }
            }
            table(caption: "Clés de votre structure", headers: ["Nom", "Début de la clé", "Droits", "Créée", "Dernière utilisation", "État"],
                  rows: keys.map { key in
                      [.text(key.name), .text(key.prefix + "…"), .text(key.scopes.map { scopeLabels[$0] ?? $0.rawValue }.joined(separator: " ; ")),
                       .text(French.date(CivilDate(key.createdAt)) + " par " + key.createdBy),
                       .text(key.lastUsedAt.map(French.dateTime) ?? "jamais"),
                       key.revokedAt.map { .text("révoquée le " + French.date(CivilDate($0))) } ?? revokeForm(request, key)]
                  }, empty: "aucune clé pour le moment.")
            h("h2") { "Nouvelle clé" }
            h("form", ["method": "post", "action": SiteURL.apiKeys.path, "novalidate": ""]) {
                errors.summary
                csrfField(request)
                field("Nom de la clé", name: "name", value: name, errors: errors, hint: "Pour la reconnaître. Par exemple : logiciel de rendez-vous.")
                h("fieldset") {
                    h("legend") { "Droits de la clé" }
                    if let error = errors["scopes"] { h("p", ["class": "error", "id": "scopes"]) { error } }
                    for scope in allowed {
                        h("div") {
                            h("input", ["type": "checkbox", "id": "scope-" + scope.rawValue, "name": "scopes[]", "value": scope.rawValue])
                            " "
                            h("label", ["for": "scope-" + scope.rawValue, "class": "inline-label"]) { scopeLabels[scope] ?? scope.rawValue }
                        }
                    }
                }
                h("button", ["type": "submit"]) { "Créer la clé" }
            }
        }, status: status)
    }

    static func revokeForm(_ request: Request, _ key: ApiKey) -> Node {
        h("form", ["method": "post", "action": SiteURL.apiKeyRevocation(key.id).path, "class": "inline"]) {
            csrfField(request)
            h("button", ["type": "submit", "class": "secondary", "aria-label": "Révoquer la clé " + key.name]) { "Révoquer" }
        }
    }
}
