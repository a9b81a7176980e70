import Foundation

/// Bytes of PDF syntax, with the number and string forms the content streams need.
struct PDFBytes {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    mutating func append(_ raw: [UInt8]) { bytes.append(contentsOf: raw) }

    /// A number with at most two decimals and no exponent (PDF has none): 1/100 pt is far below what
    /// a printer resolves, and short numbers keep the file small.
    mutating func number(_ value: Double) {
        let hundredths = Int((value * 100).rounded())
        if hundredths < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = hundredths.magnitude
        integer(Int(magnitude / 100))
        let fraction = Int(magnitude % 100)
        guard fraction != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10))
        if fraction % 10 != 0 { bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10)) }
    }

    mutating func integer(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    /// Numbers separated by spaces and followed by an operator: `numbers([1, 0, 0, 1, x, y], "cm")`.
    mutating func operation(_ operands: [Double], _ op: String) {
        for operand in operands {
            number(operand)
            bytes.append(Self.space)
        }
        append(op)
        bytes.append(Self.newline)
    }

    /// A literal string: parentheses and backslashes escaped, other bytes as they are (WinAnsi).
    mutating func literal(_ text: WinAnsiText) {
        bytes.append(UInt8(ascii: "("))
        for byte in text.bytes {
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            default:
                bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: ")"))
    }

    static let space = UInt8(ascii: " ")
    static let newline = UInt8(ascii: "\n")
}

/// Writes numbered objects to a file as they come, remembering only where each one starts, and ends
/// the file with the cross-reference table. Nothing else is kept, so memory does not grow with the
/// document beyond 8 bytes per object.
struct PDFObjectWriter {
    private let output: FileHandle
    private var buffer = PDFBytes(capacity: Self.flushThreshold + 64 * 1024)
    /// Bytes already handed to `output`.
    private var flushed: UInt64 = 0
    /// Start of each object, by object number − 1; `unwritten` until the object is written. A plain
    /// UInt64 rather than an optional keeps the table at 8 bytes per object.
    private var offsets: [UInt64] = []
    private static let unwritten = UInt64.max
    /// The first object written twice, reported by `finish` (a trap here would stop the whole server).
    private var writtenTwice: Int?

    /// Large enough that writes are few, small enough to stay out of the way.
    static let flushThreshold = 256 * 1024

    init(output: FileHandle) {
        self.output = output
        // The comment of high bytes tells transfer tools the file is binary.
        buffer.append("%PDF-1.4\n%")
        buffer.append([0xE2, 0xE3, 0xCF, 0xD3, PDFBytes.newline])
    }

    private var position: UInt64 { flushed + UInt64(buffer.bytes.count) }

    /// A new object number, to refer to before the object is written.
    mutating func reserve() -> Int {
        offsets.append(Self.unwritten)
        return offsets.count
    }

    /// Writes an object whose body is a dictionary or any other direct value.
    mutating func write(_ id: Int, _ body: String) {
        begin(id)
        buffer.append(body)
        end()
    }

    /// Writes a stream object; `dictionary` holds the entries other than /Length.
    mutating func writeStream(_ id: Int, dictionary: String, data: [UInt8]) {
        begin(id)
        buffer.append("<< \(dictionary) /Length \(data.count) >>\nstream\n")
        buffer.append(data)
        buffer.append("\nendstream")
        end()
    }

    private mutating func begin(_ id: Int) {
        if offsets[id - 1] != Self.unwritten { writtenTwice = writtenTwice ?? id }
        offsets[id - 1] = position
        buffer.append("\(id) 0 obj\n")
    }

    private mutating func end() {
        buffer.append("\nendobj\n")
    }

    /// Hands the buffered bytes to the file when there are enough of them, or always with `force`.
    mutating func flush(force: Bool = false) throws {
        guard force || buffer.bytes.count >= Self.flushThreshold, !buffer.bytes.isEmpty else { return }
        try output.write(contentsOf: buffer.bytes)
        flushed += UInt64(buffer.bytes.count)
        buffer.bytes.removeAll(keepingCapacity: true)
    }

    /// Writes the cross-reference table and the trailer, and flushes.
    mutating func finish(root: Int, info: Int) throws {
        // Every reserved number is written once by construction; otherwise the file would be corrupt.
        if let id = writtenTwice { throw PrintError.inconsistentObjects("object \(id) written twice") }
        if let index = offsets.firstIndex(of: Self.unwritten) {
            throw PrintError.inconsistentObjects("object \(index + 1) reserved but never written")
        }
        let xref = position
        buffer.append("xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n")
        for offset in offsets {
            let digits = String(offset)
            buffer.append(String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n")
            if buffer.bytes.count >= Self.flushThreshold { try flush() }
        }
        buffer.append("trailer\n<< /Size \(offsets.count + 1) /Root \(root) 0 R /Info \(info) 0 R >>\nstartxref\n\(xref)\n%%EOF\n")
        try flush(force: true)
    }
}
