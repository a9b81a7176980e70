import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

/// The public statistics read counters kept by the operations; these tests play a small story and hold the figures,
/// the secrecy of small counts, `verify` and a rebuild to what the story did.
@Suite("Public statistics of use")
struct UsageStatisticsTests {
    /// March: 3 people get a booklet each, 4 checks are used by them at 2 places. April: 5 more people use one check each
    /// at one place, and one validation is undone.
    static func story(_ store: Store, _ clock: ManualClock) async throws -> Territory {
        let territory = try await Territory.make(store, booklets: 10)
        let second = try await territory.place(store)
        var people: [BeneficiaryID] = [territory.beneficiary]
        for index in 1..<8 {
            people.append(try await store.createBeneficiary(NewBeneficiary(
                firstName: "Personne", lastName: "N\(index)", birthYear: 1960, commune: CommuneCode("59350")!,
                consentDate: CivilDate(store.clock.now)), prescriber: territory.prescriber))
        }
        func handOut(_ person: BeneficiaryID) async throws -> [CheckSerial] {
            let booklet = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 1, actor: .system)[0]
            return try await store.handOut(booklet: booklet, checks: nil, to: person, by: territory.prescriber)
        }
        var march: [[CheckSerial]] = []
        for person in people.prefix(3) { march.append(try await handOut(person)) }
        _ = try await store.validate(territory.request(store, [march[0][0], march[0][1]]))
        _ = try await store.validate(territory.request(store, [march[1][0]]))
        _ = try await store.validate(territory.request(store, [march[2][0]], at: second))
        clock.advance(seconds: 31 * 86_400)
        var april: [CheckSerial] = []
        for person in people.suffix(5) { april.append(try await handOut(person)[0]) }
        for serial in april { _ = try await store.validate(territory.request(store, [serial])) }
        try await store.undoValidation(of: april[4], at: territory.place)
        return territory
    }

    @Test("The figures by département and month are what the story did; small counts are secret", arguments: TestDatabase.allCases)
    func figures(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            _ = try await Self.story(store, clock)
            let rows = try await store.usageStatistics(months: Month("2026-01")!...Month("2026-12")!)
            #expect(rows.map(\.departement.value) == ["59", "59"])
            #expect(rows.map(\.month.description) == ["2026-03", "2026-04"])
            let march = rows[0].figures, april = rows[1].figures
            #expect(march == UsageFigures(issued: 100, handedOut: 30, used: 4, people: 3, places: 2, amount: Money(cents: 4_000)))
            // The undone validation no longer counts as used, but its person and place were helped and active that month.
            #expect(april == UsageFigures(issued: 0, handedOut: 50, used: 4, people: 5, places: 1, amount: Money(cents: 4_000)))
            let published = StatisticalSecrecy.publish(march)
            #expect(published.people == nil && published.handedOut == 30 && published.places == 2)
            #expect(published.used == nil && published.amount == nil && published.usageRate == nil, "what the 3 people used is theirs")
            #expect(StatisticalSecrecy.publish(april).people == 5)
            // One département asked for: the same rows; another: none.
            #expect(try await store.usageStatistics(months: Month("2026-03")!...Month("2026-03")!, departement: DepartementCode("59")) == [rows[0]])
            #expect(try await store.usageStatistics(months: Month("2026-01")!...Month("2026-12")!, departement: DepartementCode("62")).isEmpty)
            try await expectInvariantsHold(store)
        }
    }

    @Test("One département is chosen in the SQL: two statements whichever is asked, only its rows", arguments: TestDatabase.allCases)
    func oneDepartementInSQL(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Self.story(store, clock)
            // A programme of the Pas-de-Calais (62), whose checks are issued in April.
            var terms = Territory.standardTerms
            terms.name = "Pass numérique Pas-de-Calais"
            terms.perimeter = Perimeter(departements: [DepartementCode("62")!])
            let other = try await store.createProgramme(funder: territory.funder, terms: terms)
            try await store.carry(try await store.createOrder(programme: other, booklets: 3, actor: .system), to: .fulfilled)
            // A programme over the Nord and the Pas-de-Calais counts in the Nord, the first of its perimeter, added to the
            // Nord's first programme.
            terms.name = "Pass numérique Hauts-de-France"
            terms.perimeter = Perimeter(departements: [DepartementCode("59")!, DepartementCode("62")!])
            let both = try await store.createProgramme(funder: territory.funder, terms: terms)
            try await store.carry(try await store.createOrder(programme: both, booklets: 2, actor: .system), to: .fulfilled)
            let year = Month("2026-01")!...Month("2026-12")!
            let all = try await store.usageStatistics(months: year)
            #expect(all.map { "\($0.departement.value) \($0.month)" } == ["59 2026-03", "59 2026-04", "62 2026-04"])
            #expect(all[1].figures == UsageFigures(issued: 20, handedOut: 50, used: 4, people: 5, places: 1, amount: Money(cents: 4_000)))
            #expect(all[2].figures == UsageFigures(issued: 30))
            var statements: Set<Int> = []
            for (departement, expected) in [("59", Array(all.prefix(2))), ("62", [all[2]]), ("2A", [])] {
                let before = store.statementsExecuted
                #expect(try await store.usageStatistics(months: year, departement: DepartementCode(departement)) == expected, "\(departement)")
                statements.insert(store.statementsExecuted - before)
            }
            let before = store.statementsExecuted
            _ = try await store.usageStatistics(months: year)
            statements.insert(store.statementsExecuted - before)
            #expect(statements == [2], "\(statements)")
            // Only the chosen département's rows are read: a corrupt programme elsewhere breaks the whole country's figures,
            // not the Nord's.
            try await tamper(store, "UPDATE programmes SET departements = 'ZZ' WHERE id = \(other.rawValue)")
            await #expect(throws: CorruptValue.self) { try await store.usageStatistics(months: year) }
            #expect(try await store.usageStatistics(months: year, departement: DepartementCode("59")) == Array(all.prefix(2)))
        }
    }

    @Test("verify names a drifting count of people, and a rebuild from the redemptions gives back the marks and counters kept",
          arguments: TestDatabase.allCases)
    func verifyAndRebuild(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            _ = try await Self.story(store, clock)
            let kept = try await store.usageStatistics(months: Month.earliest...Month.latest)
            let marks = try await count(store, "SELECT COUNT(*) AS n FROM usage_marks")
            #expect(marks == 3 + 2 + 5 + 1)
            try await tamper(store, """
                UPDATE tallies SET checks = checks + 1 WHERE dimension = 'usage_people' AND code = '2026-04 59'
                  AND lane = (SELECT MIN(lane) FROM tallies WHERE dimension = 'usage_people' AND code = '2026-04 59')
                """)
            let violations = try await store.verify()
            #expect(violations.map(\.invariant) == [.maintainedTallies])
            #expect(violations.first?.detail.contains("programme 0 usage_people 2026-04 59 is 6, the rows say 5") == true, "\(violations)")
            try await tamper(store, "DELETE FROM usage_marks")
            try await store.rebuildTallies()
            try await expectInvariantsHold(store)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM usage_marks") == marks)
            #expect(try await store.usageStatistics(months: Month.earliest...Month.latest) == kept)
        }
    }

    @Test("The open data has one row per département and month, secret cells marked, the same rows in CSV and JSON",
          arguments: TestDatabase.allCases)
    func openData(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            _ = try await Self.story(store, clock)
            let rows = try await store.usageStatistics(months: Month.earliest...Month.latest)
            let csv = UsageOpenData.csv(rows)
            #expect(csv == """
                departement,mois,cheques_emis,cheques_remis,cheques_utilises,taux_utilisation,personnes_aidees,lieux_actifs,montant_lieux_euros\r
                59,2026-03,100,30,secret,secret,secret,2,secret\r
                59,2026-04,0,50,4,8.0,5,1,40.00\r\n
                """)
            let json = try JSONSerialization.jsonObject(with: Data(UsageOpenData.json(rows).utf8)) as? [[String: Any]]
            #expect(json?.count == 2)
            for field in ["personnes_aidees", "cheques_utilises", "taux_utilisation", "montant_lieux_euros"] { #expect(json?[0][field] is NSNull, "\(field)") }
            #expect((json?[0]["cheques_remis"] as? Int) == 30 && (json?[1]["cheques_utilises"] as? Int) == 4)
            #expect((json?[1]["personnes_aidees"] as? Int) == 5)
            let schema = try JSONSerialization.jsonObject(with: Data(UsageOpenData.schema.utf8)) as? [String: Any]
            #expect((schema?["primaryKey"] as? [String]) == ["departement", "mois"])
            #expect((schema?["missingValues"] as? [String]) == ["", "secret"])
        }
    }
}
