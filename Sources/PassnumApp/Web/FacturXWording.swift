import Foundation
import PassnumDomain
import PassnumPersistence

/// An invoice or a credit note as its Factur-X (CII, EN 16931) e-invoice: the French words of its lines and terms, the
/// operator as seller, the funder or the place as buyer. The XML is made when asked (page download, monthly export).
enum FacturXWording {
    /// "F-2026-00001.xml": the file Chorus Pro receives.
    static func filename(_ document: EDocument) -> String { document.number + ".xml" }

    static func xml(_ document: EDocument, seller account: OperatorAccount) throws(FacturX.Problem) -> String {
        try FacturX.xml(self.document(document, seller: account))
    }

    static func document(_ document: EDocument, seller account: OperatorAccount) -> FacturX.Document {
        let seller = FacturX.Party(name: account.account.name, siret: account.siret, vatID: account.vatID)
        let transfer = FacturX.PaymentMeans.sepaTransfer(iban: account.account.iban, bic: account.account.bic)
        switch document {
        case .invoice(let invoice):
            let buyer = FacturX.Party(name: invoice.customer, siret: invoice.buyer.siret)
            // The rate stored with the invoice, not today's: a document issued under an older rate keeps it.
            let fee = FacturX.TaxCategory.standard(basisPoints: invoice.amounts.vatRate)
            var lines: [FacturX.Line] = []
            switch invoice.kind {
            case .order:
                // EN 16931 allows category O alone only (BR-O-11): with a fee, the face value is a disbursement (E).
                let face: FacturX.TaxCategory = invoice.amounts.fee > .zero ? .disbursement : .outsideScope
                lines.append(FacturX.Line(name: "Chèques Pass numérique – \(invoice.programme ?? "programme") : \(invoice.booklets) carnet(s)",
                                          amount: invoice.amounts.face, units: Int64(invoice.checks), category: face))
                if invoice.amounts.fee > .zero {
                    lines.append(FacturX.Line(name: "Frais de gestion", quantity: 1, unitPrice: invoice.amounts.fee, category: fee))
                }
            case .subscription:
                lines.append(FacturX.Line(name: "Abonnement annuel \(CivilDate(invoice.issuedAt).year)", quantity: 1,
                                          unitPrice: invoice.amounts.fee, category: fee))
            }
            return FacturX.Document(
                number: invoice.number, type: .invoice, issued: CivilDate(invoice.issuedAt), seller: seller, buyer: buyer,
                buyerReference: invoice.buyer.serviceCode, orderReference: invoice.buyer.engagementNumber, lines: lines,
                paymentMeans: invoice.kind == .order ? transfer : .deduction,
                paymentTerms: invoice.kind == .order
                    ? "Virement à réception de la facture. Les carnets sont émis une fois le total reçu."
                    : "Retenue sur les prochains remboursements du lieu.")
        case .creditNote(let note, let corrects):
            let buyer = FacturX.Party(name: note.funderName, siret: note.buyer.siret)
            return FacturX.Document(
                number: note.number, type: .creditNote, issued: CivilDate(note.issuedAt), seller: seller, buyer: buyer,
                buyerReference: note.buyer.serviceCode, orderReference: note.buyer.engagementNumber,
                lines: [FacturX.Line(name: "Chèques pas utilisés – \(note.programmeName)", amount: note.amount, units: Int64(note.checks),
                                     category: .outsideScope)],
                paymentMeans: nil, paymentTerms: "Somme due au financeur par l’opérateur.", corrects: corrects)
        }
    }
}
