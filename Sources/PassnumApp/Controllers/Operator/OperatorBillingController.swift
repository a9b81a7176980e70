import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Fees (management fee and place subscription) and the list of invoices and credit notes.
enum OperatorBillingController {
    @Sendable static func fees(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        return try await feesPage(request, errors: FormErrors(), typed: nil)
    }

    struct FeesForm: Content {
        var kind: String?
        var value: String?
        var subscription: String?
        var reason: String?
    }

    static func feesPage(_ request: Request, errors: FormErrors, typed: FeesForm?) async throws -> Response {
        let schedule = try await request.store.feeSchedule()
        let (kind, value): (String, String) = switch schedule.managementFee {
        case .none: ("none", "")
        case .rate(let basisPoints): ("rate", DecimalText.text(basisPoints, decimals: 2))
        case .fixed(let amount): ("fixed", amount.plainDecimal)
        }
        return Layout.response(Layout.page(title: "Frais", request: request) {
            h("h1") { "Frais de gestion et abonnement" }
            Layout.notice(request)
            h("p") { "Les frais s’appliquent aux commandes créées à partir de maintenant. La TVA de 20 % s’ajoute aux frais, pas à la valeur des chèques." }
            h("form", ["method": "post", "action": SiteURL.operatorFees.path, "novalidate": ""]) {
                errors.summary
                csrfField(request)
                select("Frais de gestion sur les commandes", name: "kind",
                       options: [("none", "Aucun"), ("rate", "Un pourcentage de la valeur des chèques"), ("fixed", "Un montant fixe par commande")],
                       selected: typed?.kind ?? kind)
                field("Pourcentage ou montant", name: "value", value: typed?.value ?? value, errors: errors,
                      hint: "Par exemple 2,5 pour 2,5 %, ou 50 pour 50 € par commande.", required: false)
                field("Abonnement annuel des lieux (€, hors taxes)", name: "subscription",
                      value: typed?.subscription ?? schedule.placeSubscription.plainDecimal, errors: errors, hint: "0 pour aucun abonnement.")
                field("Motif du changement", name: "reason", value: typed?.reason, required: false)
                h("button", ["type": "submit"]) { "Enregistrer les frais" }
            }
        }, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable static func setFees(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        let form = try request.content.decode(FeesForm.self)
        var errors = FormErrors()
        var fee = ManagementFee.none
        switch form.kind {
        case "rate":
            // The range is the domain's rule (FeeSchedule.validate); here only what is not a number.
            if let basisPoints = DecimalText.scaled(form.value ?? "", decimals: 2) { fee = .rate(basisPoints: basisPoints) }
            else { errors.add("value", "Indiquez un pourcentage entre 0 et 100, par exemple 2,5.") }
        case "fixed":
            if let amount = Money(euros: form.value ?? "") { fee = .fixed(amount) }
            else { errors.add("value", "Indiquez un montant en euros, par exemple 50.") }
        default:
            break
        }
        let subscription = Money(euros: form.subscription ?? "")
        if subscription == nil { errors.add("subscription", "Indiquez un montant en euros, par exemple 0 ou 120.") }
        if errors.isEmpty, let subscription {
            do {
                try await request.store.setFeeSchedule(FeeSchedule(managementFee: fee, placeSubscription: subscription), actor: Actor(user),
                                                       reason: form.reason.flatMap { $0.isEmpty ? nil : $0 })
                return request.redirect(to: .operatorFees, notice: "Frais enregistrés.")
            } catch let error as DomainError {
                errors.add(error, fields: ["fee": "value"])
            }
        }
        return try await feesPage(request, errors: errors, typed: form)
    }

    @Sendable static func billing(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        let invoices = try await request.store.invoices()
        let notes = try await request.store.creditNotes()
        return Layout.response(Layout.page(title: "Factures et avoirs", request: request) {
            h("h1") { "Factures et avoirs" }
            h("p") { h("a", ["href": SiteURL.operatorFees.path]) { "Frais de gestion et abonnement des lieux" } }
            table(caption: "Factures", headers: DocumentController.invoiceHeaders, rows: DocumentController.invoiceRows(invoices),
                  empty: "aucune facture pour le moment.")
            table(caption: "Avoirs", headers: DocumentController.creditNoteHeaders, rows: DocumentController.creditNoteRows(notes),
                  empty: "aucun avoir pour le moment.")
        })
    }
}
