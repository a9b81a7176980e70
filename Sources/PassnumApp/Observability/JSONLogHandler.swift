import Foundation
import Logging
import Vapor

/// `PASSNUM_LOG_FORMAT`: `text` (Vapor's console lines, the default) or `json` (one JSON object per line, for a
/// log collector).
enum LogFormat: String, Sendable, CaseIterable {
    case text, json

    static let variable = "PASSNUM_LOG_FORMAT"

    static func fromEnvironment(_ environment: [String: String]) throws -> LogFormat {
        guard let text = environment[variable], !text.isEmpty else { return .text }
        guard let format = LogFormat(rawValue: text) else {
            throw UsageError("\(variable) must be text or json, not \(text.prefix(20))")
        }
        return format
    }

    /// The process's logging system, at the level Vapor reads from `--log` / `LOG_LEVEL`. Called once, by
    /// `PassnumMain` (swift-log allows one bootstrap per process).
    func bootstrap(from environment: inout Environment) throws {
        switch self {
        case .text:
            try LoggingSystem.bootstrap(from: &environment)
        case .json:
            let level = try Logger.Level.detect(from: &environment)
            let output = JSONLogHandler.Output.standardOutput
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level, output: output) }
        }
    }
}

/// One JSON object per line: `time` (ISO 8601, UTC, milliseconds), `level`, `message`, `label`, then the metadata
/// flattened (`request-id`, nested dictionaries as `outer.inner`); a metadata key that would hide one of the four
/// is written `metadata.<key>`. Every value is a string, escaped by Foundation's encoder: quotes, control characters
/// and new lines cannot break a line or forge another.
struct JSONLogHandler: LogHandler {
    /// Where lines go: one write per line, under a lock, so that lines from several threads never interleave.
    final class Output: Sendable {
        private let lock = NSLock()
        private let write: @Sendable (Data) -> Void

        init(write: @escaping @Sendable (Data) -> Void) { self.write = write }

        func line(_ data: Data) {
            lock.withLock { write(data) }
        }

        static let standardOutput = Output { FileHandle.standardOutput.write($0) }
    }

    static let reserved: Set<String> = ["time", "level", "message", "label"]

    let label: String
    let output: Output
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, level: Logger.Level, output: Output, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.logLevel = level
        self.output = output
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, provided in provided } }
        if let explicit = event.metadata { merged.merge(explicit) { _, explicit in explicit } }
        output.line(Self.line(time: Date(), level: event.level, message: event.message.description, label: label, metadata: merged))
    }

    /// The encoded line, new line included.
    static func line(time: Date, level: Logger.Level, message: String, label: String, metadata: Logger.Metadata) -> Data {
        var fields: [String: String] = [:]
        flatten(metadata, prefix: "", into: &fields)
        for key in reserved { if let value = fields.removeValue(forKey: key) { fields["metadata." + key] = value } }
        fields["time"] = timeFormat.format(time)
        fields["level"] = level.rawValue
        fields["message"] = message
        fields["label"] = label
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // A dictionary of strings always encodes; the fallback only keeps the signature honest.
        var data = (try? encoder.encode(fields)) ?? Data(#"{"message":"unencodable log line"}"#.utf8)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    private static func flatten(_ metadata: Logger.Metadata, prefix: String, into fields: inout [String: String]) {
        for (key, value) in metadata {
            switch value {
            case .dictionary(let nested): flatten(nested, prefix: prefix + key + ".", into: &fields)
            default: fields[prefix + key] = text(value)
            }
        }
    }

    private static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): "[" + values.map(text).joined(separator: ", ") + "]"
        case .dictionary(let nested): nested.description
        }
    }

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
