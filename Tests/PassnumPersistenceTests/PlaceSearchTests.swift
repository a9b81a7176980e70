import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

/// Places imported from open-data records (qualified, with sites) and affiliated to the territory's funder: the
/// finder's data without going through whole applications.
struct PublicFixture {
    let territory: Territory
    /// By name.
    let places: [String: PlaceID]

    struct Site {
        var postcode: String, insee: String, commune: String
        var coordinates: (Double, Double)? = nil
    }

    static let sites: [(name: String, sites: [Site])] = [
        ("Médiathèque de Roubaix", [Site(postcode: "59100", insee: "59512", commune: "Roubaix", coordinates: (50.6942, 3.1746))]),
        ("Espace Lille", [Site(postcode: "59000", insee: "59350", commune: "Lille", coordinates: (50.6292, 3.0573))]),
        ("Club d'Arras", [Site(postcode: "62000", insee: "62041", commune: "Arras", coordinates: nil)]),
        ("Point Paris", [Site(postcode: "75001", insee: "75101", commune: "Paris", coordinates: (48.8566, 2.3522))]),
        ("Écrivain public", [Site(postcode: "59160", insee: "59355", commune: "Lomme", coordinates: (50.6437, 2.9869)),
                             Site(postcode: "62110", insee: "62427", commune: "Hénin-Beaumont", coordinates: (50.4211, 2.9506))]),
    ]

    static func records(_ entries: [(name: String, sites: [Site])], firstPivot: Int = 0) -> [(line: Int, record: OpenData.Record)] {
        var rows: [(line: Int, record: OpenData.Record)] = []
        for (index, entry) in entries.enumerated() {
            for (position, site) in entry.sites.enumerated() {
                var record = ["id": "lieu-\(firstPivot + index)-\(position)", "pivot": Siret.completing(String(format: "%013d", 10_000_000 + firstPivot + index)),
                              "nom": entry.name, "commune": site.commune, "code_postal": site.postcode, "code_insee": site.insee,
                              "adresse": "\(position + 1) rue de la Gare", "date_maj": "2026-01-15"]
                if let coordinates = site.coordinates {
                    record["latitude"] = "\(coordinates.0)"
                    record["longitude"] = "\(coordinates.1)"
                }
                rows.append((rows.count + 2, record))
            }
        }
        return rows
    }

    /// The territory (its own place, "Médiathèque de Lille", has no site: it is found at its record's postcode and
    /// commune), then the places above, imported and affiliated.
    static func make(_ store: Store, entries: [(name: String, sites: [Site])] = sites) async throws -> PublicFixture {
        let territory = try await Territory.make(store, booklets: 1)
        let report = try await store.importPlaces(records(entries), actor: Actor("test"))
        #expect(report.rejected.isEmpty)
        var places: [String: PlaceID] = ["Médiathèque de Lille": territory.place]
        for (index, entry) in entries.enumerated() {
            let id = try await store.placeID(siret: Siret.completing(String(format: "%013d", 10_000_000 + index)))
            try await store.requestAffiliation(place: id, funder: territory.funder)
            try await store.decideAffiliation(place: id, funder: territory.funder, approve: true)
            places[entry.name] = id
        }
        return PublicFixture(territory: territory, places: places)
    }

    func names(_ results: PlaceResults) -> [String] { results.places.map(\.place.name) }
}

