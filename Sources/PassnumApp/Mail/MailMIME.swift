import Foundation

/// An address, with an optional display name: `PASSNUM_MAIL_FROM` is `Name <address>` or `address`.
struct MailAddress: Sendable, Equatable {
    var name: String?
    var address: String

    /// What may go between `<` and `>` on the wire: one `@`, no space, no control character, no angle bracket.
    static func isSafe(_ address: String) -> Bool {
        (3...254).contains(address.utf8.count) && address.filter({ $0 == "@" }).count == 1
            && !address.unicodeScalars.contains { $0.value < 0x21 || $0.value == 0x7F || "<>()[],;:\\\"".unicodeScalars.contains($0) }
    }

    static func parse(_ text: String) -> MailAddress? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            let name = trimmed[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            guard isSafe(address) else { return nil }
            return MailAddress(name: name.isEmpty ? nil : MailMIME.oneLine(name), address: address)
        }
        return isSafe(trimmed) ? MailAddress(name: nil, address: trimmed) : nil
    }

    /// The header form: the name encoded when it is not plain ASCII.
    var header: String {
        guard let name else { return address }
        return MailMIME.encodedWords(name, phrase: true) + " <\(address)>"
    }
}

/// Builds the message the relay receives: headers, then a multipart/alternative body with the plain-text and HTML
/// parts in UTF-8, base64 (lines of 76 characters). Every line ends with CRLF and stays far below 998 characters; a
/// header value never holds a line break of its own (they become spaces), so nothing can add a header.
enum MailMIME {
    static func render(_ mail: ComposedMail, from: MailAddress, to: String, date: Date, messageID: String, boundary: String = "=_passnum_" + UUID().uuidString) -> String {
        var lines = [
            "From: " + from.header,
            "To: " + oneLine(to),
            "Subject: " + encodedWords(oneLine(mail.subject), phrase: false),
            "Date: " + rfc5322(date),
            "Message-ID: <\(oneLine(messageID))>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
        ]
        for (type, content) in [("text/plain", mail.text), ("text/html", mail.html)] {
            lines += ["--" + boundary, "Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", ""]
            lines += base64Lines(Data(content.utf8))
        }
        lines += ["--" + boundary + "--", ""]
        return lines.joined(separator: "\r\n")
    }

    /// Control characters (line breaks among them) become spaces.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : $0 }))
    }

    /// `text` as is when it is printable ASCII (and, for a display name, holds no special character), else RFC 2047
    /// encoded words (`=?UTF-8?B?…?=`), each of at most 45 bytes of whole characters, on one line (no folding: a value
    /// never holds a line break), the text cut at 120 characters so that the line stays under 998.
    static func encodedWords(_ text: String, phrase: Bool) -> String {
        let plain = text.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }
            && (!phrase || !text.contains(where: { "()<>[]:;@\\,.\"".contains($0) }))
        if plain, text.utf8.count <= 900 { return text }
        var words: [String] = []
        var chunk = Data()
        for character in String(text.prefix(120)) {
            let bytes = Data(String(character).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + chunk.base64EncodedString() + "?=")
                chunk = Data()
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + chunk.base64EncodedString() + "?=") }
        return words.joined(separator: " ")
    }

    static func base64Lines(_ data: Data) -> [String] {
        let encoded = Array(data.base64EncodedString().utf8)
        return stride(from: 0, to: encoded.count, by: 76).map { String(decoding: encoded[$0..<min($0 + 76, encoded.count)], as: UTF8.self) }
    }

    static func rfc5322(_ date: Date) -> String {
        date.formatted(Date.VerbatimFormatStyle(format: "\(weekday: .abbreviated), \(day: .twoDigits) \(month: .abbreviated) \(year: .defaultDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits) +0000",
                                                locale: Locale(identifier: "en_US_POSIX"), timeZone: .gmt, calendar: Calendar(identifier: .gregorian)))
    }
}
