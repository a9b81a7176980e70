extension String {
    /// "ABCD EFGH J": groups of `size` characters for reading aloud.
    func grouped(by size: Int) -> String {
        let characters = Array(self)
        return stride(from: 0, to: characters.count, by: size)
            .map { String(characters[$0..<min($0 + size, characters.count)]) }
            .joined(separator: " ")
    }
}

/// A value written as text in JSON and in the database ("2026-03-01", "59350", "100000000017"), which
/// validates that text when it reads it back.
public protocol TextCoded: LosslessStringConvertible, Codable {}

extension TextCoded {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a valid \(Self.self): \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
