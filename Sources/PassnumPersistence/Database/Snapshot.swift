extension Store {
    /// Runs `body` in a read-only transaction that sees one consistent state of the database.
    func snapshot<T: Sendable>(_ body: @escaping @Sendable (Transaction) async throws -> T) async throws -> T {
        try await onOneConnection(begin: kind == .sqlite ? ["PRAGMA busy_timeout = 10000", "BEGIN"] : ["BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"], body)
    }
}
