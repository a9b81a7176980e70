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

    @Sendable static func revoke(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        try await request.store.revokeApiKey(try request.id(), of: user.organisation, actor: Actor(user))
        return request.redirect(to: .apiKeys, notice: "Clé révoquée : elle ne fonctionne plus.")
    }

    static func page(_ request: Request, user: SessionUser, errors: FormErrors, name: String?, created: String?,
                     status: HTTPResponseStatus = .ok) async throws -> Response {
        let model = try await ApiKeysPage.Model.query(store: request.store, organisation: user.organisation)
        return Layout.response(ApiKeysPage.View(model: model, context: PageContext(request), name: name, errors: errors, created: created).document,
                               status: status)
    }
}
