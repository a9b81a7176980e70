import Foundation
import PassnumDomain
import Testing

@Suite("Serial numbers and security codes")
struct IdentificationTests {
    @Test("The Damm check digit matches the published example")
    func dammReference() {
        // Wikipedia's worked example: 572 → check digit 4.
        #expect(Damm.checkDigit(of: [5, 7, 2]) == 4)
        #expect(Damm.isValid([5, 7, 2, 4]))
        #expect(!Damm.isValid([5, 7, 2, 3]))
    }

    @Test("Every single-digit typo and every swap of adjacent digits is caught")
    func serialCatchesTypos() throws {
        var random = SplitMix64(seed: 42)
        for _ in 0..<200 {
            let number = CheckSerial.firstNumber + Int64(random.next() % UInt64(CheckSerial.lastNumber - CheckSerial.firstNumber))
            let serial = try #require(CheckSerial(number: number))
            let digits = Array(serial.compact)
            #expect(CheckSerial.parse(serial.compact) == .success(serial))
            #expect(CheckSerial.parse(serial.grouped) == .success(serial))
            for position in digits.indices {
                for replacement in "0123456789" where replacement != digits[position] {
                    var typo = digits
                    typo[position] = replacement
                    #expect(CheckSerial.parse(String(typo)) != .success(serial))
                }
                if position + 1 < digits.count, digits[position] != digits[position + 1] {
                    var swapped = digits
                    swapped.swapAt(position, position + 1)
                    #expect(CheckSerial.parse(String(swapped)) == .failure(.badCheckDigit), "\(serial.compact) swap at \(position)")
                }
            }
        }
    }

    @Test("Serials read what people type and refuse the rest", arguments: [
        ("1000 0000 0017", true), ("1000-0000-0017", true), ("100000000017", true),
        ("1000 0000 001", false), ("1000 0000 0017 1", false), ("1000 O000 0017", false), ("", false),
    ])
    func serialParsing(text: String, valid: Bool) {
        let result = CheckSerial.parse(text)
        if valid {
            #expect(throws: Never.self) { try result.get() }
        } else {
            #expect(throws: CheckSerial.ParseError.malformed) { try result.get() }
        }
    }

    @Test("The security code is the HMAC-SHA-256 of the serial, 13 Crockford characters, 65 bits")
    func securityCodeIsHMAC() throws {
        let secret = try #require(InstallationSecret(bytes: Array(repeating: UInt8(1), count: 32)))
        let serial = try #require(CheckSerial(number: 10_000_000_001))
        let code = secret.securityCode(for: serial)
        #expect(code.canonical.count == 13)
        #expect(code.canonical.allSatisfy { Crockford.alphabet.contains($0) })
        // Independent implementation: Python's hmac module gives the same 65 bits.
        // python3 -c "import hmac,hashlib; print(hmac.new(b'\x01'*32, b'100000000016', hashlib.sha256).hexdigest()[:17])"
        #expect(code.canonical == IdentificationTests.expectedCode(serial.compact))
        #expect(secret.verify(code, for: serial))
        #expect(!secret.verify(try #require(SecurityCode(typed: "0000000000000")), for: serial))
        let other = try #require(InstallationSecret(bytes: Array(repeating: UInt8(2), count: 32)))
        #expect(other.securityCode(for: serial) != code)
    }

    /// Computes the expected code with python3's hmac module, an implementation independent of swift-crypto.
    static func expectedCode(_ serial: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import hmac, hashlib
            mac = hmac.new(b'\\x01' * 32, b'\(serial)', hashlib.sha256).digest()
            bits = int.from_bytes(mac, 'big') >> (256 - 65)
            alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
            print(''.join(alphabet[(bits >> (5 * (12 - i))) & 31] for i in range(13)))
            """]
        let pipe = Pipe()
        process.standardOutput = pipe
        try? process.run()
        process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("Typed codes forgive case, spaces and the letters people confuse with digits")
    func codeTyping() throws {
        let code = try #require(SecurityCode(typed: "ab1d efgh jkmn p"))
        #expect(SecurityCode(typed: "ABID-EFGH-JKMN-P") == code)
        #expect(SecurityCode(typed: "abld efgh jkmn p") == code)
        #expect(SecurityCode(typed: "ABCD EFGH JKMN") == nil)
        #expect(SecurityCode(typed: "ABCD EFGH JKMN U") == nil)
        #expect(code.grouped == "AB1D EFGH JKMN P")
    }
}
