import Foundation

/// What a public buyer gives so that Chorus Pro routes and matches the supplier's invoices: its SIRET, the service
/// code of the department that receives them (optional on Chorus Pro, required by some buyers) and the engagement
/// (purchase order) number. A funder sets a default engagement number; an order may carry its own, which wins.
public struct BuyerIdentifiers: Hashable, Sendable {
    public var siret: String?
    public var serviceCode: String?
    public var engagementNumber: String?

    public static let serviceCodeLimit = 100
    public static let engagementNumberLimit = 50

    public init(siret: String? = nil, serviceCode: String? = nil, engagementNumber: String? = nil) {
        self.siret = siret
        self.serviceCode = serviceCode
        self.engagementNumber = engagementNumber
    }

    /// The identifiers as typed, checked and normalised: blank is none, the SIRET's spaces removed (14 digits, Luhn).
    public static func validated(siret: String?, serviceCode: String?, engagementNumber: String?) throws(DomainError) -> BuyerIdentifiers {
        var identifiers = BuyerIdentifiers()
        if let siret = ApplicationData.optional(siret) {
            switch Siret.check(siret) {
            case .success(let digits): identifiers.siret = digits
            case .failure: throw .invalid(field: .siret, problem: .malformed)
            }
        }
        identifiers.serviceCode = try reference(serviceCode, field: .serviceCode, limit: serviceCodeLimit)
        identifiers.engagementNumber = try Self.engagementNumber(engagementNumber)
        return identifiers
    }

    /// An order's engagement number: none when blank, at most 50 characters.
    public static func engagementNumber(_ text: String?) throws(DomainError) -> String? {
        try reference(text, field: .engagementNumber, limit: engagementNumberLimit)
    }

    static func reference(_ text: String?, field: DomainError.Field, limit: Int) throws(DomainError) -> String? {
        guard let value = ApplicationData.optional(text) else { return nil }
        guard value.count <= limit else { throw .invalid(field: field, problem: .tooLong(max: limit)) }
        // A reference is one line of printable characters: Chorus Pro matches it exactly.
        guard value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw .invalid(field: field, problem: .malformed)
        }
        return value
    }
}

/// An intra-community VAT number: two letters and 2 to 13 letters or digits; a French one is "FR", a two-digit key and
/// the SIREN, the key being (12 + 3 × (SIREN mod 97)) mod 97.
public enum VATNumber {
    public static func check(_ text: String) -> String? {
        let value = text.filter { $0 != " " && $0 != "." }.uppercased()
        guard (4...15).contains(value.count), value.prefix(2).allSatisfy({ $0.isASCII && $0.isLetter }),
              value.dropFirst(2).allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        guard value.hasPrefix("FR") else { return value }
        let key = value.dropFirst(2).prefix(2), siren = value.dropFirst(4)
        guard siren.count == 9, let number = Int(siren) else { return nil }
        // Keys with letters are the older scheme for non-French-resident companies: accepted as typed.
        guard let digits = Int(key) else { return value }
        return digits == (12 + 3 * (number % 97)) % 97 ? value : nil
    }
}
