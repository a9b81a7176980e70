import PassnumDomain
import PassnumPersistence

/// The accessibility statement RGAA asks of a public-service site: conformance status, what was tested and how, how to
/// report a problem, and the recourse to the Défenseur des droits. Honest about its basis: automatic checks only.
enum AccessibilityPage {
    /// The day this statement was written, with the checks it describes.
    static let statementDate = "29 novembre 2026"

    /// The pages the browser tests (Tests/browser) open, screenshot and check with axe-core at 1280 px wide, and check
    /// for overflow at 320 px (helpers.check_page). Keep in step with those tests.
    static let testedPages: [(label: String, path: String)] = [
        ("Accueil", "/"), ("Vérifier un chèque", "/verifier"), ("Où utiliser mes chèques (recherche et fiche d’un lieu)", "/lieux"),
        ("Connexion et mot de passe oublié", "/connexion"), ("Inscription et candidature d’un lieu", "/inscription"),
        ("Espace financeur : tableau de bord, programmes, commandes, stock, lieux, factures, clés API", "/financeur"),
        ("Espace structure : personnes, remise de chèques, historique, chèques perdus", "/prescripteur"),
        ("Espace lieu : valider des chèques, historique, remboursements, relevé, catalogue, financeurs, banque", "/lieu"),
        ("Espace opérateur : accueil, demandes, commandes, remboursements, factures, frais, journal", "/operateur"),
        ("Déclaration d’accessibilité, mentions légales, conditions d’utilisation", "/accessibilite"),
    ]

    struct View {
        let context: PageContext
        let settings: LegalSettings

        var document: Node {
            Layout.page(title: "Accessibilité", context: context) {
                h("h1") { "Déclaration d’accessibilité" }
                h("p") {
                    LegalText.value(settings.publisherName, OperatorAccount.nameVariable)
                    " veut rendre le site Pass numérique accessible à tous, selon l’article 47 de la loi du 11 février 2005."
                }
                h("p") { "Cette déclaration s’applique à tout le site Pass numérique." }

                h("h2") { "État de conformité" }
                h("p") { h("strong") { "Le site est partiellement conforme" }; " au référentiel général d’amélioration de l’accessibilité (RGAA), version 4.1." }
                h("p") {
                    "Pourquoi « partiellement » : le site est vérifié par des tests automatiques (axe-core). Ces tests contrôlent une partie "
                        + "seulement des critères du RGAA. Un audit complet, fait par des personnes, n’a pas encore eu lieu."
                }

                h("h2") { "Résultats des tests" }
                h("p") {
                    "À chaque version, les pages ci-dessous sont ouvertes dans un navigateur sur un écran de 1280 pixels de large, "
                        + "photographiées et vérifiées avec axe-core : aucune n’a d’erreur grave ou critique. Elles sont aussi vérifiées "
                        + "sur un écran de 320 pixels de large, comme un petit téléphone : aucune ne dépasse de l’écran."
                }
                h("ul") { for page in AccessibilityPage.testedPages { h("li") { page.label + " (" + page.path + ")" } } }
                h("p") { "Technologies utilisées : HTML, CSS et un peu de JavaScript (lecture des QR codes au guichet des lieux)." }
                h("p") { "Outils de test : le navigateur Chromium et axe-core. Le site n’a pas encore été testé avec un lecteur d’écran." }

                h("h2") { "Établissement de cette déclaration" }
                h("p") { "Cette déclaration a été établie le \(AccessibilityPage.statementDate)." }

                h("h2") { "Signaler un problème" }
                h("p") { "Si vous n’arrivez pas à utiliser une page ou un service, écrivez-nous. Nous vous aiderons à obtenir l’information autrement." }
                h("p") { "Adresse e-mail : "; LegalText.email(settings.contactEmail, LegalSettings.variables.email) }
                h("p") { "Adresse postale : "; LegalText.value(settings.publisherAddress, LegalSettings.variables.address) }

                h("h2") { "Si vous n’avez pas de réponse" }
                h("p") { "Si vous nous avez signalé un problème et que vous n’avez pas de réponse qui vous convient, vous pouvez vous adresser au Défenseur des droits :" }
                h("ul") {
                    h("li") { "écrire en ligne sur le site du Défenseur des droits : " ; h("a", ["href": "https://formulaire.defenseurdesdroits.fr/"]) { "formulaire.defenseurdesdroits.fr" } }
                    h("li") { "rencontrer un délégué du Défenseur des droits près de chez vous : " ; h("a", ["href": "https://www.defenseurdesdroits.fr/carte-des-delegues"]) { "carte des délégués" } }
                    h("li") { "appeler le 09 69 39 00 00 ;" }
                    h("li") { "écrire gratuitement, sans timbre : Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07." }
                }
            }
        }
    }
}

/// What the legal pages print for a setting: its value, or a placeholder that says which setting the operator must fill.
enum LegalText {
    static func value(_ text: String?, _ variable: String) -> Node {
        if let text { return .text(text) }
        // The setting's name may break after each "_": on a 320 px screen it is wider than the page.
        let parts = variable.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        return h("strong") {
            "[à compléter par l’opérateur : réglage "
            for (index, part) in parts.enumerated() {
                index == parts.count - 1 ? Node.text(part) : group { Node.text(part + "_"); Node.trusted("<wbr>") }
            }
            "]"
        }
    }

    static func email(_ address: String?, _ variable: String) -> Node {
        guard let address else { return value(nil, variable) }
        return h("a", ["href": "mailto:" + address]) { address }
    }
}
