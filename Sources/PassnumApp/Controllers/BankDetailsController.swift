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

    static let stateText: [BankDetailsReview.State: String] = [
        .pending: "en attente de vérification", .verified: "vérifiées", .rejected: "refusées", .superseded: "remplacées par une demande plus récente",
    ]

    // MARK: The place's own page

    @Sendable static func placePage(_ request: Request) async throws -> Response {
        let (_, place) = try ApplicationStepsController.manager(request)
        return try await placePage(request, place: place, form: ProposalForm(), errors: FormErrors())
    }

    static func placePage(_ request: Request, place: PlaceID, form: ProposalForm, errors: FormErrors) async throws -> Response {
        let changes = try await request.store.bankDetailsChanges(of: place)
        let verified = changes.first { $0.state == .verified }
        let pending = changes.first { $0.state == .pending }
        return Layout.response(Layout.page(title: "Coordonnées bancaires", request: request) {
            h("h1") { "Coordonnées bancaires" }
            Layout.notice(request)
            h("h2") { "Compte qui reçoit les remboursements" }
            if let verified {
                details(verified)
            } else {
                h("p", ["role": "status"]) { "Aucun compte vérifié : vos remboursements attendent qu’un compte soit vérifié par l’opérateur." }
            }
            if let pending {
                h("h2") { "Changement en attente" }
                h("p", ["role": "status"]) {
                    "Demandé le \(French.dateTime(pending.proposedAt)) : l’opérateur doit le vérifier. D’ici là, les remboursements vont sur le compte vérifié."
                }
                details(pending)
            }
            h("h2") { "Demander un changement" }
            h("p") { "Le nouveau compte ne sera utilisé qu’après vérification par l’opérateur. Joignez un RIB à votre demande d’habilitation ou envoyez-le à l’opérateur." }
            proposalForm(request, action: .placeBank, form: form, errors: errors, idPrefix: "banque")
            history(changes)
        }, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable static func placePropose(_ request: Request) async throws -> Response {
        let (user, place) = try ApplicationStepsController.manager(request)
        let form = try request.content.decode(ProposalForm.self)
        let errors = try await propose(request, form: form, place: place, actor: Actor(user))
        guard errors.isEmpty else { return try await placePage(request, place: place, form: form, errors: errors) }
        return request.redirect(to: .placeBank, notice: "Demande enregistrée. L’opérateur va vérifier ces coordonnées.")
    }

    // MARK: The operator

    /// Every change waiting for a decision, so that a second operator admin finds what a first one proposed.
    @Sendable static func pending(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        let pending = try await request.store.pendingBankDetailsChanges()
        return Layout.response(Layout.page(title: "Coordonnées bancaires à vérifier", request: request) {
            h("h1") { "Coordonnées bancaires à vérifier" }
            Layout.notice(request)
            h("p") { "Un changement demandé par un lieu est vérifié par un administrateur de l’opérateur ; un changement saisi par un administrateur est vérifié par un autre administrateur." }
            table(caption: "Changements en attente", headers: ["Lieu", "Demandé le", "Par", "Nouvel IBAN", "Motif"], rows: pending.map { row in
                [h("a", ["href": SiteURL.operatorPlace(row.change.place.rawValue).path]) { row.placeName },
                 .text(French.dateTime(row.change.proposedAt)),
                 .text(row.change.proposedBy + (row.change.proposedBy.lowercased() == user.email.lowercased() ? " (vous)" : "")),
                 .text(BankDetailsReview.masked(row.change.iban)), .text(row.change.reason)]
            }, empty: "aucun changement en attente.")
        })
    }

    /// The bank section of the operator's page of a place: verified details, the pending change with its decision
    /// form (or why this admin cannot decide it), the form to propose a correction, and the history.
    static func operatorSection(_ request: Request, place: PlaceID, changes: [BankDetailsChange]) -> Node {
        let email = request.user?.email ?? ""
        return group {
            h("h2") { "Coordonnées bancaires" }
            if let verified = changes.first(where: { $0.state == .verified }) {
                h("p") { "Compte vérifié, utilisé pour les remboursements :" }
                details(verified)
            } else {
                h("p", ["role": "status"]) { "Aucun compte vérifié : les remboursements de ce lieu sont retenus." }
            }
            if let pending = changes.first(where: { $0.state == .pending }) {
                h("h3") { "Changement à vérifier" }
                details(pending)
                h("p") { "Demandé le \(French.dateTime(pending.proposedAt)) par \(pending.proposedBy). Motif : \(pending.reason)" }
                // The domain's four-eyes rule decides, as the store will: the page cannot drift from it.
                if BankDetailsReview.refusal(proposer: pending.proposedBy, decider: email, deciderIsOperator: true) != nil {
                    h("p", ["role": "status"]) { "Vous avez saisi ce changement : un autre administrateur doit le vérifier." }
                } else {
                    h("form", ["method": "post", "action": SiteURL.operatorBankDecision(pending.id).path, "novalidate": ""]) {
                        csrfField(request)
                        select("Décision sur le changement n° \(pending.id)", name: "decision", id: "banque-decision",
                               options: [("verify", "Vérifié : payer sur ce compte"), ("reject", "Refusé")])
                        field("Motif (obligatoire pour un refus)", name: "reason", id: "banque-decision-motif", required: false)
                        h("button", ["type": "submit", "class": "secondary"]) { "Enregistrer la décision" }
                    }
                }
            }
            h("h3") { "Saisir de nouvelles coordonnées" }
            h("p") { "Un autre administrateur devra les vérifier avant tout remboursement." }
            proposalForm(request, action: .operatorBank(place.rawValue), form: ProposalForm(), errors: FormErrors(), idPrefix: "banque")
            history(changes)
        }
    }

    /// An operator admin proposes new details for a place (from its page).
    @Sendable static func operatorPropose(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        let place = PlaceID(try request.id())
        let form = try request.content.decode(ProposalForm.self)
        let errors = try await propose(request, form: form, place: place, actor: Actor(user))
        guard errors.isEmpty else {
            return request.redirect(to: .operatorPlace(place.rawValue), notice: "Non enregistré : " + errors.messages.map(\.message).joined(separator: " "))
        }
        return request.redirect(to: .operatorPlace(place.rawValue), notice: "Coordonnées enregistrées. Un autre administrateur doit les vérifier.")
    }

    @Sendable static func decide(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        let id = try request.id()
        let form = try request.content.decode(DecisionForm.self)
        let refusal: String
        if let decision = form.decision, ["verify", "reject"].contains(decision) {
            do {
                let change = try await request.store.decideBankDetails(change: id, verify: decision == "verify", reason: form.reason, actor: Actor(user))
                return request.redirect(to: .operatorPlace(change.place.rawValue), notice: decision == "verify"
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
        return request.redirect(to: .operatorPlace(change.place.rawValue), notice: "Non enregistré : " + refusal)
    }

    // MARK: Shared pieces

    /// The holder, IBAN and BIC typed in a form, checked with the French messages of the bank step and of this page
    /// alike; the normalised IBAN and BIC when all are right.
    static func checkBankFields(holder: String, iban: String, bic: String, into errors: inout FormErrors) -> (iban: String, bic: String)? {
        if holder.isEmpty { errors.add("holder", "Indiquez le titulaire du compte.") }
        let checkedIBAN = IBAN.check(iban)
        switch checkedIBAN {
        case .failure(.badChecksum): errors.add("iban", "Cet IBAN contient une erreur de frappe : vérifiez chaque caractère.")
        case .failure: errors.add("iban", "Ce n’est pas un IBAN : il commence par deux lettres (FR) et compte 27 caractères en France.")
        case .success: break
        }
        let checkedBIC = BIC.check(bic)
        if checkedBIC == nil { errors.add("bic", "Ce n’est pas un BIC : 8 ou 11 lettres et chiffres.") }
        guard !holder.isEmpty, case .success(let normalisedIBAN) = checkedIBAN, let checkedBIC else { return nil }
        return (normalisedIBAN, checkedBIC)
    }

    /// Checks the form like the application's bank step, then proposes; the errors to show, empty when done.
    static func propose(_ request: Request, form: ProposalForm, place: PlaceID, actor: Actor) async throws -> FormErrors {
        var errors = FormErrors()
        let holder = (form.holder ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = (form.reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        _ = checkBankFields(holder: holder, iban: form.iban ?? "", bic: form.bic ?? "", into: &errors)
        if reason.isEmpty { errors.add("reason", "Indiquez pourquoi le compte change.") }
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

    static func proposalForm(_ request: Request, action: SiteURL, form: ProposalForm, errors: FormErrors, idPrefix: String) -> Node {
        h("form", ["method": "post", "action": action.path, "novalidate": ""]) {
            errors.summary
            csrfField(request)
            field("Titulaire du compte", name: "holder", id: idPrefix + "-titulaire", value: form.holder, errors: errors)
            field("IBAN", name: "iban", id: idPrefix + "-iban", value: form.iban, errors: errors,
                  hint: "27 caractères pour un compte en France, commençant par FR.", attributes: ["autocomplete": "off"])
            field("BIC", name: "bic", id: idPrefix + "-bic", value: form.bic, errors: errors, hint: "8 ou 11 caractères.")
            field("Motif du changement", name: "reason", id: idPrefix + "-motif", value: form.reason, errors: errors,
                  hint: "Par exemple : changement de banque.")
            h("button", ["type": "submit", "class": "secondary"]) { "Enregistrer les coordonnées" }
        }
    }

    static func details(_ change: BankDetailsChange) -> Node {
        h("dl") {
            h("dt") { "Titulaire" }; h("dd") { change.holder }
            h("dt") { "IBAN" }; h("dd") { IBAN.grouped(change.iban) }
            h("dt") { "BIC" }; h("dd") { change.bic }
        }
    }

    static func history(_ changes: [BankDetailsChange]) -> Node {
        table(caption: "Historique des coordonnées bancaires", headers: ["Demandé le", "Par", "Ancien IBAN", "Nouvel IBAN", "Motif", "État", "Décidé par"],
              rows: changes.map { change in
                  [.text(French.dateTime(change.proposedAt)), .text(change.proposedBy),
                   .text(change.previousIBAN.map(BankDetailsReview.masked) ?? "—"), .text(BankDetailsReview.masked(change.iban)), .text(change.reason),
                   .text((stateText[change.state] ?? change.state.rawValue) + (change.decisionReason.map { " (" + $0 + ")" } ?? "")),
                   .text(change.decidedBy.map { $0 + (change.decidedAt.map { ", le " + French.dateTime($0) } ?? "") } ?? "—")]
              }, empty: "aucune demande pour le moment.")
    }
}
