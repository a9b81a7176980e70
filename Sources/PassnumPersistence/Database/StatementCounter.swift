import Foundation
import Logging
import NIOCore
import SQLKit

/// How many SQL statements a store has sent since it opened (BEGIN and COMMIT included): read before and after a
/// request, it gives the request's statement count (the page benchmark, and the tests that pin that a page's count
/// does not grow with the data). One locked increment per statement.
final class StatementCounter: @unchecked Sendable {
    // @unchecked: `count` is only read and written under `lock`.
    private let lock = NSLock()
    private var count = 0

    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// The store's database seen through the counter: every statement executed on it is counted, then passed on.
struct CountingSQLDatabase: SQLDatabase {
    let base: any SQLDatabase
    let counter: StatementCounter

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        counter.increment()
        return base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        counter.increment()
        try await base.execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let counter = self.counter
        return try await base.withSession { try await closure(CountingSQLDatabase(base: $0, counter: counter)) }
    }
}

extension Store {
    /// SQL statements sent through this store (and the copies `with(clock:)` made of it) since it opened.
    public var statementsExecuted: Int { statements.value }
}
