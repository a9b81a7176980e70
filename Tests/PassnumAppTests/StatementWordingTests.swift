import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Statement wording")
struct StatementWordingTests {
    static func statement(deductions: [StatementDeduction]) throws -> Statement {
        let day = CivilDate("2026-03-10")!.start.addingTimeInterval(10 * 3600)
        let lines = try (1...3).map { number in
            StatementLine(serial: try #require(CheckSerial(number: CheckSerial.firstNumber + Int64(number))), redeemedAt: day, category: .everydayTools,
                          funder: "Département du Nord", amount: .euros(10))
        }
        return Statement(period: "2026-03", state: .settled, lines: lines, deductions: deductions)
    }

    @Test("The statement CSV opens in French spreadsheets: BOM, French headers, totals by funder, then the total")
    func statementCSV() throws {
        let csv = StatementWording.csv(try Self.statement(deductions: []))
        #expect(Array(Data(csv.utf8).prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(csv.dropFirst())
        #expect(text.hasPrefix("Numéro du chèque;Date;Service;Financeur;Montant (€)\r\n"))
        #expect(text.contains("Total Département du Nord;;;Département du Nord;30,00\r\n") && text.hasSuffix("Total;;;;30,00\r\n"))
        #expect(!text.contains("Retenue"))
    }

    @Test("Deductions are worded from their kind, reference and detail; old rows holding the whole sentence are shown as stored")
    func deductions() throws {
        let reversal = StatementDeduction(kind: .reversal, reference: "0000 0000 017", detail: "chèques volés", amount: .euros(10))
        let subscription = StatementDeduction(kind: .subscription, reference: "F-2026-00002", detail: "2026", amount: Money(cents: 1440))
        #expect(StatementWording.deduction(reversal) == "Chèque 0000 0000 017 annulé : chèques volés")
        #expect(StatementWording.deduction(subscription) == "Abonnement 2026 (facture F-2026-00002)")
        let oldReversal = StatementDeduction(kind: .reversal, reference: "0000 0000 017", detail: "Chèque 0000 0000 017 annulé : fraude",
                                             amount: .euros(10))
        let oldSubscription = StatementDeduction(kind: .subscription, reference: "F-2026-00002", detail: "Abonnement 2026 (facture F-2026-00002)",
                                                 amount: .euros(10))
        #expect(StatementWording.deduction(oldReversal) == "Chèque 0000 0000 017 annulé : fraude")
        #expect(StatementWording.deduction(oldSubscription) == "Abonnement 2026 (facture F-2026-00002)")

        let csv = StatementWording.csv(try Self.statement(deductions: [reversal]))
        #expect(csv.contains("Retenue;;Chèque 0000 0000 017 annulé : chèques volés;;-10,00\r\n") && csv.hasSuffix("Net versé;;;;20,00\r\n"))
    }
}
