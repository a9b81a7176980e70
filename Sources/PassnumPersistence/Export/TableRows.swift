import Foundation
import SQLKit

// A table's rows as the archive holds them: JSON lines of typed cells.

/// One value of a row, typed by its column.
enum ArchiveCell: Sendable {
    case integer(Int64?), real(Double?), text(String?)

    init(_ row: any SQLRow, _ column: ExportManifest.Column) throws {
        switch column.type {
        case "integer": self = .integer(try row.decode(column: column.name, as: Int64?.self))
        case "real": self = .real(try row.decode(column: column.name, as: Double?.self))
        default: self = .text(try row.decode(column: column.name, as: String?.self))
        }
    }

    init(json value: Any?, column: ExportManifest.Column, table: String) throws {
        let bad = ArchiveError.corrupted("table \(table), column \(column.name): a value is not of type \(column.type)")
        if value == nil || value is NSNull {
            self = column.type == "integer" ? .integer(nil) : column.type == "real" ? .real(nil) : .text(nil)
            return
        }
        switch column.type {
        case "integer":
            guard let number = value as? NSNumber, NSNumber(value: number.int64Value) == number else { throw bad }
            self = .integer(number.int64Value)
        case "real":
            guard let number = value as? NSNumber else { throw bad }
            self = .real(number.doubleValue)
        default:
            guard let text = value as? String else { throw bad }
            self = .text(text)
        }
    }

    var json: String {
        switch self {
        case .integer(let value): value.map(String.init) ?? "null"
        case .real(let value): value.map { "\($0)" } ?? "null"
        case .text(let value): value.map(JSONLines.string) ?? "null"
        }
    }

    var bindable: SQLQueryString {
        switch self {
        case .integer(let value): "\(bind: value)"
        case .real(let value): "\(bind: value)"
        case .text(let value): "\(bind: value)"
        }
    }
}

final class JSONLines {
    /// A JSON string literal: quotes, backslashes and control characters escaped, everything else as UTF-8.
    static func string(_ text: String) -> String {
        var out = ""
        FlatJSON.appendString(text, to: &out, asEncoder: false)
        return out
    }

    private let handle: FileHandle
    private let name: String
    private var buffer = Data()
    private var ended = false

    /// Reads a file of JSON lines in chunks, one object at a time: memory does not grow with the file.
    init(_ url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)
        name = url.lastPathComponent
    }

    deinit { try? handle.close() }

    /// The next line's object, or nil at the end of the file.
    func next() throws -> [String: Any]? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                defer { buffer.removeSubrange(buffer.startIndex...newline) }
                if line.isEmpty { continue }
                return try object(line)
            }
            if ended {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return try object(buffer)
            }
            if let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { buffer.append(chunk) } else { ended = true }
        }
    }

    private func object(_ line: Data) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            throw ArchiveError.corrupted("\(name): a line is not a JSON object")
        }
        return object
    }
}
