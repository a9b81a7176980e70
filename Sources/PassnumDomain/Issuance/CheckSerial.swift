/// The serial number printed on a check: 11 digits of sequence number and one Damm check digit,
/// shown in three groups of four ("1000 0000 0017"). Damm catches every single-digit typo and every
/// swap of two adjacent digits, so a mistyped serial is refused before any lookup.
public struct CheckSerial: Hashable, Comparable, Sendable, TextCoded {
    /// The sequence number, which is also the check's primary key.
    public let number: Int64

    public static let digits = 11
    public static let firstNumber: Int64 = 10_000_000_000
    public static let lastNumber: Int64 = 99_999_999_999

    public init?(number: Int64) {
        guard (Self.firstNumber...Self.lastNumber).contains(number) else { return nil }
        self.number = number
    }

    /// The serial of a text, or nil when `parse` refuses it.
    public init?(_ text: String) {
        guard case .success(let serial) = Self.parse(text) else { return nil }
        self = serial
    }

    public enum ParseError: Error, Equatable, Sendable {
        /// Not 12 digits once spaces and dashes are removed.
        case malformed
        /// 12 digits, but the last one does not match: a typo.
        case badCheckDigit
    }

    /// Parses what a person typed: spaces, dots and dashes between digits are ignored.
    public static func parse(_ text: String) -> Result<CheckSerial, ParseError> {
        var values: [UInt8] = []
        for character in text.unicodeScalars {
            switch character {
            case "0"..."9": values.append(UInt8(character.value - 48))
            case " ", "-", ".", "\u{00A0}", "\u{202F}", "\t": continue
            default: return .failure(.malformed)
            }
        }
        guard values.count == digits + 1 else { return .failure(.malformed) }
        guard Damm.checkDigit(of: values.dropLast()) == values.last! else { return .failure(.badCheckDigit) }
        let number = values.dropLast().reduce(Int64(0)) { $0 * 10 + Int64($1) }
        guard let serial = CheckSerial(number: number) else { return .failure(.malformed) }
        return .success(serial)
    }

    /// The twelve digits without spaces, as encoded in the QR code URL.
    public var compact: String {
        let body = String(number)
        return body + String(Damm.checkDigit(of: body.utf8.map { $0 - 48 }))
    }

    /// "1000 0000 0017"
    public var grouped: String { compact.grouped(by: 4) }

    public var description: String { compact }

    public static func < (lhs: CheckSerial, rhs: CheckSerial) -> Bool { lhs.number < rhs.number }
}

/// The Damm algorithm (H. Michael Damm, 2004), with the standard totally anti-symmetric quasigroup of order 10.
public enum Damm {
    static let table: [[UInt8]] = [
        [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
        [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
        [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
        [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
        [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
        [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
        [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
        [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
        [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
        [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
    ]

    /// The digit to append to `digits` (each 0...9) so that the whole number validates.
    public static func checkDigit<S: Sequence>(of digits: S) -> UInt8 where S.Element == UInt8 {
        digits.reduce(UInt8(0)) { table[Int($0)][Int($1)] }
    }

    public static func isValid<S: Sequence>(_ digits: S) -> Bool where S.Element == UInt8 {
        checkDigit(of: digits) == 0
    }
}
