import Foundation

/// The full export of an installation (docs/EXPORT-FORMAT.md): a ZIP archive with a manifest, every table as JSON
/// lines, the files of the data directory and, unless left out, the installation secret. Another operator can
/// read it with any ZIP and JSON tool, and `importArchive` restores it into an empty database of either kind.
public struct ExportManifest: Codable, Sendable, Equatable {
    public static let formatName = "passnum-export"
    public static let currentVersion = 1

    public struct Column: Codable, Sendable, Equatable {
        public let name: String
        /// "integer" (64-bit), "real" (IEEE double) or "text".
        public let type: String
    }

    public struct Table: Codable, Sendable, Equatable {
        public let name: String
        public let file: String
        public let rows: Int
        public let sha256: String
        public let primaryKey: [String]
        public let columns: [Column]
    }

    public struct File: Codable, Sendable, Equatable {
        /// Where the file goes, relative to the data directory.
        public let path: String
        /// Where it is in the archive.
        public let archivePath: String
        public let size: Int64
        public let sha256: String
    }

    public let format: String
    public let version: Int
    public let createdAt: String
    /// "sqlite" or "postgres": where the archive came from (the content is the same either way).
    public let database: String
    /// The last migration applied (`Schema.migrations`); an archive restores into the same schema.
    public let schemaVersion: Int
    /// SHA-256 over the tables and files (see the format document): equal for equal content, whatever the database.
    public let contentHash: String
    /// In an order that satisfies every reference: restore them in this order.
    public let tables: [Table]
    public let files: [File]
    /// The installation secret's place in the archive, or nil when it was left out.
    public let secret: File?
}

public enum ArchiveError: Error, Equatable, CustomStringConvertible {
    case unreadable(String)
    case incompatible(String)
    case corrupted(String)
    case targetNotEmpty(table: String)
    case secretMismatch(String)

    public var description: String {
        switch self {
        case .unreadable(let reason): "the archive cannot be read: \(reason)"
        case .incompatible(let reason): "the archive cannot be restored here: \(reason)"
        case .corrupted(let reason): "the archive is damaged: \(reason)"
        case .targetNotEmpty(let table): "the target database is not empty (table \(table) holds rows): import only restores into an empty database"
        case .secretMismatch(let reason): reason
        }
    }
}

extension Store {
    /// One line per table and file, sorted, hashed: the same data gives the same hash from SQLite or PostgreSQL.
    static func contentHash(tables: [ExportManifest.Table], files: [ExportManifest.File]) -> String {
        let lines = tables.filter { $0.name != migrationsTable }.map { "table \($0.name) \($0.rows) \($0.sha256)" }
            + files.map { "file \($0.path) \($0.size) \($0.sha256)" }
        return sha256Hex(Data((lines.sorted().joined(separator: "\n") + "\n").utf8))
    }
}

extension JSONEncoder {
    static var manifest: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }
}

extension JSONDecoder {
    static var manifest: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
