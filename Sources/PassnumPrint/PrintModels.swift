/// One check as printed: every value is already formatted for people.
public struct PrintedCheck: Sendable, Hashable {
    /// Grouped for reading: "1000 0000 0017".
    public var serial: String
    /// The security code as printed, for example "ABCD EFGH JKMN P".
    public var code: String
    /// The content of the QR code, for example "https://passnum.example.fr/c/100000000017-ABCDEFGHJKMNP".
    public var url: String

    public init(serial: String, code: String, url: String) {
        self.serial = serial
        self.code = code
        self.url = url
    }
}

/// A booklet: a cover page, then its checks as coupons, ten to a page.
public struct PrintedBooklet: Sendable, Hashable {
    public var number: String
    public var checks: [PrintedCheck]

    public init(number: String, checks: [PrintedCheck]) {
        self.number = number
        self.checks = checks
    }
}

/// What every booklet of an order shares. All texts are printed as given, in French.
public struct BookletDesign: Sendable, Hashable {
    public var funderName: String
    /// The funder's own words on each coupon ("Offert par votre mairie"); may be empty.
    public var funderText: String
    public var programmeName: String
    /// Formatted amount, for example "10 €".
    public var faceValue: String
    /// Last day a check is accepted, formatted, for example "31/12/2027".
    public var lastValidDay: String
    /// Public page listing the places that accept the checks.
    public var finderURL: String
    /// Instructions for the beneficiary, one sentence per line, on the cover.
    public var howToUse: [String]

    public init(
        funderName: String, funderText: String, programmeName: String, faceValue: String,
        lastValidDay: String, finderURL: String, howToUse: [String]
    ) {
        self.funderName = funderName
        self.funderText = funderText
        self.programmeName = programmeName
        self.faceValue = faceValue
        self.lastValidDay = lastValidDay
        self.finderURL = finderURL
        self.howToUse = howToUse
    }
}

public enum PrintError: Error, Sendable, Equatable, CustomStringConvertible {
    /// More data than the largest QR code holds.
    case qrContentTooLong(String)
    /// The content holds a NUL character, which libqrencode cannot take.
    case qrContentInvalid(String)
    /// libqrencode failed for another reason (out of memory, usually).
    case qrEncodingFailed(String, errno: Int32)
    /// A booklet must hold at least one check.
    case emptyBooklet(number: String)
    /// `add` or `finish` was called after `finish`.
    case documentFinished
    /// The writer numbered its PDF objects inconsistently (a bug, never the data's fault): no corrupt file is kept.
    case inconsistentObjects(String)

    public var description: String {
        switch self {
        case .qrContentTooLong(let text): "Le contenu du QR code est trop long (\(text.utf8.count) octets)."
        case .qrContentInvalid: "Le contenu du QR code contient un caractère nul."
        case .qrEncodingFailed(_, let code): "Le QR code n'a pas pu être créé (erreur \(code))."
        case .emptyBooklet(let number): "Le carnet \(number) ne contient aucun chèque."
        case .documentFinished: "Le document PDF est déjà terminé."
        case .inconsistentObjects(let detail): "Le document PDF n'a pas pu être écrit correctement (\(detail))."
        }
    }
}
