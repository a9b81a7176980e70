import Foundation

/// The variable data of an order for a print shop that composes the checks itself: one row per check
/// with every printed field. Semicolon-separated, UTF-8 with a byte order mark and CRLF line ends, the
/// form a French Excel opens correctly with a double click.
public enum PrinterCSV {
    public static let columns = [
        "Carnet", "Rang dans le carnet", "Numéro", "Code", "Contenu du QR code", "Financeur",
        "Texte du financeur", "Programme", "Valeur", "Valable jusqu'au", "Où utiliser les chèques",
    ]

    /// The start of the file: byte order mark and header line.
    public static func header() -> String {
        "\u{FEFF}" + line(columns)
    }

    /// The rows of one booklet, to append after `header()` booklet by booklet.
    public static func rows(design: BookletDesign, booklet: PrintedBooklet) -> String {
        var text = ""
        for (index, check) in booklet.checks.enumerated() {
            text += line([
                booklet.number, String(index + 1), check.serial, check.code, check.url, design.funderName,
                design.funderText, design.programmeName, design.faceValue, design.lastValidDay, design.finderURL,
            ])
        }
        return text
    }

    static func line(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ";") + "\r\n"
    }

    /// One cell: defused if a spreadsheet would read it as a formula (the funder's texts come from a
    /// form), then quoted if it holds a separator, a quote or a line break.
    static func cell(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            value = "'" + value
        }
        guard value.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
