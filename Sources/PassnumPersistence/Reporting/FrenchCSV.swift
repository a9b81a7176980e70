/// CSV that LibreOffice and Excel open right in French: UTF-8 with a byte order mark, semicolons, CRLF.
/// A cell starting with = + - @ is prefixed with a quote, so that no spreadsheet runs it as a formula.
public enum FrenchCSV {
    public static func render(_ rows: [[String]]) -> String {
        byteOrderMark + rows.map { $0.map(field).joined(separator: ";") }.joined(separator: "\r\n") + "\r\n"
    }

    public static let byteOrderMark = "\u{FEFF}"

    /// Rows as `render` writes them, without the byte order mark: for a file written a few rows at a time.
    public static func lines(_ rows: some Sequence<[String]>) -> String {
        rows.map { $0.map(field).joined(separator: ";") + "\r\n" }.joined()
    }

    public static func field(_ text: String) -> String {
        // A cell starting with = + - @ would be run as a formula by spreadsheets; a plain negative amount is not one.
        let safe = text.first.map { "=+-@".contains($0) } == true && !isPlainNumber(text) ? "'" + text : text
        guard safe.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// "-10,50", "12": digits with an optional minus and decimal comma, nothing else.
    static func isPlainNumber(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        let parts = digits.split(separator: ",", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
