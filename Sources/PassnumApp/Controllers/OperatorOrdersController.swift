import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The operator's side of orders (segregation of duties): quote, invoice, record the payments seen on the
/// bank statement, fulfil. The funder orders and signs the quote in its own space.
enum OperatorOrdersController {
    @Sendable static func list(_ request: Request) async throws -> Response {
        let model = try await OperatorOrdersPage.Model.query(store: request.store, page: ListingPageQuery(request, .orders))
        return Layout.response(OperatorOrdersPage.View(model: model, context: PageContext(request)).document)
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        try await page(request, order: try request.id(OrderID.self), form: PaymentForm(), errors: FormErrors())
    }

    static func page(_ request: Request, order id: OrderID, form: PaymentForm, errors: FormErrors,
                     status: HTTPResponseStatus = .ok) async throws -> Response {
        let model = try await OperatorOrderPage.Model.query(store: request.store, order: id)
        return Layout.response(OperatorOrderPage.View(model: model, context: PageContext(request), form: form, errors: errors).document, status: status)
    }

    struct StepForm: Content { var etape: String? }

    @Sendable static func move(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let id = try request.id(OrderID.self)
        guard let target = try request.content.decode(StepForm.self).etape.flatMap(OrderState.init(rawValue:)) else { throw Abort(.badRequest) }
        if FunderOrdersController.stepsToConfirm.contains(target), !request.confirmed {
            return request.confirmation(at: SiteURL.operatorOrderStep(id).path, [("etape", target.rawValue)])
        }
        return try await request.redirect(to: .operatorOrder(id), refused: "Non fait", notFoundIsPage: true) {
            try await request.store.moveOrder(id, to: target, actor: Actor(user))
            return "Commande n° \(id) : " + French.orderState(target) + "."
        }
    }

    @Sendable static func confirmMove(_ request: Request) async throws -> Response {
        let id = try request.id(OrderID.self)
        return try await FunderOrdersController.confirmStep(request, order: id, action: .operatorOrderStep(id), back: .operatorOrder(id))
    }

    struct PaymentForm: Content {
        var amount: String?
        var valueDate: String?
        var bankReference: String?
    }

    @Sendable static func recordPayment(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let id = try request.id(OrderID.self)
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
                // A payment posts to the journal and no screen takes it back: it is confirmed on its own page first.
                guard request.confirmed else {
                    return request.confirmation(at: SiteURL.operatorOrderPayment(id).path,
                                                [("amount", form.amount), ("valueDate", form.valueDate), ("bankReference", form.bankReference)])
                }
                let order = try await request.store.recordPayment(id, payment, actor: Actor(user))
                let notice = order.state == .paid ? "Paiement noté : la commande est payée." : "Paiement noté : la commande attend le reste."
                return request.redirect(to: SiteURL.operatorOrder(id).path, notice: notice)
            } catch DomainError.notFound {
                throw Abort(.notFound)
            } catch let error as DomainError {
                errors.add(error)
            }
        }
        return try await page(request, order: id, form: form, errors: errors, status: .unprocessableEntity)
    }

    /// The payment about to be noted, with the order's total, what was received and what will remain due, to confirm first.
    /// The same checks as the POST (`OrderPayment`): a page is never offered for a payment that would be refused.
    @Sendable static func confirmPayment(_ request: Request) async throws -> Response {
        let id = try request.id(OrderID.self)
        let form = PaymentForm(amount: request.query[String.self, at: "amount"], valueDate: request.query[String.self, at: "valueDate"],
                               bankReference: request.query[String.self, at: "bankReference"])
        guard let amount = Money(euros: form.amount ?? ""), let valueDate = CivilDate(form.valueDate ?? ""),
              let payment = try? OrderPayment(amount: amount, valueDate: valueDate, bankReference: form.bankReference ?? "",
                                              today: CivilDate(request.store.clock.now))
        else { throw Abort(.badRequest) }
        let order = try await request.store.orderListing(id)
        let total = order.summary.amounts.total, received = order.received
        let view = ConfirmationPage.View(
            context: PageContext(request), title: "Noter un paiement de \(money(amount)) pour la commande n° \(id) ?",
            facts: [("Commande", "n° \(id) (\(order.funder))"), ("Montant reçu", money(payment.amount)), ("Date de valeur", French.date(payment.valueDate)),
                    ("Référence de la banque", payment.bankReference), ("Total à payer", money(total)),
                    ("Déjà reçu", money(received)), ("Reste à recevoir après ce paiement", money(max(total - received - payment.amount, .zero)))],
            warning: "Le paiement est inscrit au journal des comptes : il ne pourra pas être retiré.",
            action: SiteURL.operatorOrderPayment(id).path,
            fields: [("amount", form.amount ?? ""), ("valueDate", form.valueDate ?? ""), ("bankReference", form.bankReference ?? "")],
            confirmLabel: "Confirmer le paiement", back: SiteURL.operatorOrder(id).path)
        return Layout.response(view.document)
    }
}
