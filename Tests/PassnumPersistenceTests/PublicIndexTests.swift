import Foundation
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing

@Suite("The public index is kept by the operations that change what the public sees")
struct PublicIndexTests {
    /// Every row of the index, every column.
    struct Dump: Equatable {
        struct Place: Equatable {
            let id: Int64, listed: Int64, name: String, nameKey: String, mask: Int64, programmeCategories: Int64, card: String, fingerprint: String
        }
        struct Site: Equatable {
            let place: Int64, position: Int64, name: String, address: String, postcode: String, communeCode: String?, communeName: String
            let communeKey: String, departement: String, latitude: Double?, longitude: Double?, x: Int64?, y: Int64?, z: Int64?
            let access: String?, openData: String?
        }
        let places: [Place]
        let sites: [Site]
    }

    static func dump(_ store: Store) async throws -> Dump {
        try await store.read { tx in
            let places = try await tx.sql.raw("""
                SELECT place_id, listed, name, name_key, category_mask, programme_categories, card, fingerprint FROM public_places ORDER BY place_id
                """).all().map {
                Dump.Place(id: try $0.int("place_id"), listed: try $0.int("listed"), name: try $0.string("name"), nameKey: try $0.string("name_key"),
                           mask: try $0.int("category_mask"), programmeCategories: try $0.int("programme_categories"), card: try $0.string("card"),
                           fingerprint: try $0.string("fingerprint"))
            }
            let sites = try await tx.sql.raw("SELECT * FROM public_sites ORDER BY place_id, position").all().map {
                Dump.Site(place: try $0.int("place_id"), position: try $0.int("position"), name: try $0.string("name"), address: try $0.string("address"),
                          postcode: try $0.string("postcode"), communeCode: try $0.optionalString("commune_code"), communeName: try $0.string("commune_name"),
                          communeKey: try $0.string("commune_key"), departement: try $0.string("departement"),
                          latitude: try $0.decode(column: "latitude", as: Double?.self), longitude: try $0.decode(column: "longitude", as: Double?.self),
                          x: try $0.optionalInt("x"), y: try $0.optionalInt("y"), z: try $0.optionalInt("z"), access: try $0.optionalString("access"),
                          openData: try $0.optionalString("open_data"))
            }
            return Dump(places: places, sites: sites)
        }
    }

    /// The index as the operations left it, then emptied and rebuilt from scratch from the rows: the same rows.
    static func expectMatchesRebuild(_ store: Store, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(try await store.publicIndexDrift().isEmpty, "\(step)", sourceLocation: sourceLocation)
        let maintained = try await dump(store)
        try await tamper(store, "DELETE FROM public_sites")
        try await tamper(store, "DELETE FROM public_places")
        try await store.rebuildPublicIndex()
        #expect(try await dump(store) == maintained, "\(step)", sourceLocation: sourceLocation)
    }

    static let clic = ApplicationData.Organisation(name: "Association Clic", siret: "73282932000074", phone: "+33320000000",
                                                   email: "contact@clic.example.fr", summary: "Ateliers numériques")

    @Test("After each write path (state, affiliation, application, services, programmes, import, expiry), the index equals a rebuild",
          arguments: TestDatabase.allCases)
    func maintained(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 1)
            try await Self.expectMatchesRebuild(store, "territory")
            let start = try #require(try await store.publicIndexVersion())

            // A whole application: nothing public until the place is qualified.
            let (_, place) = try await store.signUpPlace(email: "clic@example.fr", name: "Claire", passwordHash: "x", placeName: "Clic")
            try await store.submit(.organisation(Self.clic), place: place)
            try await store.submit(.sites([ApplicationData.Site(name: "Clic Lille", address: "1 rue Nationale", postcode: "59000", communeCode: "59350",
                                                                communeName: "Lille", latitude: 50.63, longitude: 3.06),
                                           ApplicationData.Site(name: "Clic Lens", address: "2 place Jean Jaurès", postcode: "62300", communeCode: "62498",
                                                                communeName: "Lens")]), place: place)
            try await store.submit(.representative(ApplicationData.Representative(firstName: "Claire", lastName: "Dupont", role: "Présidente",
                                                                                   email: "claire@example.fr")), place: place)
            try await store.submit(.eligibility([true, true, true, true]), place: place)
            try await store.submit(.services(ApplicationData.Services(categories: [.everydayTools], accessibility: ["Surdité"])), place: place)
            try await store.submit(.hours(ApplicationData.Hours(openingHours: "Mo-Fr 09:00-17:00")), place: place)
            try await store.submit(.bank(ApplicationData.Bank(holder: "Association Clic", iban: "FR7630006000011234567890189", bic: "AGRIFRPP")), place: place)
            try await store.addDocument(place: place, filename: "statuts.pdf", bytes: Array("%PDF-1.4 statuts".utf8))
            try await store.submit(.documents, place: place)
            try await store.submitApplication(place: place, actor: Actor("claire@example.fr"))
            // Steps of a draft change nothing public: the index and its version stay as they were.
            #expect(try await store.publicIndexVersion() == start)
            try await store.changePlaceState(place, to: .qualified)
            try await Self.expectMatchesRebuild(store, "qualified")
            // Qualified with a SIRET: in the open data, not yet in the finder.
            #expect(try await store.publicPlace(place) == nil)
            #expect(try await store.openDataRecords().filter { $0["pivot"] == "73282932000074" }.map { $0["nom"] } == ["Clic Lille", "Clic Lens"])
            try await store.requestAffiliation(place: place, funder: territory.funder)
            try await store.decideAffiliation(place: place, funder: territory.funder, approve: true)
            try await Self.expectMatchesRebuild(store, "affiliated")
            let clic = try #require(try await store.publicPlace(place))
            #expect(clic.categories == [.everydayTools] && clic.phone == "+33320000000" && clic.accessibility == ["Surdité"])
            #expect(clic.sites.map(\.communeName) == ["Lille", "Lens"])

