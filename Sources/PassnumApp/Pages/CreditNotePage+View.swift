import PassnumDomain
import PassnumPersistence

extension CreditNotePage {
    struct View {
        let model: Model
        let frame: PrintableDocument

        var document: Node {
            let note = model.note
            return frame.page(title: "Avoir \(note.number)", filename: CreditNotePage.filename(note)) {
                h("h1") { "Avoir n° " + note.number }
                definitions([("Date", French.date(CivilDate(note.issuedAt))), ("Émis par", model.seller), ("Pour", note.funderName),
                             ("Programme", note.programmeName)], class: "document")
                h("p") { "\(note.checks) chèque(s) pas utilisé(s) à la fin du programme, de \(money(note.faceValue)) chacun : \(money(note.amount)) vous reviennent." }
                table(caption: "Répartition entre les financeurs du programme", headers: ["Financeur", "Part", "Montant"],
                      rows: note.shares.map { [.text($0.cofunder), .text($0.percent), .text(money($0.amount))] })
                h("dl", ["class": "document totals"]) {
                    h("dt") { "Total de l’avoir" }; h("dd") { h("strong") { money(note.amount) } }
                }
                witnessLine(model.witness)
                if !frame.download {
                    h("p", ["class": "noprint"]) {
                        h("a", ["href": SiteURL.creditNoteXML(note.id).path, "download": note.number + ".xml"]) {
                            "Avoir électronique pour Chorus Pro (Factur-X, fichier XML)"
                        }
                    }
                }
            }
        }
    }
}
