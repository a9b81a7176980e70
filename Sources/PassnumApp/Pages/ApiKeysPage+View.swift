import PassnumDomain
import PassnumPersistence

extension ApiKeysPage {
    static let scopeLabels: [ApiScope: String] = [
        .validate: "Vérifier et valider des chèques, voir les validations et les remboursements",
        .readStock: "Voir le stock de carnets",
        .handOut: "Remettre des chèques aux personnes",
        .readStatistics: "Voir les statistiques et l’état des chèques",
    ]

    struct View {
        let model: Model
        let context: PageContext
        /// The name typed and what is wrong with the form, when it is shown again.
        var name: String? = nil
        var errors = FormErrors()
        /// The secret of the key just created: shown once, never stored in clear.
        var created: String? = nil

        var document: Node {
            Layout.page(title: "Clés API", context: context) {
                h("h1") { "Clés API" }
                Layout.notice(context)
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
                      rows: model.keys.map { key in
                          [.text(key.name), .text(key.prefix + "…"), .text(key.scopes.map { scopeLabels[$0] ?? $0.rawValue }.joined(separator: " ; ")),
                           .text(French.date(CivilDate(key.createdAt)) + " par " + French.actor(key.createdBy)),
                           .text(key.lastUsedAt.map(French.dateTime) ?? "jamais"),
                           key.revokedAt.map { .text("révoquée le " + French.date(CivilDate($0))) } ?? revokeForm(key)]
                      }, empty: "aucune clé pour le moment.")
                h("h2") { "Nouvelle clé" }
                postForm(.apiKeys, context, errors: errors) {
                    field("Nom de la clé", name: "name", value: name, errors: errors, hint: "Pour la reconnaître. Par exemple : logiciel de rendez-vous.")
                    h("fieldset") {
                        h("legend") { "Droits de la clé" }
                        if let error = errors["scopes"] { h("p", ["class": "error", "id": "scopes"]) { error } }
                        for scope in model.allowedScopes {
                            choice("checkbox", id: "scope-" + scope.rawValue, name: "scopes[]", value: scope.rawValue,
                                   label: scopeLabels[scope] ?? scope.rawValue)
                        }
                    }
                    h("button", ["type": "submit"]) { "Créer la clé" }
                }
            }
        }

        func revokeForm(_ key: ApiKey) -> Node {
            h("form", ["method": "post", "action": SiteURL.apiKeyRevocation(key.id).path, "class": "inline"]) {
                csrfField(context)
                h("button", ["type": "submit", "class": "secondary", "aria-label": "Révoquer la clé " + key.name]) { "Révoquer" }
            }
        }
    }
}
