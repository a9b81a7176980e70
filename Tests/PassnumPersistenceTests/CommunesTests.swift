import Foundation
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing

@Suite("The communes the platform knows: learnt from published sites and perimeters, found by code, postcode or name")
struct CommunesTests {
    /// One imported (qualified, published) place per site: (commune name, postcode, INSEE code).
    static func publish(_ store: Store, _ sites: [(name: String, postcode: String, code: String)], firstPivot: Int = 0) async throws {
        let rows: [(line: Int, record: OpenData.Record)] = sites.enumerated().map { index, site in
            (index + 2, ["id": "site-\(firstPivot + index)", "pivot": Siret.completing(String(format: "%013d", 30_000_000 + firstPivot + index)),
                         "nom": "Espace numérique \(firstPivot + index)", "commune": site.name, "code_postal": site.postcode,
                         "code_insee": site.code, "adresse": "1 place de la Mairie", "date_maj": "2026-01-15",
                         "horaires": "Mo-Fr 09:00-12:00,14:00-17:00"])
        }
        #expect(try await store.importPlaces(rows, actor: Actor("test")).rejected.isEmpty)
    }

    static let sites: [(name: String, postcode: String, code: String)] = [
        ("Bordeaux", "33000", "33063"), ("Bordeaux", "33800", "33063"), ("Saint-Denis", "93200", "93066"),
        ("Saint-Denis", "97400", "97411"), ("Saint-Denis-de-Pile", "33910", "33398"), ("Coutras", "33230", "33138"),
        ("Les Peintures", "33230", "33316"), ("Périgueux", "24000", "24322"),
    ]

    static func names(_ match: CommuneMatch) -> [String] {
        switch match {
        case .one(let commune): ["one " + commune.code.value]
        case .several(let communes): communes.map { $0.code.value + " " + ($0.name ?? "-") + " " + $0.postcodes.joined(separator: ",") }
        case .unknownCode(let code): ["unknown " + code.value]
        case .tooMany: ["too many"]
        case .none: ["none"]
        }
    }

