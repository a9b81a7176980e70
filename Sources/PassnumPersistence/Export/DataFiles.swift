import Crypto
import Foundation

// The data directory's files as the archive carries them: which are exported, which paths an import accepts.

extension Store {
    /// Files of the data directory to export, relative to it: uploaded documents, payout files… not the database
    /// file itself, the secret (exported apart) or hidden files.
    func dataFiles() throws -> [String] {
        let root = configuration.dataDirectory.standardizedFileURL
        let sqlite: String? = if case .sqlite(let path) = configuration.location { URL(fileURLWithPath: path).standardizedFileURL.path } else { nil }
        var paths: [String] = []
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        for case let url as URL in walker {
            let standard = url.standardizedFileURL
            guard try standard.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let relative = String(standard.path.dropFirst(root.path.count + 1))
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) || relative == StoreConfiguration.secretFileName { continue }
            if let sqlite, standard.path.hasPrefix(sqlite) { continue }  // the database, its -wal and -shm
            paths.append(relative)
        }
        return paths.sorted()
    }

    /// Whether a relative path from a manifest (an export's or a backup's) stays inside the directory it is joined to.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        !path.isEmpty && !path.hasPrefix("/") && !path.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0 == "." || $0.isEmpty }
    }

    /// A path `dataFiles()` could have exported: safe, no hidden segment, not the secret nor a database file.
    static func isDataFilePath(_ path: String) -> Bool {
        isSafeRelativePath(path) && !path.split(separator: "/").contains { $0.hasPrefix(".") }
            && path != StoreConfiguration.secretFileName && !path.hasPrefix(StoreConfiguration.sqliteFileName)
    }

    /// Size and SHA-256 (hex) of a file, read in 1 MiB chunks.
    public static func sizeAndHash(of url: URL) throws -> (size: Int64, sha256: String) {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (size, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }
}
