/// CSV that LibreOffice and Excel open right in French: UTF-8 with a byte order mark, semicolons, CRLF.
/// A cell starting with = + - @ is prefixed with a quote, so that no spreadsheet runs it as a formula.
public enum FrenchCSV {
    public static func render(_ rows: [[String]]) -> String {
        "\u{FEFF}" + rows.map { $0.map(field).joined(separator: ";") }.joined(separator: "\r\n") + "\r\n"
    }

    public static func field(_ text: String) -> String {
        let safe = text.first.map { "=+-@".contains($0) } == true ? "'" + text : text
        guard safe.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
