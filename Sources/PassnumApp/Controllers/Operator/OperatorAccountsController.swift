import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The operator's list of every account (`/operateur/comptes`): search by address, change a role, deactivate,
/// reactivate. The same rules as a manager's team page, for any organisation.
enum OperatorAccountsController {
    @Sendable static func accounts(_ request: Request) async throws -> Response {
        // Bounded before it reaches the query: an address has at most 254 characters.
        let search = String((request.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(254))
        let model = try await OperatorAccountsPage.Model.query(store: request.store, search: search, page: ListingPageQuery(request, .accounts))
        return Layout.response(OperatorAccountsPage.View(model: model, context: PageContext(request)).document)
    }

    @Sendable static func changeRole(_ request: Request) async throws -> Response {
        try await TeamController.changeRole(request, back: .operatorAccounts)
    }

    @Sendable static func deactivate(_ request: Request) async throws -> Response {
        try await TeamController.deactivate(request, action: SiteURL.operatorAccountDeactivation, back: .operatorAccounts)
    }

    @Sendable static func confirmDeactivation(_ request: Request) async throws -> Response {
        let account = try request.id(UserID.self)
        return try await TeamController.confirmDeactivation(request, of: account, in: nil, action: .operatorAccountDeactivation(account),
                                                            back: .operatorAccounts)
    }

    @Sendable static func reactivate(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let account = try request.id(UserID.self)
        let form = try request.content.decode(TeamController.ChangeForm.self)
        return try await request.redirect(to: .operatorAccounts, refused: "Compte non réactivé", notFoundIsPage: true) {
            try await request.store.reactivate(account, reason: form.reason ?? "", actor: Actor(user))
            return "Compte réactivé : la personne peut de nouveau se connecter avec son mot de passe."
        }
    }
}
