import PassnumDomain
import PassnumPersistence

extension PendingBankDetailsPage {
    struct View {
        let model: Model
        let context: PageContext
        /// The signed-in admin's address: the changes they proposed are marked, another admin decides them.
        let viewerEmail: String

        var document: Node {
            Layout.page(title: "Coordonnées bancaires à vérifier", context: context) {
                h("h1") { "Coordonnées bancaires à vérifier" }
                Layout.notice(context)
                h("p") { "Un changement demandé par un lieu est vérifié par un administrateur de l’opérateur ; un changement saisi par un administrateur est vérifié par un autre administrateur." }
                table(caption: "Changements en attente", headers: ["Lieu", "Demandé le", "Par", "Nouvel IBAN", "Motif"], rows: model.pending.map { row in
                    [h("a", ["href": SiteURL.operatorPlace(row.change.place).path]) { row.placeName },
                     .text(French.dateTime(row.change.proposedAt)),
                     .text(French.actor(row.change.proposedBy) + (row.change.proposedBy.lowercased() == viewerEmail.lowercased() ? " (vous)" : "")),
                     .text(BankDetailsReview.masked(row.change.iban)), .text(French.recorded(row.change.reason))]
                }, empty: "aucun changement en attente.")
            }
        }
    }
}