            // Services: the territory's place declared no category, so it shows its funder's programme's until it has a service.
            #expect(try await store.publicPlace(territory.place)?.categories == [.administrativeProcedures, .everydayTools, .safeUse])
            let service = try await store.addService(NewService(category: .leisure, title: "Photo", description: "Retoucher ses photos",
                                                                durationMinutes: 90, priceChecks: 2), place: territory.place)
            try await Self.expectMatchesRebuild(store, "service added")
            #expect(try await store.publicPlace(territory.place)?.categories == [.leisure])
            try await store.setServiceActive(service, place: territory.place, active: false)
            try await Self.expectMatchesRebuild(store, "service deactivated")

            // A new programme of the funder: the places showing its programmes' categories show the new ones too.
            var terms = Territory.standardTerms
            terms.name = "Matériel"
            terms.categories = [.equipment]
            let programme = try await store.createProgramme(funder: territory.funder, terms: terms)
            try await Self.expectMatchesRebuild(store, "programme created")
            #expect(try await store.publicPlace(territory.place)?.categories.contains(.equipment) == true)
            #expect(try await store.publicPlace(place)?.categories == [.everydayTools])
            terms.categories = [.access]
            try await store.updateProgramme(programme, of: territory.funder, terms: terms)
            try await Self.expectMatchesRebuild(store, "programme edited")
            #expect(try await store.publicPlace(territory.place)?.categories.contains(.access) == true)

            // Places imported from an open-data file, then affiliated and refused.
            let imported = PublicFixture.records([("Tiers-lieu", [.init(postcode: "59800", insee: "59350", commune: "Lille", coordinates: (50.64, 3.07))])],
                                                 firstPivot: 40)
            #expect(try await store.importPlaces(imported, actor: Actor("test")).rejected.isEmpty)
            try await Self.expectMatchesRebuild(store, "imported")
            let tiers = try await store.placeID(siret: Siret.completing(String(format: "%013d", 10_000_040)))
            try await store.requestAffiliation(place: tiers, funder: territory.funder)
            try await store.decideAffiliation(place: tiers, funder: territory.funder, approve: true)
            #expect(try await store.publicPlace(tiers) != nil)
            try await store.decideAffiliation(place: tiers, funder: territory.funder, approve: false, reason: "hors périmètre")
            try await Self.expectMatchesRebuild(store, "affiliation refused")
            #expect(try await store.publicPlace(tiers) == nil)

            // Expiry of every programme: no category left to show for the place without its own.
            clock.set(CivilDate("2026-08-01")!.start.addingTimeInterval(60))
            try await store.expireProgrammes()
            try await Self.expectMatchesRebuild(store, "programmes expired")
            #expect(try await store.publicPlace(territory.place)?.categories == [])

            try await store.changePlaceState(territory.place, to: .suspended, reason: "contrôle")
            try await Self.expectMatchesRebuild(store, "suspended")
            #expect(try await store.publicPlace(territory.place) == nil)
            let end = try #require(try await store.publicIndexVersion())
            #expect(end.version > start.version && end.changedAt == clock.now)
        }
    }

    @Test("A change behind the operations' back is seen: a drifted place is named, and a rebuild gives other rows", arguments: TestDatabase.allCases)
    func tamperingIsSeen(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let fixture = try await PublicFixture.make(store)
            let paris = try #require(fixture.places["Point Paris"])
            try await tamper(store, "UPDATE places SET name = 'Renommé' WHERE id = \(paris.rawValue)")
            #expect(try await store.publicIndexDrift() == [paris])
            try await store.rebuildPublicIndex()
            #expect(try await store.publicIndexDrift().isEmpty)

            try await tamper(store, "UPDATE public_sites SET postcode = '99999' WHERE place_id = \(paris.rawValue)")
            let tampered = try await Self.dump(store)
            try await tamper(store, "DELETE FROM public_sites")
            try await tamper(store, "DELETE FROM public_places")
            try await store.rebuildPublicIndex()
            #expect(try await Self.dump(store) != tampered)
            #expect(try await store.searchPlaces(PlaceSearch(text: "75001")).places.map(\.place.id) == [paris])
        }
    }
}
