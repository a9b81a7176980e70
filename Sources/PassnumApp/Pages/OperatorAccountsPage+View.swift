import PassnumDomain
import PassnumPersistence

extension OperatorAccountsPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Comptes", context: context) {
                h("h1") { "Comptes" }
                Layout.notice(context)
                h("form", ["method": "get", "action": SiteURL.operatorAccounts.path, "role": "search"]) {
                    field("Adresse e-mail", name: "q", value: model.search, type: "search", hint: "Le début de l’adresse suffit.", required: false)
                    h("button", ["type": "submit"]) { "Chercher" }
                }
                table(caption: model.search.isEmpty ? "Tous les comptes" : "Comptes dont l’adresse commence par « \(model.search) »",
                      headers: ["Nom", "Adresse e-mail", "Structure", "Rôle", "État", "Actions"],
                      rows: model.accounts.map { account in
                          [.text(account.name), .text(account.email), .text(account.organisationName ?? "Opérateur"), .text(French.role(account.role)),
                           .text(TeamPage.state(account)), actions(account)]
                      }, empty: "aucun compte.")
                pager(model.position, path: SiteURL.operatorAccounts.path, parameters: model.search.isEmpty ? [] : [("q", model.search)])
            }
        }

        func actions(_ account: AccountRow) -> Node {
            guard account.state == .deactivated else {
                return TeamPage.actions(account, roles: Role.roles(of: account.organisation.kind), context: context, resend: nil,
                                        role: .operatorAccountRole(account.id), deactivation: .operatorAccountDeactivation(account.id))
            }
            return h("form", ["method": "post", "action": SiteURL.operatorAccountReactivation(account.id).path]) {
                csrfField(context)
                field("Motif", name: "reason", id: "motif-reactivation-\(account.id)")
                h("button", ["type": "submit", "class": "secondary", "aria-label": "Réactiver le compte de " + account.name]) { "Réactiver" }
            }
        }
    }
}
