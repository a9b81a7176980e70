import Foundation

/// French typography, applied once to every text node the HTML builder writes (never to attributes, URLs or
/// trusted markup): a non-breaking space before « : » and a narrow one before « ; ! ? », inside « », so that
/// a line never starts with a colon or a closing guillemet. Plurals and telephone numbers have their helpers.
extension French {
    static let nbsp: Unicode.Scalar = "\u{00A0}"
    static let narrowNbsp: Unicode.Scalar = "\u{202F}"

    /// "Montant : 10 €", "Prêt ?", "« Mon smartphone »" with the right unbreakable spaces. An existing space
    /// before the mark becomes unbreakable; guillemets glued to a word get one. A colon or a question mark glued to
    /// what precedes it is left as typed ("10:00", "https://", "&amp;", a name a user typed).
    static func typeset(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { ":;!?«»".unicodeScalars.contains($0) }) else { return text }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case ":", ";", "!", "?", "»":
                let space = scalar == ":" || scalar == "»" ? nbsp : narrowNbsp
                if let last = output.last, last == " " || last == nbsp || last == narrowNbsp {
                    output.removeLast()
                    output.append(space)
                } else if scalar == "»", let last = output.last, last.properties.isAlphabetic {
                    output.append(space)
                }
                output.append(scalar)
            case " " where output.last == "«":
                output.append(nbsp)
            default:
                if output.last == "«", scalar != nbsp, scalar != narrowNbsp { output.append(nbsp) }
                output.append(scalar)
            }
        }
        return String(output)
    }

    /// "1 heure", "12 heures", "7 jours": a lifetime in whole days when it is some, else in hours.
    static func duration(_ seconds: TimeInterval) -> String {
        let hours = Int(seconds / 3600)
        return hours >= 24 && hours % 24 == 0 ? plural(hours / 24, "jour", "jours") : plural(hours, "heure", "heures")
    }

    /// "1 chèque", "3 chèques", "0 chèque": French takes the singular for 0 and 1.
    static func plural(_ count: Int, _ singular: String, _ plural: String) -> String {
        "\(count) " + (abs(count) < 2 ? singular : plural)
    }

    /// "05 56 00 00 00" for a French number typed "0556000000", "+33 5 56 00 00 00" or "+33556000000"; anything
    /// else (a foreign number, an extension) comes back as typed.
    static func phone(_ typed: String) -> String {
        var digits = typed.filter { !" .-()".contains($0) }
        if digits.hasPrefix("+33") { digits = "0" + digits.dropFirst(3) } else if digits.hasPrefix("0033") { digits = "0" + digits.dropFirst(4) }
        guard digits.count == 10, digits.hasPrefix("0"), digits.allSatisfy(\.isASCIIDigit) else { return typed }
        return stride(from: 0, to: 10, by: 2).map { offset in
            let start = digits.index(digits.startIndex, offsetBy: offset)
            return String(digits[start..<digits.index(start, offsetBy: 2)])
        }.joined(separator: " ")
    }
}
