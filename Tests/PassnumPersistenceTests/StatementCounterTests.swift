import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("The store's statement counter")
struct StatementCounterTests {
    @Test("every statement sent through the store is counted once, the transaction's own included", arguments: TestDatabase.allCases)
    func countsStatements(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let start = store.statementsExecuted
            _ = try await store.read { tx in try await tx.sql.raw("SELECT 1 AS one").all() }
            #expect(store.statementsExecuted - start == 1)
            let beforeTransaction = store.statementsExecuted
            try await store.transaction { tx in try await tx.sql.raw("SELECT 1 AS one").run() }
            // PostgreSQL: BEGIN, the statement, COMMIT; SQLite also sets its busy timeout first.
            #expect(store.statementsExecuted - beforeTransaction == (database == .sqlite ? 4 : 3))
            // A copy seeing another clock shares the counter.
            let copy = store.with(clock: ManualClock(Date()))
            let beforeCopy = store.statementsExecuted
            _ = try await copy.read { tx in try await tx.sql.raw("SELECT 1 AS one").all() }
            #expect(store.statementsExecuted - beforeCopy == 1)
        }
    }
}
