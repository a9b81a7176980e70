import Foundation

/// JSON objects whose values are all strings (the open data's records), read and written without Foundation's coders:
/// on Linux they were most of the time of the national open-data files (13 334 sites). The results are those of
/// `JSONDecoder` and of `JSONEncoder` with `.sortedKeys` and `.prettyPrinted` (`OpenDataTests` holds them to it); what
/// these fast paths do not take goes to Foundation's coders.
enum FlatJSON {
    /// `{"key":"value",…}` as a dictionary, nil if it is not such an object.
    static func object(_ text: String) -> [String: String]? {
        var text = text
        if let read = text.withUTF8({ bytes in
            var reader = Reader(bytes: bytes)
            return reader.object()
        }) {
            return read
        }
        return try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))
    }

    /// `record` as an element of a pretty-printed array: the object `JSONEncoder` (sorted keys, pretty-printed) writes,
    /// each of its lines indented by two spaces.
    static func appendPrettyElement(_ record: [String: String], to text: inout String) throws {
        let keys = record.keys.sorted()
        // The standard's field names sort alike by Swift's `<` and by the encoder's order (`OpenDataTests`); other keys,
        // or an empty object, go through the encoder itself.
        guard !keys.isEmpty, keys.allSatisfy(OpenDataSchema.fieldSet.contains) else {
            let encoder = JSONEncoder.sorted
            encoder.outputFormatting.insert(.prettyPrinted)
            let object = String(decoding: try encoder.encode(record), as: UTF8.self)
            text += object.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
            return
        }
        text += "  {\n"
        for (index, key) in keys.enumerated() {
            text += index == 0 ? "    " : ",\n    "
            appendString(key, to: &text)
            text += " : "
            appendString(record[key] ?? "", to: &text)
        }
        text += "\n  }"
    }

    /// A JSON string: quote, backslash and control characters escaped (\t \n \r, else \u00xx in lower case), everything
    /// else as is. `asEncoder` also escapes as `JSONEncoder` does the slash, backspace and form feed (\/ \b \f); without
    /// it, the archive's lines (`JSONLines.string`) keep the bytes they always had.
    static func appendString(_ value: String, to text: inout String, asEncoder: Bool = true) {
        text += "\""
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || (asEncoder && $0 == UInt8(ascii: "/")) }) else {
            text += value
            text += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "/" where asEncoder: text += "\\/"
            case "\u{08}" where asEncoder: text += "\\b"
            case "\u{0C}" where asEncoder: text += "\\f"
            case "\t": text += "\\t"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    /// A reader of one object of strings over UTF-8 bytes; nil at anything else (numbers, nesting, a key twice, bytes
    /// after the object, a bad escape or bad UTF-8).
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

        mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[at]) { at += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        mutating func object() -> [String: String]? {
            guard take(UInt8(ascii: "{")) else { return nil }
            var result: [String: String] = [:]
            if !take(UInt8(ascii: "}")) {
                repeat {
                    guard let key = string(), take(UInt8(ascii: ":")), let value = string(), result.updateValue(value, forKey: key) == nil else {
                        return nil
                    }
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "}")) else { return nil }
            }
            skipSpace()
            return at == bytes.count ? result : nil
        }

        mutating func string() -> String? {
            guard take(Self.quote) else { return nil }
            let start = at
            while at < bytes.count, bytes[at] != Self.quote, bytes[at] != Self.backslash, bytes[at] >= 0x20 { at += 1 }
            var decoded = Array(bytes[start..<at])
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case Self.quote: return String(validating: decoded, as: UTF8.self)
                case Self.backslash:
                    guard at < bytes.count else { return nil }
                    let escape = bytes[at]
                    at += 1
                    switch escape {
                    case Self.quote, Self.backslash, UInt8(ascii: "/"): decoded.append(escape)
                    case UInt8(ascii: "b"): decoded.append(0x08)
                    case UInt8(ascii: "f"): decoded.append(0x0C)
                    case UInt8(ascii: "n"): decoded.append(0x0A)
                    case UInt8(ascii: "r"): decoded.append(0x0D)
                    case UInt8(ascii: "t"): decoded.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let scalar = unicodeEscape() else { return nil }
                        decoded.append(contentsOf: String(Character(scalar)).utf8)
                    default: return nil
                    }
                case ..<0x20: return nil
                default: decoded.append(byte)
                }
            }
            return nil
        }

        /// After "\u": four hex digits, and the low half after a high surrogate.
        mutating func unicodeEscape() -> Unicode.Scalar? {
            guard let unit = hex4() else { return nil }
            switch unit {
            case 0xD800..<0xDC00:
                guard at + 1 < bytes.count, bytes[at] == Self.backslash, bytes[at + 1] == UInt8(ascii: "u") else { return nil }
                at += 2
                guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            case 0xDC00..<0xE000: return nil
            default: return Unicode.Scalar(unit)
            }
        }

        mutating func hex4() -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = Character(Unicode.Scalar(bytes[at])).hexDigitValue else { return nil }
                value = value << 4 | UInt32(digit)
                at += 1
            }
            return value
        }
    }
}
