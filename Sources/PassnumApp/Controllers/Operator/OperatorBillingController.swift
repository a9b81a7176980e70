import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Fees (management fee and place subscription) and the list of invoices and credit notes.
enum OperatorBillingController {
    @Sendable static func fees(_ request: Request) async throws -> Response {
        return try await feesPage(request)
    }

    struct FeesForm: Content {
        var kind: String?
        var value: String?
        var subscription: String?
        var reason: String?
    }

    static func feesPage(_ request: Request, errors: FormErrors = FormErrors(), typed: FeesForm? = nil) async throws -> Response {
        let model = try await OperatorFeesPage.Model.query(store: request.store)
        return Layout.response(OperatorFeesPage.View(model: model, context: PageContext(request), typed: typed, errors: errors).document, errors: errors)
    }

    @Sendable static func setFees(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
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
        case "none":
            break
        default:
            // Not one of the list's three choices: a crafted or stale form, never a reason to drop the fee.
            throw Abort(.badRequest)
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
        try await DocumentController.billingDocuments(request, funder: nil)
    }
}
