import PassnumDomain
import PassnumPersistence

extension InvoicePage {
    struct View {
        let model: Model
        let frame: PrintableDocument

        var document: Node {
            let invoice = model.invoice
            let amounts = invoice.amounts
            return frame.page(title: "Facture \(invoice.number)", filename: InvoicePage.filename(invoice)) {
                h("h1") { "Facture n° " + invoice.number }
                definitions([("Date", French.date(CivilDate(invoice.issuedAt))), ("Émise par", model.seller), ("Pour", invoice.customer)]
                                + (invoice.order.map { [("Commande", "n° \($0)")] } ?? []), class: "document")
                table(caption: "Détail", headers: ["Désignation", "Montant"], rows: model.lines.map { [.text($0.label), .text(money($0.amount))] })
                h("dl", ["class": "document totals"]) {
                    h("dt") { "Total hors taxes" }; h("dd") { money(amounts.face + amounts.fee) }
                    h("dt") { "TVA \(French.percent(basisPoints: Int(amounts.vatRate))) (sur les frais seulement)" }; h("dd") { money(amounts.vat) }
                    h("dt") { "Total à payer" }; h("dd") { h("strong") { money(amounts.total) } }
                }
                h("p") {
                    invoice.kind == .order
                        ? "La valeur des chèques n’est pas soumise à la TVA. Seuls les frais de gestion le sont."
                        : "Cette somme est retenue sur les prochains remboursements du lieu."
                }
                witnessLine(model.witness)
                if !frame.download {
                    h("p", ["class": "noprint"]) {
                        h("a", ["href": SiteURL.invoiceXML(invoice.id).path, "download": invoice.number + ".xml"]) {
                            "Facture électronique pour Chorus Pro (Factur-X, fichier XML)"
                        }
                    }
                }
            }
        }
    }
}
