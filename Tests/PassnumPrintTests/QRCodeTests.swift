import Testing
@testable import PassnumPrint

@Suite("QR code")
struct QRCodeTests {
    @Test("A check URL makes a version 4 symbol with its three finder patterns")
    func encodesCheckURL() throws {
        let code = try QRCode.encode("https://passnum.example.fr/c/100000000017-ABCDEFGHJKMNP")

        #expect(code.size == 33)
        // Finder patterns: dark 7×7 squares with a light ring, in three corners.
        for (left, top) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            #expect(code.isDark(x: left, y: top))
            #expect(code.isDark(x: left + 6, y: top + 6))
            #expect(!code.isDark(x: left + 1, y: top + 1))
            #expect(code.isDark(x: left + 3, y: top + 3))
        }
    }

    @Test("More error correction needs a larger symbol")
    func errorCorrectionLevels() throws {
        let text = "https://passnum.example.fr/c/100000000017-ABCDEFGHJKMNP"
        let sizes = try QRCode.ErrorCorrection.allCases.map { try QRCode.encode(text, level: $0).size }
        #expect(sizes == sizes.sorted())
        #expect(sizes.first! < sizes.last!)
    }

    @Test("The bitmap has a white quiet zone of 4 modules and one bit per module")
    func bitmap() throws {
        let code = try QRCode.encode("https://passnum.example.fr/c/1")
        let (side, bytes) = code.grayBitmap()
        let rowBytes = (side + 7) / 8

        #expect(side == code.size + 8)
        #expect(bytes.count == rowBytes * side)
        func white(_ x: Int, _ y: Int) -> Bool { bytes[y * rowBytes + x / 8] & (0x80 >> UInt8(x % 8)) != 0 }
        for index in 0..<side {
            for band in 0..<4 {
                #expect(white(index, band) && white(index, side - 1 - band) && white(band, index) && white(side - 1 - band, index))
            }
        }
        for y in 0..<code.size {
            for x in 0..<code.size {
                #expect(white(x + 4, y + 4) == !code.isDark(x: x, y: y))
            }
        }
    }

    @Test("Content larger than the biggest symbol, or holding a NUL, is refused")
    func refusals() {
        let tooLong = String(repeating: "a", count: 3000)
        #expect(throws: PrintError.qrContentTooLong(tooLong)) { try QRCode.encode(tooLong) }
        #expect(throws: PrintError.qrContentInvalid("a\0b")) { try QRCode.encode("a\0b") }
    }
}
