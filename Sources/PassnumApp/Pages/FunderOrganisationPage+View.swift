import PassnumDomain
import PassnumPersistence

extension FunderOrganisationPage {
    struct View {
        let model: Model
        let context: PageContext
        /// The form as typed, and what is wrong with it, when it is shown again.
        var typed: FunderOrganisationController.Form? = nil
        var errors = FormErrors()

        var document: Node {
            let identifiers = model.identifiers
            return Layout.page(title: "Mon organisation", context: context) {
                h("h1") { "Mon organisation" }
                Layout.notice(context)
                h("p") {
                    "Nos factures vous arrivent par Chorus Pro. Pour qu’elles arrivent au bon service, indiquez ces informations. "
                        + "Elles figurent sur les factures électroniques, même celles déjà émises."
                }
                postForm(.funderOrganisation, context, errors: errors) {
                    field("SIRET de votre organisation", name: "siret", value: typed?.siret ?? identifiers.siret, errors: errors,
                          hint: "14 chiffres, sans espace. Chorus Pro vous trouve grâce à lui.", required: false,
                          attributes: ["inputmode": "numeric", "autocomplete": "off"])
                    field("Code service (Chorus Pro)", name: "serviceCode", value: typed?.serviceCode ?? identifiers.serviceCode, errors: errors,
                          hint: "Le service qui reçoit les factures, si votre organisation en demande un. Laissez vide sinon.", required: false)
                    field("Numéro d’engagement (bon de commande)", name: "engagementNumber",
                          value: typed?.engagementNumber ?? identifiers.engagementNumber, errors: errors,
                          hint: "Utilisé pour toutes vos commandes. Une commande peut avoir son propre numéro.", required: false)
                    h("button", ["type": "submit"]) { "Enregistrer" }
                }
            }
        }
    }
}
