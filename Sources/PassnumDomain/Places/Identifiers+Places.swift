/// SIRET numbers, IBANs and BICs as people type them, with the checks banks and INSEE use.
public enum Siret {
    public enum Problem: String, Error, Sendable {
        case notFourteenDigits = "not_14_digits"
        case badChecksum = "bad_checksum"
    }

    /// La Poste's establishments share this SIREN and do not follow Luhn: their digits add up to a multiple of 5.
    public static let laPosteSiren = "356000000"

    /// The 14 digits of a SIRET typed with or without spaces, or why it is not one.
    public static func check(_ text: String) -> Result<String, Problem> {
        let digits = text.filter { $0 != " " && $0 != "\u{00A0}" && $0 != "." }
        guard digits.count == 14, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return .failure(.notFourteenDigits) }
        let values = digits.map { Int(String($0))! }
        if digits.hasPrefix(laPosteSiren) {
            return values.reduce(0, +) % 5 == 0 ? .success(digits) : .failure(.badChecksum)
        }
        return Luhn.isValid(values) ? .success(digits) : .failure(.badChecksum)
    }

    /// The SIRET made of 13 digits and their Luhn check digit: seed and test data that `check` accepts.
    public static func completing(_ body: String) -> String {
        let digits = body.compactMap(\.wholeNumberValue)
        return body + String((0...9).first { Luhn.isValid(digits + [$0]) } ?? 0)
    }
}

public enum Luhn {
    /// The Luhn check (ISO/IEC 7812-1): double every second digit from the right.
    public static func isValid(_ digits: [Int]) -> Bool {
        let sum = digits.reversed().enumerated().reduce(0) { total, pair in
            let doubled = pair.offset % 2 == 1 ? pair.element * 2 : pair.element
            return total + (doubled > 9 ? doubled - 9 : doubled)
        }
        return sum % 10 == 0
    }
}

public enum IBAN {
    public enum Problem: String, Error, Sendable {
        case badFormat = "bad_format"
        case badLength = "bad_length"
        case badChecksum = "bad_checksum"
    }

    /// IBAN lengths of the SEPA countries most likely here; other countries get the generic 15…34.
    static let lengths: [String: Int] = [
        "FR": 27, "MC": 27, "DE": 22, "BE": 16, "ES": 24, "IT": 27, "LU": 20, "NL": 18, "PT": 25, "CH": 21, "GB": 22, "IE": 22, "AT": 20,
    ]

    /// The IBAN in its electronic form (no spaces, upper case), or why it is not one (ISO 13616, mod 97-10).
    public static func check(_ text: String) -> Result<String, Problem> {
        let iban = text.filter { !$0.isWhitespace }.uppercased()
        guard iban.count >= 15, iban.count <= 34, iban.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              iban.prefix(2).allSatisfy(\.isLetter), iban.dropFirst(2).prefix(2).allSatisfy(\.isNumber)
        else { return .failure(.badFormat) }
        if let length = lengths[String(iban.prefix(2))], iban.count != length { return .failure(.badLength) }
        let rearranged = iban.dropFirst(4) + iban.prefix(4)
        var remainder = 0
        for character in rearranged {
            let value = character.isNumber ? Int(String(character))! : Int(character.asciiValue! - 55)
            for digit in String(value) { remainder = (remainder * 10 + Int(String(digit))!) % 97 }
        }
        return remainder == 1 ? .success(iban) : .failure(.badChecksum)
    }

    /// "FR76 3000 6000 0112 3456 7890 189"
    public static func grouped(_ iban: String) -> String { iban.grouped(by: 4) }
}

public enum BIC {
    /// 8 or 11 characters: bank (4 letters), country (2 letters), location (2), optional branch (3).
    public static func check(_ text: String) -> String? {
        let bic = text.filter { !$0.isWhitespace }.uppercased()
        guard bic.count == 8 || bic.count == 11, bic.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              bic.prefix(6).allSatisfy(\.isLetter)
        else { return nil }
        return bic
    }
}
