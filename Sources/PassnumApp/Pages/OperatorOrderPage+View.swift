import PassnumDomain
import PassnumPersistence

extension OperatorOrderPage {
    struct View {
        let model: Model
        let context: PageContext
        /// The payment as typed, and what is wrong with it, when the form is shown again.
        var form = OperatorOrdersController.PaymentForm()
        var errors = FormErrors()

        var document: Node {
            let order = model.order
            let summary = order.summary
            let id = summary.id
            return Layout.page(title: "Commande n° \(id)", context: context) {
                h("h1") { "Commande n° \(id)" }
                Layout.notice(context)
                definitions([("Financeur", order.funder), ("Programme", order.programme), ("Carnets", String(summary.booklets)),
                             ("Valeur des chèques", money(summary.faceTotal)), ("Frais de gestion et TVA", money(summary.fee) + " + " + money(summary.vat)),
                             ("Total à payer", money(summary.amounts.total)), ("Reçu", money(order.received)),
                             ("État", French.orderState(summary.state))])
                if !model.moves.isEmpty {
                    h("form", ["method": "post", "action": SiteURL.operatorOrderStep(id).path, "class": "inline"]) {
                        csrfField(context)
                        for move in model.moves {
                            h("button", ["type": "submit", "name": "etape", "value": move.rawValue, "class": move == .cancelled ? "secondary" : nil]) {
                                switch move {
                                case .quoted: "Faire le devis"
                                case .invoiced: "Faire la facture"
                                case .fulfilled: "Émettre les carnets"
                                default: "Annuler la commande"
                                }
                            }
                        }
                    }
                }
                if summary.state == .signed { h("p") { "Le financeur a signé le devis." } }
                if summary.state == .quoted { h("p") { "En attente de la signature du devis par le financeur." } }
                h("h2") { "Paiements reçus" }
                table(caption: "Paiements reçus pour cette commande", headers: ["Montant", "Date de valeur", "Référence de la banque", "Noté par", "Le"],
                      rows: model.payments.map { payment in
                          [.text(money(payment.amount)), .text(French.date(payment.valueDate)), .text(payment.bankReference),
                           .text(French.actor(payment.recordedBy)), .text(French.dateTime(payment.recordedAt))]
                      }, empty: "aucun.")
                if summary.state.awaitsPayment {
                    h("h2") { "Noter un paiement reçu" }
                    h("p") { "Reste à recevoir : " + money(summary.amounts.total - order.received) + ". La commande est payée quand le total est atteint." }
                    postForm(.operatorOrderPayment(id), context, errors: errors) {
                        field("Montant reçu (en euros)", name: "amount", value: form.amount, errors: errors, hint: "Par exemple : 1 250,50",
                              attributes: ["inputmode": "decimal"])
                        field("Date de valeur", name: "valueDate", value: form.valueDate ?? model.today.description,
                              type: "date", errors: errors, hint: "Le jour où l’argent est arrivé sur le compte. Format AAAA-MM-JJ.")
                        field("Référence du virement", name: "bankReference", value: form.bankReference, errors: errors,
                              hint: "Telle qu’elle apparaît sur le relevé de la banque.")
                        h("button", ["type": "submit"]) { "Noter le paiement" }
                    }
                }
                h("p") { h("a", ["href": SiteURL.operatorOrders.path]) { "Toutes les commandes" } }
            }
        }
    }
}
