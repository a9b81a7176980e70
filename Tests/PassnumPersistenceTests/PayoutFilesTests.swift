import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Payout files")
struct PayoutFilesTests {
    @Test("A place without bank details is held back with the reason, then paid once they are recorded; each run writes the SEPA file and statements",
          arguments: TestDatabase.allCases)
    func heldBackThenPaid(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 2)
            let unbanked = try await store.createPlace(NewPlace(name: "Club « Clic & Co »", commune: CommuneCode("59350")!, postcode: "59000"))
            try await store.changePlaceState(unbanked, to: .qualified)
            try await store.requestAffiliation(place: unbanked, funder: territory.funder)
            try await store.decideAffiliation(place: unbanked, funder: territory.funder, approve: true)
            let serials = try await territory.handOut(store)
            var request = territory.request(store, [serials[0], serials[1], serials[2]])
            #expect(try await store.validate(request).accepted)
            request = territory.request(store, [serials[3]], at: unbanked)
            #expect(try await store.validate(request).accepted)
            clock.set(CivilDate("2026-04-01")!.start.addingTimeInterval(3600 * 9))

            let first = try await store.runPayouts(for: Month("2026-03")!)
            #expect(first.ran && first.payouts == 1 && first.total == Money(cents: 3000))
            #expect(first.heldBack == [HeldBackPayout(place: unbanked, name: "Club « Clic & Co »", checks: 1, amount: Money(cents: 1000),
                                                      reason: "no verified bank details")])
            #expect(first.files.count == 2)
            let sepa = try String(contentsOf: store.configuration.dataDirectory.appendingPathComponent(first.files[0]), encoding: .utf8)
            let parsed = try SEPAReader.read(sepa)
            #expect(parsed.numberOfTransactions == ["1", "1"] && parsed.controlSums == ["30.00", "30.00"])
            #expect(parsed.amounts == ["30.00"] && parsed.endToEndIDs.count == 1 && parsed.endToEndIDs[0].hasPrefix("PN-2026-03-"))
            #expect(parsed.remittances == ["Pass numerique mars 2026 - 3 cheques"])
            // The statement file is the configured wording of the payout's statement (French in the app, see StatementWordingTests).
            let statementFile = try String(contentsOf: store.configuration.dataDirectory.appendingPathComponent(first.files[1]), encoding: .utf8)
            let paid = try await store.payouts(of: territory.place).rows[0]
            let statement = try #require(try await store.statement(payout: paid.id, place: territory.place))
            #expect(first.files[1] == "payouts/2026-03/releve-lieu-\(territory.place)-\(paid.id).csv")
            #expect(statementFile == testStatementFile(statement) && statement.lines.count == 3 && statement.gross == Money(cents: 3000))
            #expect(statement.totalsByFunder.map(\.funder) == ["Département du Nord"] && statement.totalsByFunder[0].amount == Money(cents: 3000))
            #expect(try await store.overview().checksByState[.redeemed] == 1)

            // Nothing changes until the bank details are recorded; then only the held-back place is paid.
            let again = try await store.runPayouts(for: Month("2026-03")!)
            #expect(!again.ran && again.files.isEmpty && again.heldBack.count == 1 && again.payouts == 1)
            let operatorA = Actor("operateur-a", organisation: .operator), operatorB = Actor("operateur-b", organisation: .operator)
            await #expect(throws: DomainError.self) {
                try await store.proposeBankDetails(ApplicationData.Bank(holder: "Clic", iban: "FR7630006000011234567890188", bic: "AGRIFRPP"),
                                                   place: unbanked, reason: "RIB reçu", actor: operatorA)
            }
            let change = try await store.proposeBankDetails(Territory.bank("Club Clic & Co"), place: unbanked, reason: "RIB reçu", actor: operatorA)
            // Recorded by one operator admin, not yet verified by a second: still held back.
            let pending = try await store.runPayouts(for: Month("2026-03")!)
            #expect(!pending.ran && pending.heldBack.count == 1)
            try await store.decideBankDetails(change: change.id, verify: true, reason: nil, actor: operatorB)
            let last = try await store.runPayouts(for: Month("2026-03")!)
            #expect(last.ran && last.heldBack.isEmpty && last.payouts == 2 && last.checks == 4 && last.total == Money(cents: 4000))
            // The second file pays only the place held back the first time: no transfer is ever in two files.
            let batches = try await store.payoutBatches(month: Month("2026-03")!)
            #expect(last.files.count == 2 && batches.count == 2)
            let second = try SEPAReader.read(try String(contentsOf: store.configuration.dataDirectory.appendingPathComponent(last.files[0]), encoding: .utf8))
            #expect(second.numberOfTransactions == ["1", "1"] && second.controlSums == ["10.00", "10.00"] && second.creditors == ["Club Clic Co"])
            #expect(second.messageIDs.count == 1 && second.messageIDs != parsed.messageIDs)
            try await expectInvariantsHold(store)
        }
    }

    @Test("SEPA text keeps to the SEPA character set and escapes XML")
    func sepaText() {
        #expect(SEPACreditTransfer.text("Médiathèque « Élise » & Cie", maximum: 70) == "Mediatheque Elise Cie")
        #expect(SEPACreditTransfer.text("L'Atelier", maximum: 70) == "L&apos;Atelier")
        #expect(SEPACreditTransfer.text(String(repeating: "a", count: 100), maximum: 70).count == 70)
        #expect(SEPACreditTransfer.amount(Money(cents: 1205)) == "12.05")
    }
}

/// Reads back the fields of a pain.001 document with Foundation's XML parser (an independent reader).
final class SEPAReader: NSObject, XMLParserDelegate {
    var numberOfTransactions: [String] = []
    var controlSums: [String] = []
    var amounts: [String] = []
    var endToEndIDs: [String] = []
    var remittances: [String] = []
    var creditors: [String] = []
    var messageIDs: [String] = []
    private var path: [String] = []
    private var text = ""

    static func read(_ xml: String) throws -> SEPAReader {
        let reader = SEPAReader()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = reader
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
        return reader
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        path.append(name)
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "NbOfTxs": numberOfTransactions.append(text)
        case "CtrlSum": controlSums.append(text)
        case "InstdAmt": amounts.append(text)
        case "EndToEndId": endToEndIDs.append(text)
        case "Ustrd": remittances.append(text)
        case "MsgId": messageIDs.append(text)
        case "Nm" where path.dropLast().last == "Cdtr": creditors.append(text)
        default: break
        }
        path.removeLast()
    }
}
