import PassnumDomain
import PassnumPersistence

extension OperatorOrdersPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Commandes", context: context) {
                h("h1") { "Commandes des financeurs" }
                Layout.notice(context)
                h("p") { "Vous faites le devis, la facture, notez les paiements reçus sur le relevé de la banque, puis émettez les carnets. Le financeur signe le devis." }
                table(caption: "Commandes, les plus récentes d’abord", headers: ["N°", "Financeur", "Programme", "Carnets", "À payer", "Reçu", "État"],
                      rows: model.orders.map { order in
                          [h("a", ["href": SiteURL.operatorOrder(order.summary.id).path]) { "Commande n° \(order.summary.id)" },
                           .text(order.funder), .text(order.programme), .text(String(order.summary.booklets)),
                           .text(money(order.summary.amounts.total)), .text(money(order.received)), .text(French.orderState(order.summary.state))]
                      })
                pager(model.position, path: SiteURL.operatorOrders.path)
            }
        }
    }
}
