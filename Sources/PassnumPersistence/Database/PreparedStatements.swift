import FluentPostgresDriver
import Logging
import SQLKit

/// A statement of the hot path that PostgreSQL prepares once per connection and then executes by name, so that it is
/// parsed and planned once instead of on every request. `pg_stat_statements` during the validation benchmark put
/// planning at half of PostgreSQL's time per validation (docs/BENCHMARKS.md). Its text is fixed: lists travel as arrays.
/// Its rows are read by column name like any other (`SQLRow`).
///
/// PostgreSQL keeps the generic plan only while it costs no more than the plans it makes for the values bound; once a
/// connection's first five such plans look cheaper, it plans every execution until the connection closes. So no
/// estimate may depend on a value bound: arrays of ids are padded (`planned`), and a value compared with a column that
/// has statistics, such as a check's state, is compared on rows the statement already holds (`RedemptionWrites`).
protocol HotStatement: PostgresPreparedStatement where Row == any SQLRow {}

extension HotStatement {
    func decodeRow(_ row: PostgresRow) throws -> any SQLRow { row.sql() }

    /// Ids padded to 10 with 0 (no row has it). PostgreSQL estimates an array parameter at 10 elements: padded, a plan
    /// made for these values costs what the generic plan costs, and the connection keeps the generic one. Unpadded, once
    /// the tables have statistics, a plan for one id looks far cheaper, and PostgreSQL plans the statement again on every
    /// execution (docs/BENCHMARKS.md: 0.46 ms of its time per validation for the writes).
    static func planned(_ ids: [Int64]) -> [Int64] {
        ids + Array(repeating: 0, count: max(0, 10 - ids.count))
    }
}

/// The prepared statements of one PostgreSQL connection, held by the transaction (or the series of statements) that
/// leased it.
struct PreparedStatements: Sendable {
    let connection: PostgresConnection
    let counter: StatementCounter

    private static let logger = Logger(label: "passnum.sql")

    func execute<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [Statement.Row] {
        counter.increment()
        var rows: [Statement.Row] = []
        for try await row in try await connection.execute(statement, logger: Self.logger) { rows.append(row) }
        return rows
    }
}

extension Transaction {
    /// The prepared statements of this transaction's connection: PostgreSQL only, inside `Store.transaction` or
    /// `Store.onOneConnection`.
    var prepared: PreparedStatements {
        get throws {
            guard let postgres else { throw Inconsistency("prepared statements need one PostgreSQL connection (Store.transaction, onOneConnection)") }
            return postgres
        }
    }
}
