import Crypto
import Foundation
import SQLKit
import ZIPFoundation

extension Store {
    /// Writes the whole state to `url` (a ZIP archive), from one consistent snapshot of the database.
    @discardableResult
    public func export(to url: URL, includeSecret: Bool = true) async throws -> ExportManifest {
        // Personal data and the secret: nobody else on the machine may read the staging files or the archive.
        let staging = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: staging.appendingPathComponent("tables"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: staging.path)
        defer { try? FileManager.default.removeItem(at: staging) }

        let tables = try await snapshot { tx in
            var tables: [ExportManifest.Table] = []
            for name in try await tx.tablesInDependencyOrder() {
                tables.append(try await tx.dumpTable(name, into: staging))
            }
            return tables
        }
        var files: [ExportManifest.File] = []
        for path in try dataFiles() {
            let source = configuration.dataDirectory.appendingPathComponent(path)
            let (size, hash) = try Self.sizeAndHash(of: source)
            files.append(.init(path: path, archivePath: "files/" + path, size: size, sha256: hash))
        }
        var secret: ExportManifest.File?
        if includeSecret {
            let source = configuration.dataDirectory.appendingPathComponent(StoreConfiguration.secretFileName)
            let (size, hash) = try Self.sizeAndHash(of: source)
            secret = .init(path: StoreConfiguration.secretFileName, archivePath: "secret/" + StoreConfiguration.secretFileName, size: size, sha256: hash)
        }
        let manifest = ExportManifest(
            format: ExportManifest.formatName, version: ExportManifest.currentVersion,
            createdAt: ISO8601DateFormatter().string(from: clock.now), database: kind.rawValue,
            schemaVersion: Schema.migrations.last!.version, contentHash: Self.contentHash(tables: tables, files: files),
            tables: tables, files: files, secret: secret)

        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)  // before anything is in it
        for table in tables {
            try archive.addEntry(with: table.file, relativeTo: staging, compressionMethod: .deflate)
        }
        for file in files + (secret.map { [$0] } ?? []) {
            try archive.addEntry(with: file.archivePath, fileURL: configuration.dataDirectory.appendingPathComponent(file.path), compressionMethod: .deflate)
        }
        let json = try JSONEncoder.manifest.encode(manifest)
        try archive.addEntry(with: "manifest.json", type: .file, uncompressedSize: Int64(json.count), compressionMethod: .deflate,
                             provider: { position, size in json.subdata(in: Int(position)..<Int(position) + size) })
        return manifest
    }
}

extension Transaction {
    /// Writes a table as JSON lines ordered by its primary key, reading it in pages so that memory stays flat.
    func dumpTable(_ name: String, into staging: URL) async throws -> ExportManifest.Table {
        let (columns, primaryKey) = try await self.columns(of: name)
        let key = primaryKey.isEmpty ? columns.map(\.name) : primaryKey
        let file = "tables/\(name).jsonl"
        let url = staging.appendingPathComponent(file)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var rows = 0
        var last: [ArchiveCell]?
        let selected = SQLQueryString(columns.map { "\"\($0.name)\"" }.joined(separator: ", "))
        let keyTypes = key.map { column in columns.first { $0.name == column }!.type }
        // Text keys sort by bytes on both databases (PostgreSQL's default collation follows the locale), so that the
        // files, and the content hash, are the same whichever database they come from.
        let keyList = SQLQueryString(zip(key, keyTypes).map { name, type in
            "\"\(name)\"" + (type == "text" && kind == .postgres ? " COLLATE \"C\"" : "")
        }.joined(separator: ", "))
        while true {
            var query: SQLQueryString = "SELECT \(selected) FROM \(ident: name)"
            if let last {
                // Keyset pagination: (a, b) > (x, y), which both databases support.
                query = query + " WHERE (\(keyList)) > (" + last.map(\.bindable).joined(separator: ", ") + ")"
            }
            let page = try await sql.raw(query + " ORDER BY \(keyList) LIMIT 5000").all()
            guard !page.isEmpty else { break }
            var text = ""
            for row in page {
                text += "{"
                for (index, column) in columns.enumerated() {
                    if index > 0 { text += "," }
                    text += JSONLines.string(column.name) + ":" + (try ArchiveCell(row, column)).json
                }
                text += "}\n"
            }
            let data = Data(text.utf8)
            hasher.update(data: data)
            try handle.write(contentsOf: data)
            rows += page.count
            last = try zip(key, keyTypes).map { try ArchiveCell(page.last!, ExportManifest.Column(name: $0.0, type: $0.1)) }
            if page.count < 5000 { break }
        }
        return ExportManifest.Table(name: name, file: file, rows: rows, sha256: hasher.finalize().map { String(format: "%02x", $0) }.joined(),
                                    primaryKey: primaryKey, columns: columns)
    }
}
