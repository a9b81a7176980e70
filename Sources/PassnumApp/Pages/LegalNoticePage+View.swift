import PassnumDomain
import PassnumPersistence

/// The legal notice (LCEN article 6 III): who publishes the site, who answers for it, who hosts it.
enum LegalNoticePage {
    struct View {
        let context: PageContext
        let settings: LegalSettings

        var document: Node {
            let names = LegalSettings.variables
            return Layout.page(title: "Mentions légales", context: context) {
                h("h1") { "Mentions légales" }
                h("h2") { "Éditeur du site" }
                h("p") { "Nom : "; LegalText.value(settings.publisherName, OperatorAccount.nameVariable) }
                h("p") { "Adresse : "; LegalText.value(settings.publisherAddress, names.address) }
                if let siret = settings.publisherSiret { h("p") { "SIRET : " + siret } }
                h("p") { "Contact : "; LegalText.email(settings.contactEmail, names.email) }

                h("h2") { "Directeur ou directrice de la publication" }
                h("p") { LegalText.value(settings.publicationDirector, names.director) }

                h("h2") { "Hébergement" }
                h("p") { "Hébergeur : "; LegalText.value(settings.hostName, names.hostName) }
                h("p") { "Adresse ou téléphone : "; LegalText.value(settings.hostAddress, names.hostAddress) }

                h("h2") { "Vos données" }
                h("p") { "Ce que le site garde sur vous, et vos droits : "; h("a", ["href": SiteURL.personalData.path]) { "Données personnelles" }; "." }
                h("p") { "Le site n’utilise pas de cookie de publicité ni de mesure d’audience. Il utilise seulement les cookies nécessaires pour rester connecté et protéger les formulaires." }

                h("h2") { "Accessibilité" }
                h("p") { "Le site est partiellement conforme au RGAA : "; h("a", ["href": SiteURL.accessibility.path]) { "déclaration d’accessibilité" }; "." }
            }
        }
    }
}
