import Crypto
import Foundation

extension Array where Element == UInt8 {
    /// Bytes from the system's cryptographic generator.
    public static func random(count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    public var base64URL: String { Data(self).base64URL }
}

extension Data {
    /// URL-safe base64 without padding, for tokens in cookies and links.
    public var base64URL: String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    public init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}

/// The SHA-256 of some bytes, in lower-case hexadecimal.
func sha256Hex<D: DataProtocol>(_ data: D) -> String {
    // By table: `String(format: "%02x")` per byte cost more than the hash itself, and verify hashes every journal entry.
    var hex: [UInt8] = []
    hex.reserveCapacity(64)
    for byte in SHA256.hash(data: data) {
        hex.append(hexDigits[Int(byte >> 4)])
        hex.append(hexDigits[Int(byte & 0x0f)])
    }
    return String(decoding: hex, as: UTF8.self)
}

private let hexDigits = Array("0123456789abcdef".utf8)
