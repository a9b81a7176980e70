import PassnumDomain
import PassnumPersistence

extension OperatorFeesPage {
    struct View {
        let model: Model
        let context: PageContext
        /// The form as typed, and what is wrong with it, when it is shown again.
        var typed: OperatorBillingController.FeesForm? = nil
        var errors = FormErrors()

        var document: Node {
            let (kind, value): (String, String) = switch model.schedule.managementFee {
            case .none: ("none", "")
            case .rate(let basisPoints): ("rate", DecimalText.text(basisPoints, decimals: 2))
            case .fixed(let amount): ("fixed", amount.plainDecimal)
            }
            return Layout.page(title: "Frais", context: context) {
                h("h1") { "Frais de gestion et abonnement" }
                Layout.notice(context)
                h("p") { "Les frais s’appliquent aux commandes créées à partir de maintenant. La TVA de 20 % s’ajoute aux frais, pas à la valeur des chèques." }
                postForm(.operatorFees, context, errors: errors) {
                    select("Frais de gestion sur les commandes", name: "kind",
                           options: [("none", "Aucun"), ("rate", "Un pourcentage de la valeur des chèques"), ("fixed", "Un montant fixe par commande")],
                           selected: typed?.kind ?? kind)
                    field("Pourcentage ou montant", name: "value", value: typed?.value ?? value, errors: errors,
                          hint: "Par exemple 2,5 pour 2,5 %, ou 50 pour 50 € par commande.", required: false)
                    field("Abonnement annuel des lieux (€, hors taxes)", name: "subscription",
                          value: typed?.subscription ?? model.schedule.placeSubscription.plainDecimal, errors: errors, hint: "0 pour aucun abonnement.")
                    field("Motif du changement", name: "reason", value: typed?.reason, required: false)
                    h("button", ["type": "submit"]) { "Enregistrer les frais" }
                }
            }
        }
    }
}
