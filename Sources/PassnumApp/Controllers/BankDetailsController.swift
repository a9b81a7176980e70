import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Bank details under the four-eyes rule: a place's manager proposes its own details, an operator admin proposes a
/// correction; an operator admin other than the proposer verifies or rejects. Only verified details are paid.
enum BankDetailsController {
    struct ProposalForm: Content {
        var holder: String?
        var iban: String?
        var bic: String?
        var reason: String?
    }

    struct DecisionForm: Content {
        var decision: String?
        var reason: String?
    }

    // MARK: The place's own page

    @Sendable static func placePage(_ request: Request) async throws -> Response {
        let (_, place) = try request.organisation(\.place)
        return try await placePage(request, place: place)
    }

    static func placePage(_ request: Request, place: PlaceID, form: ProposalForm = ProposalForm(), errors: FormErrors = FormErrors()) async throws -> Response {
        let model = try await PlaceBankDetailsPage.Model.query(store: request.store, place: place)
        return Layout.response(PlaceBankDetailsPage.View(model: model, context: PageContext(request), form: form, errors: errors).document, errors: errors)
    }

    @Sendable static func placePropose(_ request: Request) async throws -> Response {
        let (user, place) = try request.organisation(\.place)
        let form = try request.content.decode(ProposalForm.self)
        let errors = try await propose(request, form: form, place: place, actor: Actor(user))
        guard errors.isEmpty else { return try await placePage(request, place: place, form: form, errors: errors) }
        return request.redirect(to: .placeBank, notice: "Demande enregistrée. L’opérateur va vérifier ces coordonnées.")
    }

    // MARK: The operator

    /// Every change waiting for a decision, so that a second operator admin finds what a first one proposed.
    @Sendable static func pending(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let model = try await PendingBankDetailsPage.Model.query(store: request.store)
        return Layout.response(PendingBankDetailsPage.View(model: model, context: PageContext(request), viewerEmail: user.email).document)
    }

    /// An operator admin proposes new details for a place (from its page).
    @Sendable static func operatorPropose(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let place = try request.id(PlaceID.self)
        let form = try request.content.decode(ProposalForm.self)
        let errors = try await propose(request, form: form, place: place, actor: Actor(user))
        guard errors.isEmpty else {
            return request.redirect(to: .operatorPlace(place), error: "Non enregistré : " + errors.messages.map(\.message).joined(separator: " "))
        }
        return request.redirect(to: .operatorPlace(place), notice: "Coordonnées enregistrées. Un autre administrateur doit les vérifier.")
    }

    /// The details a refusal sets aside, to confirm first: a refused change cannot be taken up again.
    @Sendable static func confirmRejection(_ request: Request) async throws -> Response {
        let id = try request.id(BankDetailsChangeID.self)
        guard let change = try await request.store.bankDetailsChange(id), let place = try await request.store.placeName(change.place) else {
            throw Abort(.notFound)
        }
        let reason = request.query[String.self, at: "reason"] ?? ""
        let view = ConfirmationPage.View(
            context: PageContext(request), title: "Refuser les coordonnées bancaires proposées pour \(place) ?",
            facts: [("Lieu", place), ("Titulaire", change.holder), ("IBAN proposé", BankDetailsReview.masked(change.iban)),
                    ("Proposé par", change.proposedBy), ("Motif du changement", change.reason),
                    ("Motif du refus", reason.isEmpty ? "non indiqué" : reason)],
            warning: "Ces coordonnées ne seront jamais utilisées. Un refus ne peut pas être annulé : il faudra proposer de nouveau les coordonnées.",
            action: SiteURL.operatorBankDecision(id).path, fields: [("decision", "reject"), ("reason", reason)],
            confirmLabel: "Confirmer le refus", back: SiteURL.operatorPlace(change.place).path)
        return Layout.response(view.document)
    }

    @Sendable static func decide(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let id = try request.id(BankDetailsChangeID.self)
        let form = try request.content.decode(DecisionForm.self)
        let refusal: String
        if form.decision == "reject", !request.confirmed, !(form.reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            return request.confirmation(at: SiteURL.operatorBankDecision(id).path, [("decision", "reject"), ("reason", form.reason)])
        }
        if let decision = form.decision, ["verify", "reject"].contains(decision) {
            do {
                let change = try await request.store.decideBankDetails(change: id, verify: decision == "verify", reason: form.reason, actor: Actor(user))
                return request.redirect(to: .operatorPlace(change.place), notice: decision == "verify"
                    ? "Coordonnées vérifiées : les prochains remboursements iront sur ce compte."
                    : "Changement refusé.")
            } catch let error as DomainError {
                refusal = switch error {
                case .notFound: throw Abort(.notFound)
                case .notAllowed: "un autre administrateur que la personne qui a saisi ce changement doit le vérifier."
                case .invalid(.reason, .empty): "indiquez le motif du refus."
                case .invalidTransition: "ce changement a déjà été traité."
                default: French.message(for: error)
                }
            }
        } else {
            refusal = "choisissez « vérifié » ou « refusé »."
        }
        // Refused: back to the page of the change's place, where the decision form is (read only to find the way back).
        guard let change = try await request.store.bankDetailsChange(id) else { throw Abort(.notFound) }
        return request.redirect(to: .operatorPlace(change.place), error: "Non enregistré : " + refusal)
    }

    // MARK: Shared pieces

    /// Checks the form like the application's bank step, then proposes; the errors to show, empty when done.
    static func propose(_ request: Request, form: ProposalForm, place: PlaceID, actor: Actor) async throws -> FormErrors {
        var errors = FormErrors()
        let holder = (form.holder ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // The bank step's rule and French messages, so that both forms say the same.
        do { _ = try ApplicationData.Bank(holder: holder, iban: form.iban ?? "", bic: form.bic ?? "").validated() } catch { errors.add(error) }
        let reason = errors.required(form.reason, field: "reason", "Indiquez pourquoi le compte change.")
        guard errors.isEmpty else { return errors }
        do {
            try await request.store.proposeBankDetails(ApplicationData.Bank(holder: holder, iban: form.iban ?? "", bic: form.bic ?? ""),
                                                       place: place, reason: reason, actor: actor)
        } catch let error as DomainError {
            if case .notFound = error { throw Abort(.notFound) }
            errors.add(error)
        }
        return errors
    }
}
