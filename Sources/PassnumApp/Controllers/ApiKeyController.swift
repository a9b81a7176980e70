import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// API keys of an organisation, managed by its manager (a prescriber's agents manage their structure's keys):
/// create (the key is shown once), see when each was last used, revoke.
enum ApiKeyController {
    @Sendable static func list(_ request: Request) async throws -> Response {
        try await page(request, user: try request.signedInUser, errors: FormErrors(), name: nil, created: nil)
    }

    struct KeyForm: Content {
        var name: String?
        var scopes: [String]?
    }

    @Sendable static func create(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
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

    /// What revoking a key stops, to confirm first: a key revoked cannot be used again.
    @Sendable static func confirmRevoke(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let id = try request.id(ApiKeyID.self)
        // The organisation's keys, a short list (one statement): another organisation's key is not found.
        guard let key = try await request.store.apiKeys(of: user.organisation).first(where: { $0.id == id }) else { throw Abort(.notFound) }
        guard key.revokedAt == nil else { return request.redirect(to: .apiKeys, error: "Cette clé est déjà révoquée.") }
        let view = ConfirmationPage.View(
            context: PageContext(request), title: "Révoquer la clé « \(key.name) » ?",
            facts: [("Clé", key.name), ("Début de la clé", key.prefix + "…"),
                    ("Droits", key.scopes.map { ApiKeysPage.scopeLabels[$0] ?? $0.rawValue }.joined(separator: " ; ")),
                    ("Créée", French.date(CivilDate(key.createdAt)) + " par " + key.createdBy),
                    ("Dernière utilisation", key.lastUsedAt.map(French.dateTime) ?? "jamais")],
            warning: "Les logiciels qui utilisent cette clé ne pourront plus agir pour votre structure. Une clé révoquée ne peut pas être rétablie : il faudra en créer une nouvelle.",
            action: SiteURL.apiKeyRevocation(id).path, fields: [], confirmLabel: "Confirmer la révocation", back: SiteURL.apiKeys.path)
        return Layout.response(view.document)
    }

    @Sendable static func revoke(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let id = try request.id(ApiKeyID.self)
        guard request.confirmed else { return request.confirmation(at: SiteURL.apiKeyRevocation(id).path, []) }
        try await request.store.revokeApiKey(id, of: user.organisation, actor: Actor(user))
        return request.redirect(to: .apiKeys, notice: "Clé révoquée : elle ne fonctionne plus.")
    }

    static func page(_ request: Request, user: SessionUser, errors: FormErrors, name: String?, created: String?,
                     status: HTTPResponseStatus = .ok) async throws -> Response {
        let model = try await ApiKeysPage.Model.query(store: request.store, organisation: user.organisation)
        return Layout.response(ApiKeysPage.View(model: model, context: PageContext(request), name: name, errors: errors, created: created).document,
                               status: status)
    }
}
