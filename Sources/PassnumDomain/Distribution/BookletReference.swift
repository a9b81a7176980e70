/// What the hand-out form's number field receives, read into the booklet it names: the number printed on the booklet's
/// cover ("Carnet n° 12", typed "12"), a check's serial typed with or without spaces, or a check's QR code as a USB
/// scanner types it (its whole URL, read by `ScannedCheck`). A check names its booklet. Nothing here says whether the
/// booklet is in the prescriber's stock: the store does.
public enum BookletReference: Sendable, Equatable {
    case booklet(BookletID)
    case check(CheckSerial)

    /// Why a text names no booklet; each case tells the prescriber what to type instead.
    public enum Refusal: Error, Sendable, Equatable {
        case empty
        /// Neither a booklet's number nor a check's 12 digits.
        case malformed
        /// 12 digits whose last one does not match: a typo in a check's number.
        case badCheckDigit
    }

    /// A booklet's number has at most this many digits (a billion booklets); a check's serial has 12. Between the two
    /// is a check's number with a digit missing, refused rather than read as a booklet nobody has.
    public static let maximumBookletDigits = 9

    public static func read(_ text: String) -> Result<BookletReference, Refusal> {
        guard text.utf8.count <= ScannedCheck.maximumLength else { return .failure(.malformed) }
        if let link = ScannedCheck.qrPayload(text) { return check(link.serial) }
        var rest = Substring(ApplicationData.trimmed(text).lowercased())
        guard !rest.isEmpty else { return .failure(.empty) }
        // The cover's words, as a person may copy them: "Carnet n° 12", "carnet 12", "n°12", "no 12".
        for word in ["carnet", "n°", "nº", "no", "n."] where rest.hasPrefix(word) {
            rest = rest.dropFirst(word.count).drop { $0 == " " }
        }
        let digits = rest.filter { $0.isASCII && $0.isNumber }
        if digits.count == CheckSerial.digits + 1 { return check(String(rest)) }
        guard (1...maximumBookletDigits).contains(digits.count), rest.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == " ") }),
              let number = Int64(digits), number > 0
        else { return .failure(.malformed) }
        return .success(.booklet(BookletID(number)))
    }

    private static func check(_ text: String) -> Result<BookletReference, Refusal> {
        switch CheckSerial.parse(text) {
        case .success(let serial): .success(.check(serial))
        case .failure(.badCheckDigit): .failure(.badCheckDigit)
        case .failure(.malformed): .failure(.malformed)
        }
    }
}
