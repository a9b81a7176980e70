import Crypto
import Foundation

/// The per-installation secret that keys the security codes. Generated once at first start into the data
/// directory; whoever holds it can compute every check's code, so it is never logged nor committed.
public struct InstallationSecret: Sendable {
    // Kept as bytes because SymmetricKey is not Sendable; the key object is rebuilt for each use.
    private let keyBytes: [UInt8]

    var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    public static let byteCount = 32

    public init?(bytes: some ContiguousBytes) {
        let bytes = bytes.withUnsafeBytes { Array($0) }
        guard bytes.count == Self.byteCount else { return nil }
        self.keyBytes = bytes
    }

    public static func generate() -> (secret: InstallationSecret, bytes: Data) {
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        return (InstallationSecret(bytes: bytes)!, bytes)
    }

    /// The security code of a check: HMAC-SHA-256 of its serial, truncated to 65 bits and written as 13
    /// Crockford base32 characters. 2^65 possibilities make guessing hopeless even before rate limiting.
    public func securityCode(for serial: CheckSerial) -> SecurityCode {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(serial.compact.utf8), using: key)
        return SecurityCode(canonical: Crockford.encode(Array(mac), characters: SecurityCode.length))
    }

    /// Constant-time comparison of a typed code with the expected one.
    public func verify(_ code: SecurityCode, for serial: CheckSerial) -> Bool {
        let expected = Array(securityCode(for: serial).canonical.utf8)
        let given = Array(code.canonical.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for index in expected.indices { difference |= expected[index] ^ given[index] }
        return difference == 0
    }
}

/// A security code as printed: 13 Crockford base32 characters (65 bits).
public struct SecurityCode: Hashable, Sendable, CustomStringConvertible {
    public static let length = 13

    /// Upper case, no separators, only characters of the Crockford alphabet.
    public let canonical: String

    init(canonical: String) { self.canonical = canonical }

    /// Reads what a person typed: case-insensitive, I and L read as 1, O as 0, spaces and dashes ignored.
    public init?(typed text: String) {
        var characters = ""
        for scalar in text.uppercased().unicodeScalars {
            switch scalar {
            case " ", "-", "\u{00A0}", "\u{202F}", "\t": continue
            case "I", "L": characters.append("1")
            case "O": characters.append("0")
            default:
                guard Crockford.alphabet.contains(Character(scalar)) else { return nil }
                characters.append(Character(scalar))
            }
        }
        guard characters.count == Self.length else { return nil }
        canonical = characters
    }

    /// "ABCD EFGH JKMN P": groups of four for reading aloud.
    public var grouped: String { canonical.grouped(by: 4) }

    public var description: String { canonical }
}

/// Douglas Crockford's base32: digits and letters without I, L, O, U.
public enum Crockford {
    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// The first `characters` × 5 bits of `bytes`, most significant bit first (as many characters as the bytes hold).
    public static func encode(_ bytes: [UInt8], characters: Int) -> String {
        let characters = max(0, min(characters, bytes.count * 8 / 5))
        var output = ""
        output.reserveCapacity(characters)
        for index in 0..<characters {
            let bit = index * 5
            var value = 0
            for offset in 0..<5 {
                let position = bit + offset
                let byte = bytes[position / 8]
                value = (value << 1) | Int((byte >> (7 - UInt8(position % 8))) & 1)
            }
            output.append(alphabet[value])
        }
        return output
    }
}

extension InstallationSecret {
    /// Identifies the secret without revealing it: HMAC of a fixed label, first 16 hex digits.
    public var fingerprint: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("passnum secret fingerprint".utf8), using: key)
        return mac.prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
