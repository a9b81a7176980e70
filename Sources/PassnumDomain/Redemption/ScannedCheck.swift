import Foundation

/// What a place's "Numéro" field receives, read into a number and a code. A USB scanner types the QR code's
/// whole URL (`https://…/c/123456789012-ABCDEFGHJKMNP`), a paste may add spaces or lower case, a person types the
/// grouped number: each gives the same row. Nothing here decides whether the check is valid: the validation does.
public enum ScannedCheck {
    /// Longer than any URL the platform prints (a base URL, "/c/", 12 digits, a dash, 13 characters): a longer field
    /// is refused unread, so a paste of a page cannot cost more than this.
    public static let maximumLength = 300

    /// The number and code to present: from the URL when the number field holds one (its code fills an empty code
    /// field; a code typed by hand wins), otherwise the fields as typed, trimmed. Nil when the field is over the limit.
    public static func read(number: String, code: String) -> (serial: String, code: String)? {
        guard number.utf8.count <= maximumLength, code.utf8.count <= maximumLength else { return nil }
        let typedCode = ApplicationData.trimmed(code)
        guard let link = qrPayload(number) else { return (ApplicationData.trimmed(number), typedCode) }
        return (link.serial, typedCode.isEmpty ? link.code : typedCode)
    }

    /// The serial and code of the QR code's URL (`…/c/SERIAL-CODE`, any host, any case, with or without a query or
    /// fragment), or of its path alone; nil when the text holds no `/c/`.
    public static func qrPayload(_ text: String) -> (serial: String, code: String)? {
        guard text.utf8.count <= maximumLength else { return nil }
        let text = ApplicationData.trimmed(text)
        guard let marker = text.range(of: "/c/", options: [.backwards, .caseInsensitive]) else { return nil }
        var payload = text[marker.upperBound...]
        if let end = payload.firstIndex(where: { $0 == "?" || $0 == "#" || $0 == "/" }) { payload = payload[..<end] }
        return self.payload(payload)
    }

    /// The serial and code of the URL's last segment, `SERIAL-CODE` (the code upper-cased; empty when there is none).
    /// A segment over the limit gives nothing.
    public static func payload(_ segment: some StringProtocol) -> (serial: String, code: String) {
        guard segment.utf8.count <= maximumLength else { return ("", "") }
        let parts = segment.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]).uppercased() : "")
    }
}
