import Foundation
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing

@Suite("Keyset pages: every row once, in order; cursors read with bounds")
struct PagingTests {
    /// Every page of a listing, `limit` rows at a time, until the last; fails if a page is longer than asked or the
    /// walk does not end.
    static func walk<Row>(limit: Int, _ fetch: (PageRequest) async throws -> Page<Row>) async throws -> [Row] {
        var rows: [Row] = []
        var request = PageRequest(limit: limit)
        for _ in 0..<1_000 {
            let page = try await fetch(request)
            #expect(page.rows.count <= limit)
            rows += page.rows
            guard let next = page.next else { return rows }
            // The cursor goes through its token, as a link or a client would carry it.
            request = PageRequest(after: try #require(Cursor(token: next.token, for: next.listing)), limit: limit)
        }
        Issue.record("the walk did not end")
        return rows
    }

    /// The walk in pages of `limit` gives the rows of one big page, once each, and as many as the table holds.
    static func expectWalk<Row, ID: Hashable>(limit: Int, count: Int, id: (Row) -> ID, _ fetch: (PageRequest) async throws -> Page<Row>) async throws {
        let whole = try await fetch(PageRequest(limit: PageRequest.maximumLimit))
        #expect(whole.next == nil && whole.rows.count == count)
        let walked = try await walk(limit: limit, fetch)
        #expect(walked.map(id) == whole.rows.map(id))
        #expect(Set(walked.map(id)).count == count)
    }

    @Test("A cursor's token reads back as itself for its own listing only")
    func tokens() throws {
        let cursors = [
            Cursor(listing: .journal, keys: [], id: 42),
            Cursor(listing: .validations, keys: [.integer(1_790_000_000_000)], id: 7),
            Cursor(listing: .places, keys: [.text("Médiathèque « Ô » | 1.2/3+4")], id: 9),
            Cursor(listing: .affiliations, keys: [.integer(0), .text("")], id: 1),
            Cursor(listing: .beneficiaries, keys: [.text("Martin"), .text("Zoé")], id: Int64.max),
        ]
        for cursor in cursors {
            let token = cursor.token
            #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } && token.unicodeScalars.allSatisfy(\.isASCII))
            #expect(Cursor(token: token, for: cursor.listing) == cursor)
            for other in Listing.allCases where other != cursor.listing {
                #expect(Cursor(token: token, for: other) == nil, "\(cursor.listing) read as \(other)")
            }
        }
    }

    @Test("A malformed, forged or oversized cursor is refused, never trusted")
    func malformed() {
        func encoded(_ text: String) -> String { Data(text.utf8).base64URL }
        let refused = [
            "", "nope", "====", "a b", "%00", String(repeating: "A", count: 401), "é",
            encoded("k1.journal"), encoded("k1.journal.0"), encoded("k1.journal.-3"), encoded("k1.journal.x"),
            encoded("k1.journal.99999999999999999999"), encoded("k2.journal.1"), encoded("k1.journal.1.i5"),
            encoded("k1.validations.1"), encoded("k1.validations.1.t" + encoded("x")), encoded("k1.validations.1.i"),
            encoded("k1.validations.1.i12345678901234567890123"), encoded("k1.places.1.i4"), encoded("k1.places.1.t***"),
            encoded("k1.places.1.t" + encoded(String(repeating: "x", count: 201))), encoded("k1.unknown.1"),
        ]
        for token in refused {
            #expect(Cursor(token: token, for: .journal) == nil && Cursor(token: token, for: .validations) == nil
                        && Cursor(token: token, for: .places) == nil, "accepted \(token.prefix(40))")
        }
    }

    @Test("A page asks for 1 to 100 rows, 50 by default")
    func limits() {
        #expect(PageRequest().limit == 50 && PageRequest.first.limit == 50)
        #expect(PageRequest(limit: 0).limit == 1 && PageRequest(limit: -5).limit == 1)
        #expect(PageRequest(limit: 101).limit == 100 && PageRequest(limit: Int.max).limit == 100 && PageRequest(limit: 7).limit == 7)
    }

