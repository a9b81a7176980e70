/// Runs `body` `times` times at once (each gets its attempt number) and returns every result, in completion order:
/// the race the concurrency tests need.
func concurrently<T: Sendable>(_ times: Int, _ body: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
    try await withThrowingTaskGroup(of: T.self) { group in
        for attempt in 0..<times { group.addTask { try await body(attempt) } }
        return try await group.reduce(into: []) { $0.append($1) }
    }
}
