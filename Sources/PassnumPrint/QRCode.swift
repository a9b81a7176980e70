import CQRencode
import Foundation

/// A QR code symbol, encoded by libqrencode.
public struct QRCode: Sendable, Equatable {
    /// Modules per side, without the quiet zone.
    public let size: Int
    /// Row-major, top row first; true is a dark module.
    private let modules: [Bool]

    /// Error correction M or better only: a check's code must survive a fold or a coffee stain.
    public enum ErrorCorrection: Sendable, CaseIterable {
        case medium, quartile, high

        var level: QRecLevel {
            switch self {
            case .medium: QR_ECLEVEL_M
            case .quartile: QR_ECLEVEL_Q
            case .high: QR_ECLEVEL_H
            }
        }
    }

    /// The quiet zone ISO/IEC 18004 asks for around the symbol, in modules.
    public static let quietZone = 4

    /// Whether a module is dark; outside the symbol (the quiet zone) every module is light.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }

    /// Encodes `text` as bytes (its UTF-8), case preserved, in the smallest version that holds it.
    public static func encode(_ text: String, level: ErrorCorrection = .medium) throws -> QRCode {
        // libqrencode reads a C string: an embedded NUL would silently cut the content.
        guard !text.utf8.contains(0) else { throw PrintError.qrContentInvalid(text) }
        errno = 0
        // QR_MODE_8 with case sensitivity: libqrencode may still use the denser numeric and alphanumeric
        // modes for runs of digits or capitals, but everything else is stored byte for byte.
        guard let symbol = QRcode_encodeString(text, 0, level.level, QR_MODE_8, 1) else {
            if errno == ERANGE { throw PrintError.qrContentTooLong(text) }
            throw PrintError.qrEncodingFailed(text, errno: errno)
        }
        defer { QRcode_free(symbol) }
        let size = Int(symbol.pointee.width)
        let data = symbol.pointee.data!
        // Bit 0 of each byte is the module colour; the other bits describe its role in the symbol.
        let modules = (0..<size * size).map { data[$0] & 1 == 1 }
        return QRCode(size: size, modules: modules)
    }

    private init(size: Int, modules: [Bool]) {
        self.size = size
        self.modules = modules
    }

    /// The symbol with its quiet zone as a 1-bit image, top row first, each row padded to whole bytes,
    /// 1 for white and 0 for black (DeviceGray).
    func grayBitmap(quietZone: Int = QRCode.quietZone) -> (side: Int, bytes: [UInt8]) {
        let side = size + 2 * quietZone
        let rowBytes = (side + 7) / 8
        var bytes = [UInt8](repeating: 0xFF, count: rowBytes * side)
        for y in 0..<size {
            let row = (y + quietZone) * rowBytes
            for x in 0..<size where modules[y * size + x] {
                let column = x + quietZone
                bytes[row + column / 8] &= ~(0x80 >> UInt8(column % 8))
            }
        }
        return (side, bytes)
    }
}
