import PassnumDomain
import PassnumPersistence

extension PlaceBankDetailsPage {
    struct View {
        let model: Model
        let context: PageContext
        /// The change as typed, and what is wrong with it, when the form is shown again.
        var form = BankDetailsController.ProposalForm()
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Coordonnées bancaires", context: context) {
                h("h1") { "Coordonnées bancaires" }
                Layout.notice(context)
                h("h2") { "Compte qui reçoit les remboursements" }
                if let verified = model.verified {
                    BankDetailsViews.details(verified)
                } else {
                    h("p", ["role": "status"]) { "Aucun compte vérifié : vos remboursements attendent qu’un compte soit vérifié par l’opérateur." }
                }
                if let pending = model.pending {
                    h("h2") { "Changement en attente" }
                    h("p", ["role": "status"]) {
                        "Demandé le \(French.dateTime(pending.proposedAt)) : l’opérateur doit le vérifier. D’ici là, les remboursements vont sur le compte vérifié."
                    }
                    BankDetailsViews.details(pending)
                }
                h("h2") { "Demander un changement" }
                h("p") { "Le nouveau compte ne sera utilisé qu’après vérification par l’opérateur. Joignez un RIB à votre demande d’habilitation ou envoyez-le à l’opérateur." }
                BankDetailsViews.proposalForm(context, action: .placeBank, form: form, errors: errors)
                BankDetailsViews.history(model.changes)
            }
        }
    }
}
