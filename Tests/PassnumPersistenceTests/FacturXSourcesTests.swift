import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("E-invoices' sources: buyer identifiers, engagement numbers, a month's documents")
struct FacturXSourcesTests {
    @Test("A funder's identifiers are checked, kept, journaled and read by its invoices; another funder cannot set them",
          arguments: TestDatabase.allCases)
    func buyerIdentifiers(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let manager = Actor("gestionnaire", organisation: .funder(territory.funder))
            #expect(try await store.buyerIdentifiers(funder: territory.funder) == BuyerIdentifiers())
            try await store.setBuyerIdentifiers(BuyerIdentifiers(siret: "732 829 320 00074", serviceCode: " SERVICE ", engagementNumber: "EJ-1"),
                                                funder: territory.funder, actor: manager)
            let expected = BuyerIdentifiers(siret: "73282932000074", serviceCode: "SERVICE", engagementNumber: "EJ-1")
            #expect(try await store.buyerIdentifiers(funder: territory.funder) == expected)
            // The invoice issued before reads them too: the XML is made when asked.
            #expect(try await store.invoices(funder: territory.funder).rows.first?.buyer == expected)
            await #expect(throws: DomainError.invalid(field: .siret, problem: .malformed)) {
                try await store.setBuyerIdentifiers(BuyerIdentifiers(siret: "73282932000075"), funder: territory.funder, actor: manager)
            }
            let other = try await store.createFunder(name: "Autre")
            await #expect(throws: DomainError.self) {
                try await store.setBuyerIdentifiers(BuyerIdentifiers(), funder: territory.funder, actor: Actor("x", organisation: .funder(other)))
            }
            #expect(try await store.buyerIdentifiers(funder: territory.funder) == expected)
            let reasons = try await store.read { tx in
                try await tx.sql.raw("SELECT actor, reference, reason FROM journal_transactions WHERE kind = 'settings_changed' ORDER BY id").all()
                    .map { "\(try $0.string("actor")) \(try $0.string("reference")): \(try $0.optionalString("reason") ?? "")" }
            }
            #expect(reasons == ["gestionnaire funder:\(territory.funder):buyer: SIRET 73282932000074, service code SERVICE, engagement number EJ-1"])
        }
    }

    @Test("An order's engagement number wins over the funder's, is editable until the invoice, and is journaled", arguments: TestDatabase.allCases)
    func engagementNumbers(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            try await store.setBuyerIdentifiers(BuyerIdentifiers(engagementNumber: "EJ-DEFAUT"), funder: territory.funder, actor: .system)
            let order = try await store.createOrder(programme: territory.programme, booklets: 1, engagementNumber: " ", actor: .system)
            #expect(try await store.order(order).engagementNumber == nil)
            try await store.setEngagementNumber("EJ-7", order: order, actor: Actor("f", organisation: .funder(territory.funder)))
            try await store.carry(order, to: .invoiced)
            await #expect(throws: DomainError.self) { try await store.setEngagementNumber("EJ-8", order: order, actor: .system) }
            await #expect(throws: DomainError.invalid(field: .engagementNumber, problem: .tooLong(max: 50))) {
                _ = try await store.createOrder(programme: territory.programme, booklets: 1, engagementNumber: String(repeating: "9", count: 51), actor: .system)
            }
            let invoices = try await store.invoices(funder: territory.funder).rows
            #expect(invoices.map(\.buyer.engagementNumber) == ["EJ-7", "EJ-DEFAUT"])
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM journal_transactions WHERE reference = 'order:\(order):engagement'") == 1)
        }
    }

    @Test("A month's documents: every invoice and credit note of the month, none of another, whatever the batch size",
          arguments: TestDatabase.allCases)
    func monthOfDocuments(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 1)  // F-2026-00001, in March
            for _ in 0..<4 {
                let order = try await store.createOrder(programme: territory.programme, booklets: 1, actor: .system)
                try await store.carry(order, to: .invoiced)
            }
            clock.set(CivilDate("2026-08-01")!.start.addingTimeInterval(60))
            let notes = try await store.expireProgrammes()
            #expect(notes.count == 1)
            for batch in [1, 2, 500] {
                var march: [String] = [], august: [String] = []
                try await store.forEachEDocument(issuedIn: Month("2026-03")!, batch: batch) { march.append($0.number) }
                try await store.forEachEDocument(issuedIn: Month("2026-08")!, batch: batch) { august.append($0.number) }
                #expect(march == (1...5).map { "F-2026-0000\($0)" })
                #expect(august == ["A-2026-00001"])
            }
            var none = 0
            try await store.forEachEDocument(issuedIn: Month("2026-04")!) { _ in none += 1 }
            #expect(none == 0)
            // The credit note corrects the five invoices of its programme's orders.
            let note = try #require(try await store.creditNotes().rows.first?.id)
            guard case .creditNote(_, let corrects) = try #require(try await store.eCreditNote(note, funder: territory.funder))
            else { Issue.record("not a credit note"); return }
            #expect(corrects.map(\.number) == (1...5).map { "F-2026-0000\($0)" } && corrects.allSatisfy { $0.issued == CivilDate("2026-03-02")! })
            let foreign = try await store.createFunder(name: "Autre")
            #expect(try await store.eCreditNote(note, funder: foreign) == nil)
        }
    }
}
