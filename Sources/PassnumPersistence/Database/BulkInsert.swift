import SQLKit

/// A row of a multi-row insert: its values in the order of the columns.
typealias BulkRow = [any Encodable & Sendable]

extension Transaction {
    /// Inserts `rows` with multi-row VALUES statements, as many rows per statement as both databases' limits on
    /// bound parameters allow (PostgreSQL 65 535, SQLite 32 766).
    func insertRows(_ table: String, _ columns: [String], _ rows: [BulkRow]) async throws {
        guard !columns.isEmpty else { return }
        let perStatement = max(1, 30_000 / columns.count)
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            let tuples: [SQLQueryString] = chunk.map { "(\(binds: $0))" }
            try await sql.raw("INSERT INTO \(ident: table) (\(unsafeRaw: columns.joined(separator: ", "))) VALUES "
                + tuples.joined(separator: ", ")).run()
            start += perStatement
        }
    }
}
