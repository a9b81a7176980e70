import Foundation

/// Text as the standard PDF fonts read it: one Windows-1252 byte per glyph (PDF's /WinAnsiEncoding).
/// Working on bytes makes measuring, truncating and escaping exact, with no font embedded.
struct WinAnsiText: Hashable, Sendable {
    var bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Converts a Swift string; characters Windows-1252 cannot show become "?".
    init(_ string: String) {
        // NFC first, so that an "é" typed as "e" + combining accent still finds its single byte.
        let scalars = string.precomposedStringWithCanonicalMapping.unicodeScalars
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count)
        for scalar in scalars { bytes.append(Self.byte(for: scalar)) }
        self.bytes = bytes
    }

    static let questionMark: UInt8 = 0x3F
    static let space: UInt8 = 0x20
    static let ellipsis: UInt8 = 0x85

    static func byte(for scalar: Unicode.Scalar) -> UInt8 {
        let value = scalar.value
        switch value {
        case 0x20...0x7E, 0xA0...0xFF: return UInt8(value)
        // Line breaks and tabs would be invisible control codes in a PDF string: one space instead.
        case 0x09, 0x0A, 0x0D: return space
        // French typography puts thin no-break spaces before ":" and in amounts ("1 234,50 €").
        case 0x202F, 0x2009, 0x2007: return 0xA0
        default: return highHalf[value] ?? questionMark
        }
    }

    /// The code points Windows-1252 places in 0x80–0x9F, where Latin-1 has control codes.
    private static let highHalf: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
        0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E,
        0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97,
        0x02DC: 0x98, 0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B, 0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]

    static func + (lhs: WinAnsiText, rhs: WinAnsiText) -> WinAnsiText { WinAnsiText(bytes: lhs.bytes + rhs.bytes) }
}

/// The two fonts used, both among the 14 standard PDF fonts every reader has, so nothing is embedded.
enum PDFFont: Sendable {
    case regular, bold

    /// Name in the resource dictionaries.
    var resourceName: String { self == .regular ? "F1" : "F2" }
    var baseFont: String { self == .regular ? "Helvetica" : "Helvetica-Bold" }

    /// Advance width in points of `text` set at `size`, from the standard AFM widths (no kerning: the
    /// content streams do not kern either).
    func width(of text: WinAnsiText, size: Double) -> Double {
        let table = self == .regular ? HelveticaWidths.regular : HelveticaWidths.bold
        var thousandths = 0
        for byte in text.bytes { thousandths += Int(table[Int(byte)]) }
        return Double(thousandths) * size / 1000
    }

    /// `text` unchanged when it fits in `maxWidth`, else cut and ended by "…".
    func truncate(_ text: WinAnsiText, size: Double, maxWidth: Double) -> WinAnsiText {
        if width(of: text, size: size) <= maxWidth { return text }
        let ellipsis = WinAnsiText(bytes: [WinAnsiText.ellipsis])
        var kept = text.bytes
        while !kept.isEmpty {
            kept.removeLast()
            // No dangling space before the ellipsis.
            while kept.last == WinAnsiText.space { kept.removeLast() }
            let candidate = WinAnsiText(bytes: kept) + ellipsis
            if width(of: candidate, size: size) <= maxWidth { return candidate }
        }
        return width(of: ellipsis, size: size) <= maxWidth ? ellipsis : WinAnsiText(bytes: [])
    }

    /// Greedy word wrap into at most `maxLines` lines of `maxWidth`. A word wider than a line (a long
    /// URL, say) is split where it overflows; when text remains, the last line ends with "…".
    func wrap(_ text: WinAnsiText, size: Double, maxWidth: Double, maxLines: Int) -> [WinAnsiText] {
        guard maxLines > 0 else { return [] }
        let space = WinAnsiText.space
        let fits = { (bytes: [UInt8]) in width(of: WinAnsiText(bytes: bytes), size: size) <= maxWidth }
        var pieces: [[UInt8]] = []
        for word in text.bytes.split(separator: space) {
            var rest = Array(word)
            while !rest.isEmpty {
                var length = rest.count
                while length > 1 && !fits(Array(rest[..<length])) { length -= 1 }
                pieces.append(Array(rest[..<length]))
                rest.removeFirst(length)
            }
        }
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < pieces.count {
            let candidate = current.isEmpty ? pieces[index] : current + [space] + pieces[index]
            if fits(candidate) || current.isEmpty {
                current = candidate
                index += 1
                continue
            }
            if lines.count == maxLines - 1 { break }
            lines.append(current)
            current = []
        }
        if index == pieces.count {
            if !current.isEmpty { lines.append(current) }
            return lines.map(WinAnsiText.init(bytes:))
        }
        let rest = ([current] + pieces[index...]).joined(separator: [space])
        lines.append(truncate(WinAnsiText(bytes: Array(rest)), size: size, maxWidth: maxWidth).bytes)
        return lines.map(WinAnsiText.init(bytes:))
    }
}

/// Advance widths in 1/1000 em of the WinAnsi codes 0–255, from the Adobe core-font AFM metrics of
/// Helvetica and Helvetica-Bold (the metric-compatible URW Nimbus Sans AFMs give the same numbers).
/// Codes never produced by `WinAnsiText` (controls, 0x7F) are 0.
enum HelveticaWidths {
    static let regular: [UInt16] = [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x00
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x10
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  // 0x20
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  // 0x30
        1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  // 0x40
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  // 0x50
        333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  // 0x60
        556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,  // 0x70
        556, 350, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350,  // 0x80
        350, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 350, 500, 667,  // 0x90
        278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,  // 0xA0
        400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,  // 0xB0
        667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,  // 0xC0
        722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,  // 0xD0
        556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,  // 0xE0
        556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,  // 0xF0
    ]
    static let bold: [UInt16] = [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x00
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x10
        278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,  // 0x20
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,  // 0x30
        975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,  // 0x40
        667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,  // 0x50
        333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,  // 0x60
        611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,  // 0x70
        556, 350, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350,  // 0x80
        350, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 350, 500, 667,  // 0x90
        278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,  // 0xA0
        400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,  // 0xB0
        722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,  // 0xC0
        722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,  // 0xD0
        556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,  // 0xE0
        611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,  // 0xF0
    ]
}
