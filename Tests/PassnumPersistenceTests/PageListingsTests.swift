import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

/// The listings behind the pages paged in issue 13 (the funder's stock, the payout preview, the funders of a place,
/// the operator's funders and programmes) and the set-based reads that replaced a query per row.
@Suite("Listings of the pages: paged by keyset, figures from set-based queries")
struct PageListingsTests {
    @Test("A funder's stock: booklets in stock by programme, and what each prescriber holds or may hold, paged by programme then prescriber",
          arguments: TestDatabase.allCases)
    func stockAndHoldings(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 10, quota: 100)
            let second = try await store.createProgramme(funder: territory.funder, terms: Territory.standardTerms)
            let order = try await store.createOrder(programme: second, booklets: 3, actor: .system)
            try await store.carry(order, to: .fulfilled)
            var prescribers = [territory.prescriber]
            for index in 0..<3 { prescribers.append(try await store.createPrescriber(name: "Prescripteur \(index)", commune: CommuneCode("59350")!)) }
            for (index, prescriber) in prescribers.enumerated() {
                try await store.setQuota(programme: territory.programme, prescriber: prescriber, booklets: 5, actor: .system)
                _ = try await store.allocate(programme: territory.programme, prescriber: prescriber, booklets: index + 1, actor: .system)
            }
            // A quota without booklets, and booklets without a quota (of the second programme).
            try await store.setQuota(programme: second, prescriber: prescribers[3], booklets: 7, actor: .system)
            try await store.setQuota(programme: second, prescriber: prescribers[1], booklets: 2, actor: .system)
            _ = try await store.allocate(programme: second, prescriber: prescribers[1], booklets: 2, actor: .system)
            let other = try await Territory.make(store, booklets: 2)
            _ = try await store.allocate(programme: other.programme, prescriber: other.prescriber, booklets: 1, actor: .system)

            let stock = try await store.stock(of: territory.funder)
            #expect(stock.map(\.programme) == [second, territory.programme] && stock.map(\.inStock) == [1, 0])