    @Test("Walking the journal, validations, hand-outs, booklets and check states page by page gives every row once, in order, even on ties",
          arguments: TestDatabase.allCases)
    func distributionAndRedemption(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 8)
            // Several hand-outs and validations at the same instant: the id breaks the ties.
            var serials: [CheckSerial] = []
            for _ in 0..<3 { serials += try await territory.handOut(store) }
            clock.advance(seconds: 60)
            serials += try await territory.handOut(store, checks: 4)
            for serial in serials.prefix(7) { #expect(try await store.validate(territory.request(store, [serial])).accepted) }
            clock.advance(seconds: 60)
            #expect(try await store.validate(territory.request(store, Array(serials[7..<10]))).accepted)

            try await Self.expectWalk(limit: 3, count: try await count(store, "SELECT COUNT(*) AS n FROM journal_transactions"), id: \.id) {
                try await store.journal($0)
            }
            try await Self.expectWalk(limit: 2, count: 10, id: \.id) { try await store.validations(at: territory.place, $0) }
            try await Self.expectWalk(limit: 4, count: 34, id: \.check.serial) { try await store.handOuts(of: territory.prescriber, $0) }
            try await Self.expectWalk(limit: 3, count: 4, id: \.id) { try await store.booklets(of: territory.prescriber, $0) }
            try await Self.expectWalk(limit: 7, count: 80, id: \.serial) { try await store.checkStates(of: territory.funder, $0) }

            // The orders of each listing, checked here rather than trusted to the SQL.
            let validations = try await Self.walk(limit: 2) { try await store.validations(at: territory.place, $0) }
            #expect(validations.map { [$0.validatedAt.millis, $0.id.rawValue] }
                        == Array(validations.map { [$0.validatedAt.millis, $0.id.rawValue] }.sorted { $0.lexicographicallyPrecedes($1) }.reversed()))
            let journal = try await Self.walk(limit: 5) { try await store.journal($0) }
            #expect(journal.map(\.id.rawValue) == journal.map(\.id.rawValue).sorted(by: >))
            let states = try await Self.walk(limit: 9) { try await store.checkStates(of: territory.funder, $0) }
            #expect(states.map(\.serial.number) == states.map(\.serial.number).sorted())
        }
    }

    @Test("Walking places, affiliations, beneficiaries, orders and invoices page by page gives every row once, in order, even on equal names",
          arguments: TestDatabase.allCases)
    func organisations(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            // Five more places named alike ("Centre social"), three affiliated, one only asking.
            for index in 0..<5 { _ = try await territory.place(store, affiliated: index < 3) }
            let asking = try await territory.place(store, affiliated: false)
            try await store.requestAffiliation(place: asking, funder: territory.funder)
            for index in 0..<6 {
                _ = try await store.createBeneficiary(NewBeneficiary(
                    firstName: index < 3 ? "Anne" : "Zoé", lastName: index % 2 == 0 ? "Martin" : "Dupont", birthYear: nil,
                    commune: CommuneCode("59350")!, consentDate: CivilDate(store.clock.now)), prescriber: territory.prescriber)
            }
            for _ in 0..<4 {
                let order = try await store.createOrder(programme: territory.programme, booklets: 1, actor: .system)
                try await store.carry(order, to: .invoiced)
            }

            try await Self.expectWalk(limit: 2, count: 7, id: \.id) { try await store.places($0) }
            try await Self.expectWalk(limit: 2, count: 7, id: \.id) { try await store.places(in: .qualified, $0) }
            try await Self.expectWalk(limit: 2, count: 5, id: \.place.id) { try await store.affiliations(of: territory.funder, $0) }
            try await Self.expectWalk(limit: 2, count: 7, id: \.id) { try await store.beneficiaries(of: territory.prescriber, search: nil, $0) }
            try await Self.expectWalk(limit: 2, count: 3, id: \.id) { try await store.beneficiaries(of: territory.prescriber, search: "zo", $0) }
            try await Self.expectWalk(limit: 2, count: 5, id: \.summary.id) { try await store.orders(of: territory.funder, $0) }
            try await Self.expectWalk(limit: 2, count: 5, id: \.summary.id) { try await store.orders($0) }
            try await Self.expectWalk(limit: 2, count: 5, id: \.id) { try await store.invoices(funder: territory.funder, place: nil, $0) }

            let places = try await Self.walk(limit: 2) { try await store.places($0) }
            #expect(places.map { [$0.name, String(format: "%020lld", $0.id.rawValue)] }
                        == places.map { [$0.name, String(format: "%020lld", $0.id.rawValue)] }.sorted { $0.lexicographicallyPrecedes($1) })
            let affiliations = try await Self.walk(limit: 2) { try await store.affiliations(of: territory.funder, $0) }
            #expect(affiliations.first?.place.id == asking && affiliations.first?.state == .requested)
            let people = try await Self.walk(limit: 2) { try await store.beneficiaries(of: territory.prescriber, search: nil, $0) }
            #expect(people.map { [$0.lastName, $0.firstName] } == people.map { [$0.lastName, $0.firstName] }.sorted { $0.lexicographicallyPrecedes($1) })
        }
    }

    @Test("A page costs the same statements whatever its size or position; another listing's cursor reads the first page",
          arguments: TestDatabase.allCases)
    func boundedStatements(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            for _ in 0..<6 { _ = try await territory.place(store) }
            func statements(_ body: () async throws -> Void) async throws -> Int {
                let before = store.statementsExecuted
                try await body()
                return store.statementsExecuted - before
            }
            let first = try await store.journal(PageRequest(limit: 2))
            let next = try #require(first.next)
            let small = try await statements { _ = try await store.journal(PageRequest(limit: 1)) }
            let large = try await statements { _ = try await store.journal(PageRequest(limit: 100)) }
            let later = try await statements { _ = try await store.journal(PageRequest(after: next, limit: 2)) }
            #expect(small == large && large == later)
            let fewPlaces = try await statements { _ = try await store.places(PageRequest(limit: 1)) }
            let manyPlaces = try await statements { _ = try await store.places(PageRequest(limit: 100)) }
            #expect(fewPlaces == manyPlaces)

            // A cursor is tied to its listing: given to another, it is ignored rather than misread.
            let places = try await store.places(PageRequest(after: next, limit: 3))
            #expect(places.rows.map(\.id) == (try await store.places(PageRequest(limit: 3))).rows.map(\.id))
        }
    }
}
