/// The characters no stored text may hold: the control characters other than tab and line breaks, DEL, and the
/// noncharacters U+FFFE and U+FFFF. Nobody types them; they come from a crafted request or a careless copy. PostgreSQL's
/// text refuses U+0000, SQLite cuts a text at it when it reads it back, and XML 1.0 (the SEPA and Factur-X files)
/// cannot carry any of the C0 ones. The web forms, the API and the place import refuse them; a file name loses them.
public enum ControlCharacters {
    public static func isRefused(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: false
        case 0x00..<0x20, 0x7F, 0xFFFE, 0xFFFF: true
        default: false
        }
    }

    public static func occur(in text: some StringProtocol) -> Bool {
        text.unicodeScalars.contains(where: isRefused)
    }

    public static func removed(from text: String) -> String {
        var kept = String.UnicodeScalarView()
        kept.append(contentsOf: text.unicodeScalars.lazy.filter { !isRefused($0) })
        return String(kept)
    }
}
