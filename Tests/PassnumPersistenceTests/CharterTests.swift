import Foundation
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing

@Suite("The State's charter at qualification and import, and the rolling payments against the limited-network threshold")
struct CharterTests {
    /// A place that applied with these hours and sent its application.
    static func applicant(_ store: Store, hours: String) async throws -> PlaceID {
        let (_, place) = try await store.signUpPlace(email: "clic@example.fr", name: "Claire", passwordHash: "x", placeName: "Clic")
        try await store.submit(.hours(ApplicationData.Hours(openingHours: hours)), place: place)
        try await store.changePlaceState(place, to: .submitted)
        return place
    }

    @Test("Below 24 hours a week a place is qualified only with a reason, kept with the decision and journaled", arguments: TestDatabase.allCases)
    func belowCharterNeedsReason(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let place = try await Self.applicant(store, hours: "Mo-Fr 09:00-12:00")
            #expect(try await store.weeklyOpening(of: place) == .minutes(15 * 60))
            await #expect(throws: DomainError.invalid(field: .reason, problem: .belowCharter(weeklyMinutes: 900))) {
                try await store.changePlaceState(place, to: .qualified, actor: Actor("admin@operateur.fr", organisation: .operator))
            }
            await #expect(throws: DomainError.invalid(field: .reason, problem: .belowCharter(weeklyMinutes: 900))) {
                try await store.changePlaceState(place, to: .qualified, reason: "  ")
            }
            #expect(try await store.placeState(place) == .submitted)
            try await store.changePlaceState(place, to: .qualified, reason: "Seul lieu de la commune",
                                             actor: Actor("admin@operateur.fr", organisation: .operator))
            #expect(try await store.placeState(place) == .qualified)
            #expect(try await store.decisions(of: place).last?.reason == "Seul lieu de la commune")
            let journaled = try await store.read { tx in
                try await tx.sql.raw("""
                    SELECT reason FROM journal_transactions WHERE kind = \(bind: EntryKind.placeDecision.rawValue) ORDER BY id DESC
                    """).first(decodingColumn: "reason", as: String.self)
            }
            #expect(journaled == "Seul lieu de la commune")
        }
    }

    @Test("At 24 hours a week or more, no reason is needed; a place with no declared hours is not held back", arguments: TestDatabase.allCases)
    func charterMet(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let place = try await Self.applicant(store, hours: "Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00")
            #expect(try await store.weeklyOpening(of: place) == .minutes(37 * 60))
            try await store.changePlaceState(place, to: .qualified)
            #expect(try await store.placeState(place) == .qualified)
            // Recorded by the operator's own tools, without an application: nothing declared, nothing to check.
            let recorded = try await store.createPlace(NewPlace(name: "Médiathèque", commune: CommuneCode("59350")!, postcode: "59000"))
            #expect(try await store.weeklyOpening(of: recorded) == nil)
            try await store.changePlaceState(recorded, to: .qualified)
        }
    }

    static func row(_ line: Int, pivot: String, hours: String?) -> (line: Int, record: OpenData.Record) {
        var record = ["id": "lieu-\(line)", "pivot": pivot, "nom": "Lieu \(line)", "commune": "Lille", "code_postal": "59000",
                      "code_insee": "59350", "adresse": "\(line) rue Nationale", "date_maj": "2026-01-15"]
        record["horaires"] = hours
        return (line, record)
    }

    @Test("Import refuses every pivot that fails the Luhn rule, with a clear line each; nothing is imported", arguments: TestDatabase.allCases)
    func importRefusesBadSirets(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            var random = SplitMix64(seed: 16)
            var rows: [(line: Int, record: OpenData.Record)] = []
            while rows.count < 300 {
                let siret = (0..<14).map { _ in String(random.next() % 10) }.joined()
                guard case .failure(.badChecksum) = Siret.check(siret) else { continue }
                rows.append(Self.row(rows.count + 2, pivot: siret, hours: "Mo-Fr 09:00-17:00"))
            }
            let report = try await store.importPlaces(rows, actor: Actor("test"))
            #expect(report.rejected.count == 300)
            #expect(report.rejected.allSatisfy { $0.reasons.contains { $0.hasSuffix("is not a valid SIRET (its check digit is wrong)") } })
            #expect(report.places == 0)
            #expect(try await store.overview().places == 0)
        }
    }

    @Test("Import qualifies places that meet the charter, holds back those below it for review, and says which had no hours",
          arguments: TestDatabase.allCases)
    func importChecksCharter(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let open = Siret.completing("1000000000001"), short = Siret.completing("1000000000002"), silent = Siret.completing("1000000000003")
            let rows = [Self.row(2, pivot: open, hours: "Mo-Fr 09:00-12:00,14:00-17:00"),
                        Self.row(3, pivot: short, hours: "Tu,Th 14:00-18:00"), Self.row(4, pivot: short, hours: "Sa 09:00-12:00"),
                        Self.row(5, pivot: silent, hours: nil)]
            let report = try await store.importPlaces(rows, actor: Actor("test"))
            #expect(report.rejected.isEmpty && report.places == 3)
            #expect(report.waiting.map(\.line) == [3])
            #expect(report.waiting.first?.reason.contains("opens 8 h 0 min a week") == true)
            #expect(report.withoutHours == [5])
            let states = try await store.read { tx in
                try await tx.sql.raw("SELECT siret, state FROM places ORDER BY siret").all()
                    .map { (try $0.string("siret"), try $0.string("state")) }
            }
            #expect(states.map(\.1) == ["qualified", "submitted", "qualified"])
            // The operator reviews the held place: its sites' hours, the most open one.
            let held = PlaceID(try #require(try await store.read { tx in
                try await tx.sql.raw("SELECT id FROM places WHERE siret = \(bind: short)").first(decodingColumn: "id", as: Int64.self)
            }))
            #expect(try await store.weeklyOpening(of: held) == .minutes(8 * 60))
            await #expect(throws: DomainError.invalid(field: .reason, problem: .belowCharter(weeklyMinutes: 480))) {
                try await store.changePlaceState(held, to: .qualified)
            }
            try await store.changePlaceState(held, to: .qualified, reason: "Permanences en plus sur rendez-vous")
        }
    }

    @Test("The standard's example file and the fixture still import, every place qualified", arguments: TestDatabase.allCases)
    func examplesStillImport(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let example = try OpenData.parseCSV(String(contentsOf: OpenDataTests.standards.appendingPathComponent(
                "lamednum-standard-mediation-num-v1.0.2.example.csv"), encoding: .utf8))
            var report = try await store.importPlaces(example, actor: Actor("test"))
            #expect(report.rejected.isEmpty && report.waiting.isEmpty && report.places == 1, "\(report.rejected)")
            report = try await store.importPlaces(try OpenDataTests.fixture(), actor: Actor("test"))
            #expect(report.rejected.isEmpty && report.waiting.isEmpty && report.places == 2, "\(report.rejected)")
        }
    }

    @Test("The rolling 12 months of payments sum the payout runs of the last 12 months only", arguments: TestDatabase.allCases)
    func paymentsOverTwelveMonths(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            #expect(try await store.paymentsOverTwelveMonths() == .zero)
            let now = clock.now
            let runs: [(String, TimeInterval, Int64)] = [
                ("2025-01", -400 * 86_400, 900_000_00), ("2025-03", -360 * 86_400, 500_000_00), ("2026-01", -40 * 86_400, 300_000_01),
                ("2026-02", -5 * 86_400, 12_34),
            ]
            try await store.transaction { tx in
                for (period, offset, cents) in runs {
                    try await tx.sql.raw("""
                        INSERT INTO payout_runs (period, ran_at, payouts, checks, total_cents)
                        VALUES (\(bind: period), \(bind: now.addingTimeInterval(offset).millis), 1, 1, \(bind: cents))
                        """).run()
                }
            }
            #expect(try await store.paymentsOverTwelveMonths() == Money(cents: 500_000_00 + 300_000_01 + 12_34))
            clock.advance(seconds: 10 * 86_400)
            #expect(try await store.paymentsOverTwelveMonths() == Money(cents: 300_000_01 + 12_34))
        }
    }
}
