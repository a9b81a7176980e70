import PassnumDomain

extension PublicHomePage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Accueil", context: context) {
                h("h1") { "Pass numérique" }
                h("p") { "Des chèques pour se faire accompagner dans l’usage du numérique, dans des lieux près de chez soi." }
                h("ul", ["class": "cards"]) {
                    h("li") { h("a", ["href": SiteURL.checkStatus.path]) { "Vérifier un chèque" } }
                    h("li") { h("a", ["href": SiteURL.places.path]) { "Trouver un lieu qui accepte les chèques" } }
                    h("li") { h("a", ["href": context.viewer == nil ? SiteURL.login.path : SiteURL.space.path]) {
                        context.viewer == nil ? "Espace des professionnels" : "Mon espace"
                    } }
                }
                h("h2") { "Aujourd’hui sur la plateforme" }
                h("ul", ["class": "cards"]) {
                    h("li") { h("strong") { "\(model.places)" }; "lieux" }
                    h("li") { h("strong") { "\(model.beneficiaries)" }; "personnes accompagnées" }
                    h("li") { h("strong") { "\(model.checksUsed)" }; "chèques utilisés" }
                    h("li") { h("strong") { money(model.paidOut) }; "remboursés aux lieux" }
                }
            }
        }
    }
}
