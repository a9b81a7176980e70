import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A manager's team page (`/equipe`), the same for every kind of organisation: invite a member, send the invitation
/// again, change a member's role, deactivate a member who leaves. The store scopes every change to the manager's
/// organisation and keeps its last active manager.
enum TeamController {
    /// Who manages an organisation's accounts: the managing role of each kind (a prescriber's agents, having only
    /// that role, manage their structure). A place's agents do not see their colleagues' addresses.
    static let managers = Access.roles(Set(OrganisationKind.allCases.map(Role.manager(of:))))

    @Sendable static func team(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let model = try await TeamPage.Model.query(store: request.store, organisation: user.organisation, viewer: user.id,
                                                   page: ListingPageQuery(request, .accounts))
        return Layout.response(TeamPage.View(model: model, context: PageContext(request)).document)
    }

    struct InviteForm: Content {
        var email: String?
        var name: String?
        var role: String?
    }

    @Sendable static func invite(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let sent = try request.content.decode(InviteForm.self)
        let form = TeamPage.InviteForm(email: sent.email ?? "", name: sent.name ?? "", role: sent.role.flatMap(Role.init(rawValue:)))
        var errors = FormErrors()
        if let role = form.role {
            do {
                try await request.store.invite(email: form.email, name: form.name, role: role, organisation: user.organisation, actor: Actor(user))
                return request.redirect(to: .team, notice: "Invitation envoyée à \(form.email.trimmingCharacters(in: .whitespaces)). Le lien est valable 7 jours.")
            } catch let error as DomainError {
                errors.add(error)
            }
        } else {
            errors.add("role", "Choisissez un rôle.")
        }
        let model = try await TeamPage.Model.query(store: request.store, organisation: user.organisation, viewer: user.id)
        return Layout.response(TeamPage.View(model: model, context: PageContext(request), form: form, errors: errors).document, errors: errors)
    }

    @Sendable static func resend(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let member = try request.id(UserID.self)
        return try await request.redirect(to: .team, refused: "Invitation non envoyée", notFoundIsPage: true) {
            try await request.store.resendInvitation(to: member, actor: Actor(user))
            return "Invitation envoyée de nouveau. Le nouveau lien est valable 7 jours ; les anciens ne marchent plus."
        }
    }

    /// The role and the reason a role change or a deactivation form sends.
    struct ChangeForm: Content {
        var role: String?
        var reason: String?
    }

    @Sendable static func changeRole(_ request: Request) async throws -> Response {
        try await changeRole(request, back: .team)
    }

    @Sendable static func deactivate(_ request: Request) async throws -> Response {
        try await deactivate(request, action: SiteURL.teamDeactivation, back: .team)
    }

    @Sendable static func confirmDeactivation(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let member = try request.id(UserID.self)
        return try await confirmDeactivation(request, of: member, in: user.organisation, action: .teamDeactivation(member), back: .team)
    }

    /// Who will be deactivated and what goes with it (their sessions, the API keys they created), to confirm first: the
    /// account of someone who left cannot be reactivated by a manager. `organisation` nil: the operator, any account.
    static func confirmDeactivation(_ request: Request, of member: UserID, in organisation: Organisation?, action: SiteURL,
                                    back: SiteURL) async throws -> Response {
        guard let preview = try await request.store.deactivationPreview(of: member, in: organisation) else { throw Abort(.notFound) }
        let account = preview.account
        guard account.state != .deactivated else { return request.redirect(to: back, error: "Compte non désactivé : il l’est déjà.") }
        let reason = request.query[String.self, at: "reason"] ?? ""
        var facts: [(term: String, value: String)] = [("Personne", account.name), ("Adresse", account.email), ("Rôle", French.role(account.role))]
        if let name = account.organisationName { facts.append(("Structure", name)) }
        facts.append(("Clés API révoquées avec le compte", preview.apiKeys == 0 ? "aucune" : "\(preview.apiKeys)"))
        facts.append(("Motif", reason.isEmpty ? "non indiqué" : reason))
        let view = ConfirmationPage.View(
            context: PageContext(request), title: "Désactiver le compte de \(account.name) ?", facts: facts,
            warning: "La personne ne pourra plus se connecter, dès maintenant. Seul l’opérateur pourra réactiver son compte ; "
                + "les clés API qu’elle a créées ne marcheront plus jamais.",
            action: action.path, fields: [("reason", reason)], confirmLabel: "Confirmer la désactivation", back: back.path)
        return Layout.response(view.document)
    }

    /// Changes a member's role and goes back to `back` (the team page or the operator's list of accounts).
    static func changeRole(_ request: Request, back: SiteURL) async throws -> Response {
        let user = try request.signedInUser
        let member = try request.id(UserID.self)
        let form = try request.content.decode(ChangeForm.self)
        return try await request.redirect(to: back, refused: "Rôle non changé", notFoundIsPage: true) {
            let role = form.role.flatMap(Role.init(rawValue:))
            try await request.store.changeRole(of: member, to: role, reason: form.reason ?? "", actor: Actor(user))
            return "Rôle changé" + (role.map { " : " + French.role($0) } ?? "") + "."
        }
    }

    /// Deactivates an account and goes back to `back`; `action` (the member's) is where its confirmation page is.
    static func deactivate(_ request: Request, action: (UserID) -> SiteURL, back: SiteURL) async throws -> Response {
        let user = try request.signedInUser
        let member = try request.id(UserID.self)
        let form = try request.content.decode(ChangeForm.self)
        guard !(form.reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty else {
            // Said before the confirmation page, in the store's own words, rather than after "Confirmer".
            return request.redirect(to: back, error: "Compte non désactivé : " + French.message(for: DomainError.invalid(field: .reason, problem: .empty)))
        }
        guard request.confirmed else { return request.confirmation(at: action(member).path, [("reason", form.reason)]) }
        return try await request.redirect(to: back, refused: "Compte non désactivé", notFoundIsPage: true) {
            try await request.store.deactivate(member, reason: form.reason ?? "", actor: Actor(user))
            return "Compte désactivé : la personne ne peut plus se connecter, les clés API qu’elle a créées sont révoquées."
        }
    }
}
