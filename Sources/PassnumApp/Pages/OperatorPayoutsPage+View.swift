import PassnumDomain
import PassnumPersistence

extension OperatorPayoutsPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            let month = model.month
            return Layout.page(title: "Remboursements", context: context) {
                h("h1") { "Remboursements mensuels" }
                Layout.notice(context)
                h("form", ["method": "get", "action": SiteURL.operatorPayouts.path, "class": "inline"]) {
                    field("Mois", name: "mois", value: month.description, type: "month", hint: "Format AAAA-MM.")
                    h("button", ["type": "submit", "class": "secondary"]) { "Voir" }
                }
                h("h2") { "Aperçu pour " + French.month(month) }
                table(caption: "Chèques utilisés en \(French.month(month)) et pas encore remboursés",
                      headers: ["Lieu", "Chèques", "Montant", "Retenues", "À virer", "Virement"],
                      rows: model.preview.map { row in
                          [.text(row.place.name), .text(String(row.checks)), .text(money(row.amount)), .text(money(row.amount - row.net)),
                           .text(money(row.net)),
                           row.hasBankDetails ? .text("prêt") : h("a", ["href": SiteURL.operatorPlace(row.place.id).path]) { "retenu : pas de coordonnées bancaires vérifiées" }]
                      },
                      empty: "aucun chèque à rembourser.")
                pager(model.position, path: SiteURL.operatorPayouts.path, parameters: [("mois", month.description)])
                h("p") { "Total à virer : " + money(model.total) }
                if model.done {
                    h("p") { "Les remboursements de " + French.month(month) + " ont déjà été faits." }
                } else {
                    h("form", ["method": "post", "action": SiteURL.operatorPayouts.path]) {
                        csrfField(context)
                        h("input", ["type": "hidden", "name": "mois", "value": month.description])
                        h("button", ["type": "submit"]) { "Rembourser les lieux pour " + French.month(month) }
                    }
                }
                h("h2") { "Virements" }
                h("p") { "Chaque remboursement fait donne un fichier de virements SEPA. Remettez-le une fois à la banque, puis notez la date où la banque a fait les virements." }
                table(caption: "Fichiers de virements", headers: ["N°", "Mois", "Lieux", "Montant", "État", "Action"], rows: model.batches.map { batch in
                    [.text(batch.id.description), .text(French.month(batch.month)), .text(String(batch.payouts)), .text(money(batch.total)),
                     .text(Self.batchState(batch)), batchActions(batch)]
                }, empty: "aucun virement pour le moment.")
                h("h2") { "Remboursements déjà faits" }
                table(caption: "Remboursements par mois", headers: ["Mois", "Lieux", "Chèques", "Total"], rows: model.runs.map {
                    [.text(French.month($0.month)), .text(String($0.payouts)), .text(String($0.checks)), .text(money($0.total))]
                })
                h("h2") { "Annuler un chèque validé" }
                h("form", ["method": "post", "action": SiteURL.operatorReversal.path, "novalidate": ""]) {
                    csrfField(context)
                    h("p") { "En cas de fraude ou d’erreur : le chèque est annulé. S’il était déjà remboursé, son montant est retenu sur le prochain remboursement du lieu." }
                    field("Numéro du chèque", name: "serial", id: "annulation-numero")
                    field("Motif", name: "reason", id: "annulation-motif", hint: "Obligatoire. Par exemple : chèque volé, validé par erreur.")
                    h("button", ["type": "submit", "class": "secondary"]) { "Annuler ce chèque" }
                }
                h("h2") { "Fin des programmes" }
                h("form", ["method": "post", "action": SiteURL.operatorExpiry.path]) {
                    csrfField(context)
                    h("p") { "Les chèques des programmes terminés (fin de validité et délai de grâce passés) expirent, et un avoir est fait au financeur." }
                    h("button", ["type": "submit", "class": "secondary"]) { "Clore les programmes terminés" }
                }
            }
        }

        static func batchState(_ batch: PayoutBatch) -> String {
            switch batch.state {
            case .prepared: "prêt, pas encore remis à la banque"
            case .exported: "remis à la banque le " + (batch.exportedAt.map { French.date(CivilDate($0)) } ?? "")
            case .settled: "fait par la banque le " + (batch.settledOn.map(French.date) ?? "")
            }
        }

        func batchActions(_ batch: PayoutBatch) -> Node {
            group {
                if batch.file != nil {
                    h("a", ["href": SiteURL.operatorSEPA(batch.id).path, "download": "virements-\(batch.month)-\(batch.id).xml"]) { "Fichier SEPA n° \(batch.id)" }
                }
                switch batch.state {
                case .prepared:
                    h("form", ["method": "post", "action": SiteURL.operatorBatchExported(batch.id).path, "class": "inline"]) {
                        csrfField(context)
                        h("button", ["type": "submit", "class": "secondary"]) { "Remis à la banque" }
                    }
                case .exported:
                    h("form", ["method": "post", "action": SiteURL.operatorBatchSettled(batch.id).path, "class": "inline", "novalidate": ""]) {
                        csrfField(context)
                        field("Date des virements n° \(batch.id)", name: "date", id: "date-virement-\(batch.id)", type: "date")
                        h("button", ["type": "submit", "class": "secondary"]) { "Noter comme faits" }
                    }
                case .settled:
                    group {}
                }
            }
        }
    }
}