            try await PagingTests.expectWalk(limit: 2, count: 6, id: { [$0.programme.rawValue, $0.prescriber.id.rawValue] }) {
                try await store.holdings(of: territory.funder, $0)
            }
            let holdings = try await PagingTests.walk(limit: 4) { try await store.holdings(of: territory.funder, $0) }
            #expect(holdings.map { [$0.programme.rawValue, $0.prescriber.id.rawValue] }
                        == holdings.map { [$0.programme.rawValue, $0.prescriber.id.rawValue] }.sorted { $0.lexicographicallyPrecedes($1) })
            #expect(holdings.filter { $0.programme == territory.programme }.map(\.booklets) == [1, 2, 3, 4])
            #expect(holdings.filter { $0.programme == territory.programme }.allSatisfy { $0.quota == 5 })
            #expect(holdings.filter { $0.programme == second }.map { [$0.booklets, $0.quota ?? -1] } == [[2, 2], [0, 7]])
            #expect(!holdings.contains { $0.prescriber.id == other.prescriber })
        }
    }

    @Test("A prescriber's available stock counts the booklets with checks left and those checks, whatever their number",
          arguments: TestDatabase.allCases)
    func availableStock(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 4)
            let perBooklet = Territory.standardTerms.checksPerBooklet
            let none = try await store.availableStock(of: territory.prescriber)
            #expect(none.booklets == 0 && none.checks == 0)
            _ = try await territory.handOut(store, checks: 2)
            _ = try await territory.handOut(store)
            _ = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 1, actor: .system)
            let stock = try await store.availableStock(of: territory.prescriber)
            #expect(stock.booklets == 2 && stock.checks == (perBooklet - 2) + perBooklet)
            let booklets = try await store.booklets(of: territory.prescriber, withChecksLeft: true)
            #expect(booklets.rows.map(\.available).sorted() == [perBooklet - 2, perBooklet])
        }
    }

    @Test("The payout preview pages through the places with checks to pay, by name; its totals cover every place and take what places owe",
          arguments: TestDatabase.allCases)
    func payoutPreview(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 10)
            let face = Territory.standardTerms.faceValue
            // March: one check paid at the territory's place, then reversed: the place owes its value.
            let march = try await territory.handOut(store, checks: 1)
            _ = try await store.validate(territory.request(store, march))
            clock.set(CivilDate("2026-04-01")!.start.addingTimeInterval(9 * 3600))
            _ = try await store.runPayouts(for: Month("2026-03")!)
            _ = try await store.reverse(march[0], reason: "erreur", actor: Territory.verifier)
            // April: two checks at that place, one at each of four others.
            var places = [territory.place]
            for _ in 0..<4 { places.append(try await territory.place(store)) }
            let april = try await territory.handOut(store, checks: 6)
            _ = try await store.validate(territory.request(store, Array(april.prefix(2))))
            for (index, place) in places.dropFirst().enumerated() {
                _ = try await store.validate(territory.request(store, [april[2 + index]], at: place))
            }
            let month = Month("2026-04")!

            try await PagingTests.expectWalk(limit: 2, count: 5, id: \.place.id) { try await store.payoutPreview(for: month, $0) }
            let lines = try await PagingTests.walk(limit: 2) { try await store.payoutPreview(for: month, $0) }
            #expect(lines.map { [$0.place.name, String(format: "%020lld", $0.place.id.rawValue)] }
                        == lines.map { [$0.place.name, String(format: "%020lld", $0.place.id.rawValue)] }.sorted { $0.lexicographicallyPrecedes($1) })
            let owing = try #require(lines.first { $0.place.id == territory.place })
            #expect(owing.checks == 2 && owing.amount == face + face && owing.owed == face && owing.hasBankDetails)
            #expect(lines.filter { $0.place.id != territory.place }.allSatisfy { $0.checks == 1 && $0.amount == face && $0.owed == .zero })

            let statementsBefore = store.statementsExecuted
            let totals = try await store.payoutPreviewTotals(for: month)
            let placesToPay = try await store.payoutPlaces(for: month)
            // The confirmation page's figures: the totals in one statement, the places in another.
            #expect(store.statementsExecuted - statementsBefore == 2 && placesToPay == lines.count && placesToPay == 5)
            let expected = lines.reduce(Money.zero) { $0 + Deductions.take([(id: 0, remaining: $1.owed)], from: $1.amount).net }
            #expect(totals.checks == 6 && totals.amount == Money(cents: face.cents * 6) && totals.net == expected)
            #expect(totals.net == Money(cents: face.cents * 5))
            #expect(try await store.payoutPreview(for: Month("2026-05")!).rows.isEmpty)
            let may = try await store.payoutPreviewTotals(for: Month("2026-05")!)
            let mayPlaces = try await store.payoutPlaces(for: Month("2026-05")!)
            #expect(may.checks == 0 && may.amount == .zero && may.net == .zero && mayPlaces == 0)
        }
    }

    @Test("The funders (and a place's requests to each) and every programme page by keyset; a page of credit notes reads its terms at once",
          arguments: TestDatabase.allCases)
    func fundersAndProgrammes(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            for index in 0..<4 {
                let funder = try await store.createFunder(name: index % 2 == 0 ? "Commune" : "Agglomération")
                _ = try await store.createProgramme(funder: funder, terms: Territory.standardTerms)
            }
            try await PagingTests.expectWalk(limit: 2, count: 5, id: \.id) { try await store.funders($0) }
            let funders = try await PagingTests.walk(limit: 2) { try await store.funders($0) }
            #expect(funders.map { [$0.name, String(format: "%020lld", $0.id.rawValue)] }
                        == funders.map { [$0.name, String(format: "%020lld", $0.id.rawValue)] }.sorted { $0.lexicographicallyPrecedes($1) })

            try await PagingTests.expectWalk(limit: 2, count: 5, id: \.funder.id) { try await store.affiliations(of: territory.place, $0) }
            let requests = try await PagingTests.walk(limit: 3) { try await store.affiliations(of: territory.place, $0) }
            #expect(requests.filter { $0.state == .approved }.map(\.funder.id) == [territory.funder])
            #expect(requests.filter { $0.state == nil }.count == 4)

            try await PagingTests.expectWalk(limit: 2, count: 5, id: \.programme.programme.id) { try await store.programmes($0) }
            let programmes = try await PagingTests.walk(limit: 2) { try await store.programmes($0) }
            #expect(programmes.map(\.programme.programme.id.rawValue) == programmes.map(\.programme.programme.id.rawValue).sorted(by: >))
            let mine = try #require(programmes.first { $0.programme.programme.id == territory.programme })
            #expect(mine.funderName == "Département du Nord" && mine.programme.orders == 1
                    && mine.programme.programme.terms.shares == Territory.standardTerms.shares)
        }
    }
}
