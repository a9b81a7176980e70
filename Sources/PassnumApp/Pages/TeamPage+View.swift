import Foundation
import PassnumDomain
import PassnumPersistence

extension TeamPage {
    struct View {
        let model: Model
        let context: PageContext
        var form = InviteForm()
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Équipe", context: context) {
                h("h1") { "Équipe" }
                Layout.notice(context)
                h("p") { "Les personnes qui ont un compte pour votre structure. Quand une personne part, désactivez son compte : elle ne peut plus se connecter." }
                table(caption: "Membres de votre structure", headers: ["Nom", "Adresse e-mail", "Rôle", "État", "Actions"],
                      rows: model.members.map { member in
                          [.text(member.name + (member.id == model.viewer ? " (vous)" : "")), .text(member.email), .text(French.role(member.role)),
                           .text(TeamPage.state(member)),
                           TeamPage.actions(member, roles: model.roles, context: context, resend: .teamInvitation(member.id),
                                            role: .teamRole(member.id), deactivation: .teamDeactivation(member.id))]
                      })
                pager(model.position, path: SiteURL.team.path)
                h("h2") { "Inviter une personne" }
                h("p") { "La personne reçoit un e-mail avec un lien pour choisir son mot de passe. Le lien est valable \(French.duration(AccountRules.invitationLifetime))." }
                postForm(.team, context, errors: errors) {
                    field("Adresse e-mail", name: "email", value: form.email, type: "email", errors: errors, attributes: ["autocomplete": "off"])
                    field("Nom et prénom", name: "name", value: form.name, errors: errors)
                    TeamPage.roleChoice(model.roles, selected: form.role, id: "role", errors: errors)
                    h("button", ["type": "submit"]) { "Envoyer l’invitation" }
                }
            }
        }
    }

    /// An account's state in words.
    static func state(_ account: AccountRow) -> String {
        switch account.state {
        case .invited: "Invité : n’a pas encore choisi son mot de passe"
        case .active: "Actif"
        case .deactivated: "Désactivé" + (account.deactivatedAt.map { " le " + French.date(CivilDate($0)) } ?? "")
        }
    }

    /// The role field: a list when the organisation has several roles, nothing to choose otherwise.
    static func roleChoice(_ roles: [Role], selected: Role?, id: String, errors: FormErrors = FormErrors()) -> Node {
        if roles.count == 1, let only = roles.first {
            return h("input", ["type": "hidden", "name": "role", "value": only.rawValue])
        }
        return select("Rôle", name: "role", id: id, options: roles.map { ($0.rawValue, French.role($0)) }, selected: selected?.rawValue,
                      errors: errors)
    }

    /// The forms of one account's line: send the invitation again, change the role (with a reason), deactivate (with
    /// a reason). Used by the team page and the operator's list of accounts.
    static func actions(_ account: AccountRow, roles: [Role], context: PageContext, resend: SiteURL?, role: SiteURL,
                        deactivation: SiteURL) -> Node {
        group {
            if account.state == .invited, let resend {
                h("form", ["method": "post", "action": resend.path, "class": "inline"]) {
                    csrfField(context)
                    h("button", ["type": "submit", "class": "secondary", "aria-label": "Renvoyer l’invitation à " + account.name]) { "Renvoyer l’invitation" }
                }
            }
            let others = roles.filter { $0 != account.role }
            if account.state != .deactivated && !others.isEmpty {
                h("form", ["method": "post", "action": role.path]) {
                    csrfField(context)
                    roleChoice(others, selected: nil, id: "role-\(account.id)")
                    field("Motif du changement de rôle", name: "reason", id: "motif-role-\(account.id)")
                    h("button", ["type": "submit", "class": "secondary", "aria-label": "Changer le rôle de " + account.name]) {
                        others.count == 1 ? "Passer en " + French.role(others[0]).lowercased() : "Changer le rôle"
                    }
                }
            }
            if account.state != .deactivated {
                h("form", ["method": "post", "action": deactivation.path]) {
                    csrfField(context)
                    field("Motif du départ", name: "reason", id: "motif-depart-\(account.id)", hint: "Par exemple : a quitté la structure.")
                    h("button", ["type": "submit", "class": "secondary", "aria-label": "Désactiver le compte de " + account.name]) { "Désactiver" }
                }
            }
        }
    }
}