    @Test("An INSEE code, a postcode of one commune and a name one commune has give it; a shared postcode or name gives the candidates",
          arguments: TestDatabase.allCases)
    func matching(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            try await Self.publish(store, Self.sites)
            #expect(Self.names(try await store.communes(matching: "33063")) == ["one 33063"])
            #expect(Self.names(try await store.communes(matching: " 33800 ")) == ["one 33063"])
            #expect(Self.names(try await store.communes(matching: "perigueux")) == ["one 24322"])
            // "Bordeaux" exactly is one commune; "Saint-Denis" exactly is two, in two départements, and not the longer name.
            #expect(Self.names(try await store.communes(matching: "BORDEAUX")) == ["one 33063"])
            #expect(Self.names(try await store.communes(matching: "saint denis")) == [
                "93066 Saint-Denis 93200", "97411 Saint-Denis 97400", "33398 Saint-Denis-de-Pile 33910"])
            #expect(Self.names(try await store.communes(matching: "Saint-Denis-d")) == ["one 33398"])
            #expect(Self.names(try await store.communes(matching: "33230")) == ["33138 Coutras 33230", "33316 Les Peintures 33230"])
            #expect(Self.names(try await store.communes(matching: "Bordeaux (33000)")) == ["none"])
            #expect(Self.names(try await store.communes(matching: "Lyon")) == ["none"])
            #expect(Self.names(try await store.communes(matching: "3399")) == ["none"])
            #expect(Self.names(try await store.communes(matching: "–!")) == ["none"])
            // A well-formed code nobody gave may be a postcode the platform does not know ("75011", Paris 11e is 75111):
            // it is not taken as a commune, it is asked about.
            #expect(try await store.communes(matching: "59350") == .unknownCode(CommuneCode("59350")!))
            #expect(Self.names(try await store.communes(matching: "75011")) == ["unknown 75011"])
            #expect(Self.names(try await store.communes(matching: "2a004")) == ["unknown 2A004"])
        }
    }

    @Test("More than 20 communes starting with the text ask for more, and the exact name still wins", arguments: TestDatabase.allCases)
    func tooMany(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            try await Self.publish(store, (1...21).map { ("Saint-Aubin-\($0)", "61\(String(format: "%03d", $0))", "61\(String(format: "%03d", $0))") }
                                   + [("Saint", "61500", "61500")])
            #expect(try await store.communes(matching: "saint-a") == .tooMany)
            #expect(Self.names(try await store.communes(matching: "Saint")) == ["one 61500"])
            #expect(Self.names(try await store.communes(matching: "saint aubin 2")) == ["one 61002"])
        }
    }

    @Test("A programme's perimeter teaches a code without a name, and a site's name comes later", arguments: TestDatabase.allCases)
    func perimeter(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let funder = try await store.createFunder(name: "Département de la Gironde")
            var terms = Territory.standardTerms
            terms.perimeter = Perimeter(departements: [DepartementCode("33")!], communes: [CommuneCode("33063")!, CommuneCode("33243")!])
            _ = try await store.createProgramme(funder: funder, terms: terms)
            #expect(Self.names(try await store.communes(matching: "33243")) == ["one 33243"])
            #expect(try await store.communes(matching: "Libourne") == .none)
            try await Self.publish(store, [("Libourne", "33500", "33243")])
            #expect(try await store.communes(matching: "Libourne") == .one(KnownCommune(code: CommuneCode("33243")!, name: "Libourne", postcodes: ["33500"])))
        }
    }

    @Test("A commune keeps the first name a site gave it: a later site's typo or variant renames nothing", arguments: TestDatabase.allCases)
    func firstNameKept(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            try await Self.publish(store, [("Bordeaux", "33000", "33063")])
            try await Self.publish(store, [("Bordeaux Cedex", "33800", "33063"), ("Bordo", "33300", "33063")], firstPivot: 10)
            #expect(try await store.communes(matching: "33063") == .one(KnownCommune(code: CommuneCode("33063")!, name: "Bordeaux",
                                                                                        postcodes: ["33000", "33300", "33800"])))
            #expect(try await store.communes(matching: "Bordo") == .none)
            // In one batch too, the first name given stays.
            try await store.transaction { tx in
                try await tx.recordCommunes(ofSites: [(code: "24322", name: "Périgueux", postcode: "24000"), (code: "24322", name: "Perigeux", postcode: "24000")])
                try await tx.recordCommunes(ofSites: [(code: "24322", name: "Autre", postcode: "24000")])
            }
            #expect(Self.names(try await store.communes(matching: "24000")) == ["one 24322"])
            #expect(try await store.communes(matching: "Périgueux") == .one(KnownCommune(code: CommuneCode("24322")!, name: "Périgueux", postcodes: ["24000"])))
        }
    }

    @Test("The migration learns the communes of a database that already has published sites and perimeters", arguments: TestDatabase.allCases)
    func backfill(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            try await Self.publish(store, Self.sites)
            let funder = try await store.createFunder(name: "Département de la Dordogne")
            var terms = Territory.standardTerms
            terms.perimeter = Perimeter(departements: [DepartementCode("24")!], communes: [CommuneCode("24037")!])
            _ = try await store.createProgramme(funder: funder, terms: terms)
            let version = try #require(Schema.migrations.first { $0.name == "create communes" }?.version)
            // The database as it was before the migration, then migrated again.
            try await store.transaction { tx in
                try await tx.sql.raw("DROP TABLE commune_postcodes").run()
                try await tx.sql.raw("DROP TABLE communes").run()
                try await tx.sql.raw("DELETE FROM schema_migrations WHERE version = \(bind: Int64(version))").run()
            }
            try await Schema.migrate(store)
            let rows = try await store.read { tx in
                try await tx.sql.raw("SELECT code, name, name_key FROM communes ORDER BY code").all()
                    .map { "\(try $0.string("code")) \(try $0.optionalString("name") ?? "-") \(try $0.optionalString("name_key") ?? "-")" }
            }
            #expect(rows == ["24037 - -", "24322 Périgueux perigueux", "33063 Bordeaux bordeaux", "33138 Coutras coutras",
                             "33316 Les Peintures lespeintures", "33398 Saint-Denis-de-Pile saintdenisdepile", "93066 Saint-Denis saintdenis",
                             "97411 Saint-Denis saintdenis"])
            #expect(try await store.communes(matching: "33063") == .one(KnownCommune(code: CommuneCode("33063")!, name: "Bordeaux",
                                                                                        postcodes: ["33000", "33800"])))
        }
    }

    @Test("A recorded diagnostic keeps its date; the person's commune comes with its name when known", arguments: TestDatabase.allCases)
    func diagnosticDateAndCommuneName(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store)
            var person = try #require(try await store.beneficiary(territory.beneficiary, of: territory.prescriber))
            #expect(person.diagnosticAt == nil && person.communeName == nil && person.commune == "59350")
            try await store.recordDiagnostic(beneficiary: territory.beneficiary, prescriber: territory.prescriber, level: 3)
            try await Self.publish(store, [("Lille", "59000", "59350")])
            person = try #require(try await store.beneficiary(territory.beneficiary, of: territory.prescriber))
            #expect(person.level == 3 && person.diagnosticAt == Date(millis: clock.now.millis) && person.communeName == "Lille")
            let listed = try await store.beneficiaries(of: territory.prescriber, search: nil).rows
            #expect(listed.map(\.communeName) == ["Lille"] && listed.map(\.diagnosticAt) == [person.diagnosticAt])
        }
    }
}
