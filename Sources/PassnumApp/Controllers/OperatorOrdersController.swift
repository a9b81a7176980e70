import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The operator's side of orders (segregation of duties): quote, invoice, record the payments seen on the
/// bank statement, fulfil. The funder orders and signs the quote in its own space.
enum OperatorOrdersController {
    @Sendable static func list(_ request: Request) async throws -> Response {
        let orders = try await request.store.latestOrders()
        return Layout.response(Layout.page(title: "Commandes", request: request) {
            h("h1") { "Commandes des financeurs" }
            Layout.notice(request)
            h("p") { "Vous faites le devis, la facture, notez les paiements reçus sur le relevé de la banque, puis émettez les carnets. Le financeur signe le devis." }
            table(caption: "Commandes, les plus récentes d’abord", headers: ["N°", "Financeur", "Programme", "Carnets", "À payer", "Reçu", "État"],
                  rows: orders.map { order in
                      [h("a", ["href": SiteURL.operatorOrder(order.summary.id.rawValue).path]) { "Commande n° \(order.summary.id)" },
                       .text(order.funder), .text(order.programme), .text(String(order.summary.booklets)),
                       .text(money(order.summary.amounts.total)), .text(money(order.received)), .text(French.orderState(order.summary.state))]
                  })
        })
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        try await page(request, order: OrderID(try request.id()), form: PaymentForm(), errors: FormErrors())
    }

    static func page(_ request: Request, order id: OrderID, form: PaymentForm, errors: FormErrors,
                     status: HTTPResponseStatus = .ok) async throws -> Response {
        let order = try await request.store.orderListing(id)
        let payments = try await request.store.payments(of: id)
        let summary = order.summary
        let moves = [OrderState.quoted, .invoiced, .fulfilled, .cancelled].filter { summary.state.movers(to: $0).contains(.operator) }
        return Layout.response(Layout.page(title: "Commande n° \(id)", request: request) {
            h("h1") { "Commande n° \(id)" }
            Layout.notice(request)
            h("dl") {
                h("dt") { "Financeur" }; h("dd") { order.funder }
                h("dt") { "Programme" }; h("dd") { order.programme }
                h("dt") { "Carnets" }; h("dd") { String(summary.booklets) }
                h("dt") { "Valeur des chèques" }; h("dd") { money(summary.faceTotal) }
                h("dt") { "Frais de gestion et TVA" }; h("dd") { money(summary.fee) + " + " + money(summary.vat) }
                h("dt") { "Total à payer" }; h("dd") { money(summary.amounts.total) }
                h("dt") { "Reçu" }; h("dd") { money(order.received) }
                h("dt") { "État" }; h("dd") { French.orderState(summary.state) }
            }
            if !moves.isEmpty {
                h("form", ["method": "post", "action": SiteURL.operatorOrderStep(id.rawValue).path, "class": "inline"]) {
                    csrfField(request)
                    for move in moves {
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
                  rows: payments.map { payment in
                      [.text(money(payment.amount)), .text(French.date(payment.valueDate)), .text(payment.bankReference),
                       .text(payment.recordedBy), .text(French.dateTime(payment.recordedAt))]
                  }, empty: "aucun.")
            if summary.state.awaitsPayment {
                h("h2") { "Noter un paiement reçu" }
                h("p") { "Reste à recevoir : " + money(summary.amounts.total - order.received) + ". La commande est payée quand le total est atteint." }
                h("form", ["method": "post", "action": SiteURL.operatorOrderPayment(id.rawValue).path, "novalidate": ""]) {
                    errors.summary
                    csrfField(request)
                    field("Montant reçu (en euros)", name: "amount", value: form.amount, errors: errors, hint: "Par exemple : 1 250,50",
                          attributes: ["inputmode": "decimal"])
                    field("Date de valeur", name: "valueDate", value: form.valueDate ?? CivilDate(request.store.clock.now).description,
                          type: "date", errors: errors, hint: "Le jour où l’argent est arrivé sur le compte. Format AAAA-MM-JJ.")
                    field("Référence du virement", name: "bankReference", value: form.bankReference, errors: errors,
                          hint: "Telle qu’elle apparaît sur le relevé de la banque.")
                    h("button", ["type": "submit"]) { "Noter le paiement" }
                }
            }
            h("p") { h("a", ["href": SiteURL.operatorOrders.path]) { "Toutes les commandes" } }
        }, status: status)
    }

    struct StepForm: Content { var etape: String? }

    @Sendable static func move(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        let id = OrderID(try request.id())
        guard let target = try request.content.decode(StepForm.self).etape.flatMap(OrderState.init(rawValue:)) else { throw Abort(.badRequest) }
        do {
            try await request.store.moveOrder(id, to: target, actor: Actor(user))
        } catch DomainError.notFound {
            throw Abort(.notFound)
        } catch let error as DomainError {
            return request.redirect(to: SiteURL.operatorOrder(id.rawValue).path, notice: "Non fait : " + French.message(for: error))
        }
        return request.redirect(to: SiteURL.operatorOrder(id.rawValue).path, notice: "Commande n° \(id) : " + French.orderState(target) + ".")
    }

    struct PaymentForm: Content {
        var amount: String?
        var valueDate: String?
        var bankReference: String?
    }

    @Sendable static func recordPayment(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        let id = OrderID(try request.id())
        let form = try request.content.decode(PaymentForm.self)
        var errors = FormErrors()
        let amount = Money(euros: form.amount ?? "")
        let valueDate = CivilDate(form.valueDate ?? "")
        if amount == nil { errors.add("amount", "Indiquez le montant reçu, par exemple 1 250,50.") }
        if valueDate == nil { errors.add("valueDate", "Indiquez la date de valeur, par exemple 2026-03-31.") }
        if let amount, let valueDate {
            do {
                let payment = try OrderPayment(amount: amount, valueDate: valueDate, bankReference: form.bankReference ?? "",
                                               today: CivilDate(request.store.clock.now))
                let order = try await request.store.recordPayment(id, payment, actor: Actor(user))
                let notice = order.state == .paid ? "Paiement noté : la commande est payée." : "Paiement noté : la commande attend le reste."
                return request.redirect(to: SiteURL.operatorOrder(id.rawValue).path, notice: notice)
            } catch DomainError.notFound {
                throw Abort(.notFound)
            } catch let error as DomainError {
                errors.add(error)
            }
        }
        return try await page(request, order: id, form: form, errors: errors, status: .unprocessableEntity)
    }
}
