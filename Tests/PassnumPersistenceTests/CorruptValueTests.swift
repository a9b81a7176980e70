import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Values that do not parse when read back")
struct CorruptValueTests {
    @Test("A stored value that does not parse is a CorruptValue naming its column, never the user's invalid input",
          arguments: TestDatabase.allCases)
    func corruptRowIsNotInvalidInput(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let programme = territory.programme.rawValue
            try await store.read { tx in
                try await tx.sql.raw("UPDATE programmes SET valid_from = 'not a date' WHERE id = \(bind: programme)").run()
            }
            await #expect {
                _ = try await store.programme(territory.programme)
            } throws: { error in
                (error as? CorruptValue)?.column == "programmes.valid_from"
            }
        }
    }
}
