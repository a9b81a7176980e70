import PassnumDomain
import PassnumPersistence

/// The pieces of bank-details pages shared by the place's page and the operator's page of a place.
enum BankDetailsViews {
    static let stateText: [BankDetailsReview.State: String] = [
        .pending: "en attente de vérification", .verified: "vérifiées", .rejected: "refusées", .superseded: "remplacées par une demande plus récente",
    ]

    /// The bank section of the operator's page of a place: verified details, the pending change with its decision
    /// form (or why this admin cannot decide it), the form to propose a correction, and the history.
    static func operatorSection(_ context: PageContext, viewerEmail: String, place: PlaceID, changes: [BankDetailsChange]) -> Node {
        group {
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
                h("p") { "Demandé le \(French.dateTime(pending.proposedAt)) par \(French.actor(pending.proposedBy)). Motif : \(French.recorded(pending.reason))" }
                // The domain's four-eyes rule decides, as the store will: the page cannot drift from it.
                if BankDetailsReview.refusal(proposer: pending.proposedBy, decider: viewerEmail, deciderIsOperator: true) != nil {
                    h("p", ["role": "status"]) { "Vous avez saisi ce changement : un autre administrateur doit le vérifier." }
                } else {
                    h("form", ["method": "post", "action": SiteURL.operatorBankDecision(pending.id).path, "novalidate": ""]) {
                        csrfField(context)
                        select("Décision sur le changement n° \(pending.id)", name: "decision", id: "banque-decision",
                               options: [("verify", "Vérifié : payer sur ce compte"), ("reject", "Refusé")])
                        field("Motif (obligatoire pour un refus)", name: "reason", id: "banque-decision-motif", required: false)
                        h("button", ["type": "submit", "class": "secondary"]) { "Enregistrer la décision" }
                    }
                }
            }
            h("h3") { "Saisir de nouvelles coordonnées" }
            h("p") { "Un autre administrateur devra les vérifier avant tout remboursement." }
            proposalForm(context, action: .operatorBank(place), form: BankDetailsController.ProposalForm(), errors: FormErrors())
            history(changes)
        }
    }

    static func proposalForm(_ context: PageContext, action: SiteURL, form: BankDetailsController.ProposalForm, errors: FormErrors) -> Node {
        postForm(action, context, errors: errors) {
            field("Titulaire du compte", name: "holder", id: "banque-titulaire", value: form.holder, errors: errors)
            field("IBAN", name: "iban", id: "banque-iban", value: form.iban, errors: errors,
                  hint: "27 caractères pour un compte en France, commençant par FR.", attributes: ["autocomplete": "off"])
            field("BIC", name: "bic", id: "banque-bic", value: form.bic, errors: errors, hint: "8 ou 11 caractères.")
            field("Motif du changement", name: "reason", id: "banque-motif", value: form.reason, errors: errors,
                  hint: "Par exemple : changement de banque.")
            h("button", ["type": "submit", "class": "secondary"]) { "Enregistrer les coordonnées" }
        }
    }

    static func details(_ change: BankDetailsChange) -> Node {
        definitions([("Titulaire", change.holder), ("IBAN", IBAN.grouped(change.iban)), ("BIC", change.bic)])
    }

    static func history(_ changes: [BankDetailsChange]) -> Node {
        table(caption: "Historique des coordonnées bancaires", headers: ["Demandé le", "Par", "Ancien IBAN", "Nouvel IBAN", "Motif", "État", "Décidé par"],
              rows: changes.map { change in
                  [.text(French.dateTime(change.proposedAt)), .text(French.actor(change.proposedBy)),
                   .text(change.previousIBAN.map(BankDetailsReview.masked) ?? "—"), .text(BankDetailsReview.masked(change.iban)), .text(French.recorded(change.reason)),
                   .text((stateText[change.state] ?? change.state.rawValue) + (change.decisionReason.map { " (" + French.recorded($0) + ")" } ?? "")),
                   .text(change.decidedBy.map { French.actor($0) + (change.decidedAt.map { ", le " + French.dateTime($0) } ?? "") } ?? "—")]
              }, empty: "aucune demande pour le moment.")
    }
}
