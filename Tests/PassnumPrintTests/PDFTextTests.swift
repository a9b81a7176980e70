import Testing
@testable import PassnumPrint

@Suite("PDF text")
struct PDFTextTests {
    @Test("French text becomes Windows-1252 bytes, and what it lacks becomes a question mark")
    func winAnsiEncoding() {
        #expect(WinAnsiText("éèàçùôœ€’«»").bytes == [0xE9, 0xE8, 0xE0, 0xE7, 0xF9, 0xF4, 0x9C, 0x80, 0x92, 0xAB, 0xBB])
        #expect(WinAnsiText("Ça coûte 10 €…").bytes == [0xC7, 0x61, 0x20, 0x63, 0x6F, 0xFB, 0x74, 0x65, 0x20, 0x31, 0x30, 0x20, 0x80, 0x85])
        // "é" typed as e + combining acute accent.
        #expect(WinAnsiText("e\u{301}").bytes == [0xE9])
        #expect(WinAnsiText("日本 🙂").bytes == Array("?? ?".utf8))
        #expect(WinAnsiText("1\u{202F}000\u{00A0}€").bytes == [0x31, 0xA0, 0x30, 0x30, 0x30, 0xA0, 0x80])
        #expect(WinAnsiText("a\tb\nc").bytes == Array("a b c".utf8))
    }

    @Test("Parentheses and backslashes are escaped in PDF strings")
    func literalEscaping() {
        var bytes = PDFBytes()
        bytes.literal(WinAnsiText(#"(a) \ b é"#))
        #expect(bytes.bytes == Array(#"(\(a\) \\ b "#.utf8) + [0xE9, UInt8(ascii: ")")])
    }

    @Test("Numbers are written with at most two decimals and no exponent")
    func numbers() {
        func written(_ value: Double) -> String {
            var bytes = PDFBytes()
            bytes.number(value)
            return String(decoding: bytes.bytes, as: UTF8.self)
        }
        #expect(written(12) == "12")
        #expect(written(595.28) == "595.28")
        #expect(written(0.5) == "0.5")
        #expect(written(-3.25) == "-3.25")
        #expect(written(0.004) == "0")
        #expect(written(1e-9) == "0")
        #expect(written(841.885) == "841.89")
    }

    @Test("Widths come from the Helvetica metrics")
    func widths() {
        #expect(PDFFont.regular.width(of: WinAnsiText("Hello"), size: 1000) == 2278)
        #expect(PDFFont.bold.width(of: WinAnsiText("Hello"), size: 1000) == 2445)
        #expect(PDFFont.regular.width(of: WinAnsiText("€é"), size: 10) == 11.12)
    }

    @Test("Text too wide is shortened with an ellipsis to fit")
    func truncation() {
        let text = WinAnsiText("Communauté d'agglomération du Pays de Saint-Étienne")
        #expect(PDFFont.bold.truncate(text, size: 10, maxWidth: 1000) == text)

        let short = PDFFont.bold.truncate(text, size: 10, maxWidth: 100)
        #expect(PDFFont.bold.width(of: short, size: 10) <= 100)
        #expect(short.bytes.last == 0x85)
        #expect(short.bytes.dropLast().last != 0x20)
        #expect(text.bytes.starts(with: short.bytes.dropLast()))
    }

    @Test("Wrapping keeps every line within the width and the line count")
    func wrapping() {
        let text = WinAnsiText("Présentez un chèque par heure d'accompagnement dans un lieu partenaire du programme.")
        let lines = PDFFont.regular.wrap(text, size: 11, maxWidth: 150, maxLines: 10)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { PDFFont.regular.width(of: $0, size: 11) <= 150 })
        #expect(Array(lines.map(\.bytes).joined(separator: [0x20])) == text.bytes)

        let cut = PDFFont.regular.wrap(text, size: 11, maxWidth: 150, maxLines: 2)
        #expect(cut.count == 2)
        #expect(cut[1].bytes.last == 0x85)
        #expect(cut.allSatisfy { PDFFont.regular.width(of: $0, size: 11) <= 150 })

        let url = WinAnsiText("https://passnum.example.fr/" + String(repeating: "chemin/", count: 20))
        let urlLines = PDFFont.regular.wrap(url, size: 12, maxWidth: 200, maxLines: 10)
        #expect(urlLines.allSatisfy { PDFFont.regular.width(of: $0, size: 12) <= 200 })
        #expect(Array(urlLines.map(\.bytes).joined()) == url.bytes)

        #expect(PDFFont.regular.wrap(WinAnsiText(""), size: 11, maxWidth: 150, maxLines: 2).isEmpty)
    }
}
