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
                        field("Numéro d’engagement (bon de commande)", name: "engagementNumber", value: form.engagementNumber, errors: errors,
                              hint: "Facultatif. Il figure sur la facture. Sans lui, la facture porte celui de votre organisation.", required: false)
                        h("p") { h("a", ["href": SiteURL.funderOrganisation.path]) { "Vos informations pour Chorus Pro (SIRET, code service)" } }
                        h("button", ["type": "submit"]) { "Créer la commande" }
                    }
                }
            }
        }

        /// The order's engagement number, editable until the invoice (which carries it) is issued.
        func engagementForm(_ order: OrderSummary) -> Node {
            guard order.state.isBeforeInvoice else {
                return group { if let number = order.engagementNumber { h("p") { "Engagement n° " + number } } }
            }
            let id = "engagement-\(order.id)"
            return h("form", ["method": "post", "action": SiteURL.funderOrderEngagement(order.id).path, "class": "inline"]) {
                csrfField(context)
                field("Numéro d’engagement", name: "engagementNumber", id: id, value: order.engagementNumber, required: false)
                h("button", ["type": "submit", "class": "secondary"]) { "Enregistrer le numéro" }
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
            guard !moves.isEmpty else {
                return group {
                    h("p") { waiting ?? "—" }
                    engagementForm(order)
                }
            }
            return group {
                if let waiting { h("p") { waiting } }
                engagementForm(order)
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