extension Store {
    func placeID(siret: String) async throws -> PlaceID {
        try await read { tx in
            PlaceID(try #require(try await tx.sql.raw("SELECT id FROM places WHERE siret = \(bind: siret)").first(decodingColumn: "id", as: Int64.self)))
        }
    }

    /// Every page of a search, `limit` at a time.
    func allPages(_ search: PlaceSearch, limit: Int) async throws -> [PlaceResults] {
        var pages: [PlaceResults] = []
        var cursor: PlaceCursor?
        repeat {
            let page = try await searchPlaces(search, after: cursor, limit: limit)
            pages.append(page)
            // Through the token, as a client sends it back.
            cursor = try page.next.map { try #require(PlaceCursor(token: $0.token, for: search)) }
        } while cursor != nil && pages.count < 50
        return pages
    }
}

@Suite("Place search")
struct PlaceSearchTests {
    @Test("A postcode start is a range of postcodes; the first matching site with coordinates, in name order, is the reference point and places come nearest first, those without coordinates last",
          arguments: TestDatabase.allCases)
    func nearestFirst(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let fixture = try await PublicFixture.make(store)
            let found = try await store.searchPlaces(PlaceSearch(text: "59"))
            // "Écrivain public" (Lomme) comes first by name and has coordinates: the reference point.
            #expect(fixture.names(found) == ["Écrivain public", "Espace Lille", "Médiathèque de Roubaix", "Médiathèque de Lille"])
            let kilometres = found.places.map(\.kilometres)
            #expect(kilometres[0] == 0)
            #expect(abs((kilometres[1] ?? 0) - 5.2) < 1 && abs((kilometres[2] ?? 0) - 14.3) < 1)
            #expect(kilometres[3] == nil)
            #expect(found.first == 1 && found.next == nil)
        }
    }

    @Test("Each filter: commune name start without case or accents, INSEE code, postcode, département, service; no text, by name and without distance",
          arguments: TestDatabase.allCases)
    func filters(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let fixture = try await PublicFixture.make(store)
            func names(_ search: PlaceSearch) async throws -> [String] { fixture.names(try await store.searchPlaces(search)) }
            #expect(try await names(PlaceSearch(text: "lille")) == ["Espace Lille"])
            #expect(try await names(PlaceSearch(text: "LIL")) == ["Espace Lille"])
            #expect(try await names(PlaceSearch(text: "hénin")) == ["Écrivain public"])
            #expect(try await names(PlaceSearch(text: "Henin Beau")) == ["Écrivain public"])
            // The commune's name is matched from its start only.
            #expect(try await names(PlaceSearch(text: "beaumont")).isEmpty)
            // A five-digit text is a postcode or an INSEE code: the territory's place has no site but its record's commune.
            #expect(Set(try await names(PlaceSearch(text: "59350"))) == ["Espace Lille", "Médiathèque de Lille"])
            #expect(try await names(PlaceSearch(text: "75101")) == ["Point Paris"])
            #expect(try await names(PlaceSearch(text: "75001")) == ["Point Paris"])
            #expect(try await names(PlaceSearch(text: "2A004")).isEmpty)
            #expect(try await names(PlaceSearch(text: "--")).isEmpty)
            #expect(try await names(PlaceSearch(departement: "62")) == ["Club d'Arras", "Écrivain public"])
            #expect(try await names(PlaceSearch(text: "62", departement: "59")).isEmpty)
            #expect(try await names(PlaceSearch(text: "lomme", departement: "59")) == ["Écrivain public"])

            let everyone = try await store.searchPlaces(PlaceSearch())
            #expect(fixture.names(everyone) == ["Club d'Arras", "Écrivain public", "Espace Lille", "Médiathèque de Lille",
                                                "Médiathèque de Roubaix", "Point Paris"])
            #expect(everyone.places.allSatisfy { $0.kilometres == nil })

