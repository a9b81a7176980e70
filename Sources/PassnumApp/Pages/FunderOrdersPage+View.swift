import PassnumDomain
import PassnumPersistence

extension FunderOrdersPage {
    struct View {
        let model: Model
        let context: PageContext
        /// The new order's form as typed, and what is wrong with it, when it is shown again.
        var form = FunderOrdersController.OrderForm()
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Commandes", context: context) {
                h("h1") { "Commandes de carnets" }
                Layout.notice(context)
                table(caption: "Mes commandes", headers: ["N°", "Programme", "Carnets", "Montant", "État", "Étape suivante"], rows: model.orders.map { order in
                    [.text(String(order.summary.id.rawValue)), .text(order.programmeName), .text(String(order.summary.booklets)),
                     .text(money(order.summary.amounts.total)), .text(French.orderState(order.summary.state)), stepForm(order.summary)]
                })
                pager(model.position, path: SiteURL.funderOrders.path)
                h("h2") { "Nouvelle commande" }
                if model.openProgrammes.isEmpty {
                    h("p") { "Créez d’abord un programme." }
                } else {
                    h("form", ["method": "post", "action": SiteURL.funderOrders.path, "novalidate": ""]) {
                        errors.summary
                        csrfField(context)
                        select("Programme", name: "programme", options: model.openProgrammes.map { (String($0.id.rawValue), $0.terms.name) },
                               selected: form.programme, errors: errors)
                        field("Nombre de carnets", name: "booklets", value: form.booklets, errors: errors, attributes: ["inputmode": "numeric"])
                        h("button", ["type": "submit"]) { "Créer la commande" }
                    }
                }
            }
        }

        func stepForm(_ order: OrderSummary) -> Node {
            if order.state == .fulfilled {
                return h("ul", ["class": "links"]) {
                    h("li") { h("a", ["href": SiteURL.funderBookletsPDF(order.id).path]) { "Carnets à imprimer (PDF)" } }
                    h("li") { h("a", ["href": SiteURL.funderBookletsCSV(order.id).path]) { "Fichier pour un imprimeur (CSV)" } }
                }
            }
            // The funder accepts the quote and may cancel before the invoice; every other step is the operator's.
            let moves = [OrderState.signed, .cancelled].filter { order.state.movers(to: $0).contains(.funder) }
            let waiting: String? = switch order.state {
            case .draft: "En attente du devis de l’opérateur."
            case .signed: "En attente de la facture de l’opérateur."
            case .invoiced: "Facture à payer : la commande est payée quand l’opérateur a reçu tout le virement."
            case .paid: "En attente des carnets, émis par l’opérateur."
            case .quoted, .fulfilled, .cancelled: nil
            }
            guard !moves.isEmpty else { return .text(waiting ?? "—") }
            return group {
                if let waiting { h("p") { waiting } }
                h("form", ["method": "post", "action": SiteURL.funderOrderStep(order.id).path, "class": "inline"]) {
                    csrfField(context)
                    for move in moves {
                        h("button", ["type": "submit", "name": "etape", "value": move.rawValue, "class": move == .cancelled ? "secondary" : nil]) {
                            move == .signed ? "Accepter le devis" : "Annuler la commande"
                        }
                    }
                }
            }
        }
    }
}
