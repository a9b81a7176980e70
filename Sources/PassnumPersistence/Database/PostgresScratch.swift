import FluentKit
import FluentPostgresDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// Creates and drops throwaway databases on a PostgreSQL server, for tests and benchmarks.
public enum PostgresScratch {
    /// Creates an empty database named `name` on the server of `serverURL`; returns its URL.
    public static func create(_ name: String, on serverURL: String) async throws -> String {
        try await admin(serverURL) { sql in
            try await sql.raw("CREATE DATABASE \(ident: name)").run()
        }
        return url(serverURL, database: name)
    }

    public static func drop(_ name: String, on serverURL: String) async throws {
        try await admin(serverURL) { sql in
            try await sql.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
        }
    }

    static func url(_ serverURL: String, database: String) -> String {
        var components = URLComponents(string: serverURL)!
        components.path = "/" + database
        return components.string!
    }

    private static func admin(_ serverURL: String, _ body: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let databases = Databases(threadPool: .singleton, on: MultiThreadedEventLoopGroup.singleton)
        databases.use(try .postgres(url: serverURL, maxConnectionsPerEventLoop: 1), as: .psql)
        do {
            let database = databases.database(logger: Logger(label: "passnum.scratch"), on: MultiThreadedEventLoopGroup.singleton.any())!
            try await body(database as! any SQLDatabase)
        } catch {
            await databases.shutdownAsync()
            throw error
        }
        await databases.shutdownAsync()
    }
}