            // Without a service of its own a place shows its funders' programme categories; with one, its own.
            try await store.addService(NewService(category: .parenting, title: "Écrans en famille", description: "Atelier", durationMinutes: 60,
                                                  priceChecks: 1), place: fixture.places["Point Paris"]!)
            #expect(try await names(PlaceSearch(category: .parenting)) == ["Point Paris"])
            #expect(try await names(PlaceSearch(category: .everydayTools)).count == 5)
            #expect(try await names(PlaceSearch(text: "75", category: .everydayTools)).isEmpty)
            #expect(try await names(PlaceSearch(category: .equipment)).isEmpty)
        }
    }

    @Test("Only places that are qualified and accept a funder's checks are found; a suspended place goes at once",
          arguments: TestDatabase.allCases)
    func onlyListedPlaces(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let fixture = try await PublicFixture.make(store)
            // Imported but not affiliated: in the open data, not in the finder.
            _ = try await store.importPlaces(PublicFixture.records([("Tiers-lieu", [.init(postcode: "59000", insee: "59350", commune: "Lille")])],
                                                                   firstPivot: 90), actor: Actor("test"))
            #expect(!fixture.names(try await store.searchPlaces(PlaceSearch())).contains("Tiers-lieu"))
            #expect(try await store.openDataRecords().contains { $0["nom"] == "Tiers-lieu" })
            try await store.changePlaceState(fixture.places["Espace Lille"]!, to: .suspended, reason: "contrôle")
            #expect(try await store.searchPlaces(PlaceSearch(text: "lille")).places.isEmpty)
            #expect(try await store.publicPlace(fixture.places["Espace Lille"]!) == nil)
            #expect(try await store.publicPlace(fixture.places["Point Paris"]!)?.sites.map(\.communeName) == ["Paris"])
        }
    }

    @Test("Pages of a cursor cover every result exactly once, in the order of one big page, by distance and by name",
          arguments: TestDatabase.allCases)
    func cursorPages(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            // Two places with the same name and coordinates: the id breaks the tie.
            let twins = [("Espace Lille", [PublicFixture.Site(postcode: "59000", insee: "59350", commune: "Lille", coordinates: (50.6292, 3.0573))])]
            _ = try await PublicFixture.make(store, entries: PublicFixture.sites + twins)
            for search in [PlaceSearch(text: "59"), PlaceSearch(), PlaceSearch(departement: "59"), PlaceSearch(text: "lil")] {
                let whole = try await store.searchPlaces(search, limit: 100)
                #expect(whole.next == nil)
                for limit in [1, 2, 3] {
                    let pages = try await store.allPages(search, limit: limit)
                    #expect(pages.flatMap { $0.places.map(\.place.id) } == whole.places.map(\.place.id), "\(search) by \(limit)")
                    #expect(pages.flatMap { $0.places.map(\.kilometres) } == whole.places.map(\.kilometres))
                    #expect(pages.map(\.first) == pages.indices.map { $0 * limit + 1 })
                    #expect(pages.dropLast().allSatisfy { $0.places.count == limit && $0.next != nil })
                }
            }
            #expect(try await store.searchPlaces(PlaceSearch(), limit: 1000).places.count == 7)
            #expect(try await store.searchPlaces(PlaceSearch(), limit: 0).places.count == 1)
        }
    }

    @Test("A search, a place and a page of open data send as many statements for 6 places as for 60; open-data pages cover every record once",
          arguments: TestDatabase.allCases)
    func statementsDoNotGrow(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let fixture = try await PublicFixture.make(store)
            let searches = [PlaceSearch(), PlaceSearch(text: "59"), PlaceSearch(text: "lille"), PlaceSearch(departement: "59", category: .everydayTools)]
            func counts() async throws -> [Int] {
                var counts: [Int] = []
                for search in searches {
                    let before = store.statementsExecuted
                    let page = try await store.searchPlaces(search)
                    _ = try await store.searchPlaces(search, after: page.next)
                    counts.append(store.statementsExecuted - before)
                }
                let before = store.statementsExecuted
                _ = try await store.publicPlace(fixture.places["Espace Lille"]!)
                _ = try await store.openDataPage(limit: 5)
                return counts + [store.statementsExecuted - before]
            }
            let small = try await counts()
            let more = (0..<54).map { ("Lieu \($0)", [PublicFixture.Site(postcode: "59000", insee: "59350", commune: "Lille", coordinates: (50.6, 3.0))]) }
            _ = try await store.importPlaces(PublicFixture.records(more, firstPivot: 100), actor: Actor("test"))
            for index in 0..<54 {
                let place = try await store.placeID(siret: Siret.completing(String(format: "%013d", 10_000_100 + index)))
                try await store.requestAffiliation(place: place, funder: fixture.territory.funder)
                try await store.decideAffiliation(place: place, funder: fixture.territory.funder, approve: true)
            }
            #expect(try await store.searchPlaces(PlaceSearch(), limit: 100).places.count == 60)
            let large = try await counts()
            #expect(large == small, "\(small) statements with 6 places, \(large) with 60")

            var paged: [OpenData.Record] = []
            var after: OpenDataPage.Position?
            repeat {
                let page = try await store.openDataPage(after: after, limit: 7)
                paged += page.records
                after = page.next
            } while after != nil
            let whole = try await store.openDataRecords()
            #expect(paged == whole && whole.count == 60 && Set(whole.compactMap { $0["id"] }).count == 60)
        }
    }

    @Test("A cursor is read only for the search that made it; anything else is refused without a crash")
    func malformedCursors() throws {
        let search = PlaceSearch(text: "59")
        let cursor = PlaceCursor(distance: 250_000, nameKey: "espacelille", place: PlaceID(7), shown: 20, search: search.digest)
        #expect(PlaceCursor(token: cursor.token, for: search) == cursor)
        #expect(PlaceCursor(token: cursor.token, for: PlaceSearch(text: "59", category: .parenting)) == nil)
        #expect(PlaceCursor(token: cursor.token, for: PlaceSearch(text: "62")) == nil)
        // Well-formed tokens (base64url, no padding) around bad contents, so that each reaches the parsing it tests.
        func token(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let digest = search.digest
        for bad in ["", "nope", "!!!!", String(repeating: "A", count: 401), cursor.token + "=", String(cursor.token.dropFirst(4)),
                    token("p1|-1|7|20|\(digest)|a"), token("p1|1e3|7|20|\(digest)|a"),
                    token("p1|100000000000000001|7|20|\(digest)|a"), token("p1|9999999999999999999|7|20|\(digest)|a"), token("p1|0|-7|20|\(digest)|a"),
                    token("p1|0|7|0|\(digest)|a"), token("p1|0|99999999999999999999|20|\(digest)|a"), token("p1|0|7|20|\(digest)|Espace"),
                    token("p2|0|7|20|\(digest)|a"), token("p1|0|7|20|\(digest)"), token("\u{FFFF}\u{0}"), token(String(repeating: "|", count: 300))] {
            #expect(PlaceCursor(token: bad, for: search) == nil, "\(bad)")
        }
        #expect(PlaceCursor(token: token("p1|0|7|20|\(digest)|a|b"), for: search) == nil)
    }

    @Test("Keys ignore case, accents and punctuation; prefixes become ranges")
    func keys() {
        #expect(PlaceSearch.key("Saint-Étienne") == "saintetienne")
        #expect(PlaceSearch.key("L'Haÿ-les-Roses") == "lhaylesroses")
        #expect(PlaceSearch.key("Œuvre") == "oeuvre")
        #expect(PlaceSearch.upperBound("59") == "5a")
        #expect(PlaceSearch.upperBound("lil") == "lim")
        #expect(PlaceSearch.upperBound("az") == "b")
        #expect(PlaceSearch.upperBound("zz") == nil)
        #expect(PlaceSearch(text: "  Lille  ", departement: " 2a ").departement == "2A")
        #expect(PlaceSearch(text: String(repeating: "x", count: 500)).text.count == 100)
    }
}
