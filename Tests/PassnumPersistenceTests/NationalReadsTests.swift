import Foundation
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing

/// The reads that must stay cheap on the national dataset: verify's public-index pass and chain walk, the partner API's
/// statistics from the counters, PostgreSQL sessions without JIT.
@Suite("National reads: verify's passes, statistics from the counters")
struct NationalReadsTests {
    @Test("verify names a place whose public index rows were changed behind the operations' back, and holds once rebuilt",
          arguments: TestDatabase.allCases)
    func publicIndexDriftIsNamed(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let world = try await StoryWorld.play(store, clock)
            try await expectInvariantsHold(store)
            let place = world.territory.place.rawValue
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM public_places WHERE place_id = \(place)") == 1)
            for statements in [
                ["UPDATE public_places SET fingerprint = 'changed' WHERE place_id = \(place)"],
                ["DELETE FROM public_sites WHERE place_id = \(place)", "DELETE FROM public_places WHERE place_id = \(place)"],
                ["UPDATE places SET name = 'Renommé' WHERE id = \(place)"],
            ] {
                for statement in statements { try await tamper(store, statement) }
                let statement = statements.joined(separator: "; ")
                let violations = try await store.verify()
                #expect(violations.map(\.invariant) == [.maintainedTallies], "\(statement): \(violations)")
                #expect(violations.first?.detail == "the public index of place \(place) differs from its rows", "\(statement): \(violations)")
                // The index follows the rows again: verify holds.
                try await store.rebuildPublicIndex()
                try await expectInvariantsHold(store)
            }
        }
    }

    @Test("A drifting counter and a drifting public place are named in one violation of invariant 7", arguments: TestDatabase.allCases)
    func bothReadModelsInOneViolation(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let world = try await StoryWorld.play(store, clock)
            let place = world.territory.place.rawValue
            try await tamper(store, "UPDATE payout_runs SET total_cents = total_cents + 100")
            try await tamper(store, "UPDATE public_places SET fingerprint = 'changed' WHERE place_id = \(place)")
            let violations = try await store.verify()
            #expect(violations.map(\.invariant) == [.maintainedTallies])
            let detail = try #require(violations.first?.detail)
            #expect(detail.hasPrefix("payout run 2026-03 counts") && detail.hasSuffix("; the public index of place \(place) differs from its rows"))
        }
    }

    @Test("The statistics of the partner API read the counters: equal to a count over the checks, and a counter's drift shows",
          arguments: TestDatabase.allCases)
    func statisticsFromTallies(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let world = try await StoryWorld.play(store, clock)
            let counted = try await store.read { tx in
                var counted: [ProgrammeID: [CheckState: Int]] = [:]
                for row in try await tx.sql.raw("""
                    SELECT c.programme_id, c.state, CAST(COUNT(*) AS BIGINT) AS n FROM checks c JOIN programmes p ON p.id = c.programme_id
                    WHERE p.funder_id = \(bind: world.territory.funder.rawValue) GROUP BY c.programme_id, c.state
                    """).all() {
                    counted[ProgrammeID(try row.decode(column: "programme_id", as: Int64.self)), default: [:]][
                        try #require(CheckState(rawValue: try row.decode(column: "state", as: String.self)))] =
                        Int(try row.decode(column: "n", as: Int64.self))
                }
                return counted
            }
            let statistics = try await store.programmeStatistics(of: world.territory.funder)
            #expect(statistics.count == 2)
            #expect(Dictionary(uniqueKeysWithValues: statistics.map { ($0.programme, $0.checksByState) }) == counted)
            #expect(statistics.contains { ($0.checksByState[.paid] ?? 0) > 0 && ($0.checksByState[.expired] ?? 0) > 0 })

            // Served from the counters: a counter changed behind the operations' back is what the API shows.
            let programme = world.territory.programme.rawValue
            try await tamper(store, """
                UPDATE tallies SET checks = checks + 5 WHERE dimension = 'state' AND code = 'paid' AND programme_id = \(programme)
                  AND lane = (SELECT MIN(lane) FROM tallies WHERE dimension = 'state' AND code = 'paid' AND programme_id = \(programme))
                """)
            let drifted = try await store.programmeStatistics(of: world.territory.funder)
            let paid = counted[world.territory.programme]?[.paid] ?? 0
            #expect(drifted.first { $0.programme == world.territory.programme }?.checksByState[.paid] == paid + 5)
        }
    }

    @Test("The journal's hashes are SHA-256 in lower-case hexadecimal (FIPS 180-2 test vectors)")
    func hexadecimalDigest() {
        #expect(sha256Hex(Data("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(sha256Hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("PostgreSQL sessions run without JIT (its compilation cost a page 300 ms on the national dataset)")
    func noJIT() async throws {
        try await withStore(.postgres) { store, _ in
            let setting = try await store.read { tx in try await tx.sql.raw("SHOW jit").first(decodingColumn: "jit", as: String.self) }
            #expect(setting == "off")
        }
    }
}
