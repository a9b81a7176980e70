import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("The data of the HTTP load benchmark")
struct ValidationLoadTests {
    @Test("The load benchmark prepares distinct handed-out checks, neighbours from different booklets, that its place's key validates",
          arguments: TestDatabase.allCases)
    func prepared(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let load = try await Benchmark.validationLoad(store, checks: 25)
            #expect(load.checks.count == 25)
            #expect(Set(load.checks.map(\.serial)).count == 25)
            // A check's id is its serial number.
            let bookletOf = try await store.read { tx in
                try await tx.sql.raw("SELECT id, booklet_id FROM checks WHERE state = 'distributed'").all()
                    .reduce(into: [Int64: Int64]()) { $0[try $1.int("id")] = try $1.int("booklet_id") }
            }
            #expect(bookletOf.count == 30)
            let numbers = try load.checks.prefix(3).map { try #require(CheckSerial($0.serial)).number }
            #expect(Set(numbers.compactMap { bookletOf[$0] }).count == 3)

            let key = try #require(try await store.authenticateApiKey(load.apiKey))
            #expect(key.organisation == .place(load.place) && key.allows(.validate))
            for (index, check) in load.checks.enumerated() {
                let outcome = try await store.validate(ValidationRequest(place: load.place, checks: [check], category: .everydayTools, key: "load-\(index)"))
                #expect(outcome.accepted, "\(outcome)")
            }
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM redemptions") == 25)
            try await expectInvariantsHold(store)
        }
    }
}
