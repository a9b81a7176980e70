import PassnumDomain
import PassnumPersistence

/// A place's payout statement in French: the CSV the place downloads (and the payout run files), and the label of
/// each deduction. Persistence hands over the model; the words are chosen here.
enum StatementWording {
    /// "Chèque 0000 0001 234 annulé : chèques volés", "Abonnement 2026 (facture F-2026-00001)".
    static func deduction(_ deduction: StatementDeduction) -> String {
        switch deduction.kind {
        case .reversal:
            let sentence = "Chèque \(deduction.reference) annulé : "
            // Rows written before the reason was stored alone hold the whole sentence.
            return deduction.detail.hasPrefix(sentence) ? deduction.detail : sentence + deduction.detail
        case .subscription:
            return deduction.detail.hasPrefix("Abonnement ") ? deduction.detail
                : "Abonnement \(deduction.detail) (facture \(deduction.reference))"
        }
    }

    /// Every check, then totals by funder, deductions and what was transferred, as French CSV.
    static func csv(_ statement: Statement) -> String {
        var rows = [["Numéro du chèque", "Date", "Service", "Financeur", "Montant (€)"]]
        rows += statement.lines.map {
            [$0.serial.grouped, CivilDate($0.redeemedAt).description, $0.category?.rawValue ?? "", $0.funder, $0.amount.plainDecimal]
        }
        rows += statement.totalsByFunder.map { ["Total " + $0.funder, "", "", $0.funder, $0.amount.plainDecimal] }
        rows.append(["Total", "", "", "", statement.gross.plainDecimal])
        if !statement.deductions.isEmpty {
            rows += statement.deductions.map { ["Retenue", "", deduction($0), "", (Money.zero - $0.amount).plainDecimal] }
            rows.append(["Net versé", "", "", "", statement.net.plainDecimal])
        }
        return FrenchCSV.render(rows)
    }
}
