import PassnumDomain

/// The public home page: what the Pass numérique is, and how it works for each of the three people it brings
/// together, in three steps each. The platform's figures are on the statistics page.
enum PublicHomePage {
    struct View {
        let context: PageContext

        struct Journey {
            var title: String
            var steps: [String]
            var link: (text: String, href: String)
        }

        static let journeys = [
            Journey(title: "Vous avez besoin d’aide avec le numérique", steps: [
                "Un travailleur social, un conseiller ou un agent d’accueil vous pose quelques questions sur vos usages.",
                "Il vous remet des chèques à votre nom : chaque chèque vaut une somme d’argent.",
                "Vous allez dans un lieu partenaire près de chez vous. Vous donnez vos chèques : l’atelier ou l’aide est payé.",
            ], link: ("Trouver un lieu près de chez moi", SiteURL.places.path)),
            Journey(title: "Vous accompagnez des personnes (prescripteur)", steps: [
                "Votre structure reçoit des carnets de chèques du financeur.",
                "Avec la personne, vous faites le diagnostic : il dit combien de chèques lui remettre.",
                "Vous lui remettez le carnet et une feuille qui dit où aller.",
            ], link: ("Espace des professionnels", SiteURL.login.path)),
            Journey(title: "Vous êtes un lieu de médiation numérique", steps: [
                "Vous demandez à être habilité et à accepter les chèques des financeurs.",
                "Vous enregistrez chaque chèque reçu sur la plateforme, le jour de l’atelier.",
                "Chaque mois, vous recevez par virement le montant des chèques enregistrés.",
            ], link: ("Inscrire mon lieu", SiteURL.signUp.path)),
        ]

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
                h("h2") { "Comment ça marche" }
                for journey in Self.journeys {
                    h("section", ["class": "journey"]) {
                        h("h3") { journey.title }
                        h("ol") { for step in journey.steps { h("li") { step } } }
                        h("p") { h("a", ["href": journey.link.href]) { journey.link.text } }
                    }
                }
                h("p") { h("a", ["href": SiteURL.statistics.path]) { "Les chiffres du Pass numérique" } }
            }
        }
    }
}
