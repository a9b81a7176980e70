import Foundation

/// A commune's INSEE code (code officiel géographique): five characters, digits except "2A"/"2B" for Corsica.
public struct CommuneCode: Hashable, Comparable, Sendable, TextCoded {
    public let value: String

    public init?(_ text: String) {
        let text = text.trimmingCharacters(in: .whitespaces).uppercased()
        let characters = Array(text)
        guard characters.count == 5 else { return nil }
        let isCorsica = text.hasPrefix("2A") || text.hasPrefix("2B")
        let digits = isCorsica ? characters.dropFirst(2) : characters[...]
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), text != "00000" else { return nil }
        value = text
    }

    /// The département: two characters, or three for overseas (971…976).
    public var departement: DepartementCode {
        DepartementCode(unchecked: value.hasPrefix("97") ? String(value.prefix(3)) : String(value.prefix(2)))
    }

    public var description: String { value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// A département code: "01"…"95" (without "20"), "2A", "2B", "971"…"976".
public struct DepartementCode: Hashable, Comparable, Sendable, TextCoded {
    public let value: String

    init(unchecked value: String) { self.value = value }

    public init?(_ text: String) {
        let text = text.trimmingCharacters(in: .whitespaces).uppercased()
        switch text {
        case "2A", "2B", "971", "972", "973", "974", "976":
            value = text
        default:
            guard text.count == 2, let number = Int(text), (1...95).contains(number), number != 20 else { return nil }
            value = text
        }
    }

    public var description: String { value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// Where a programme's checks may be spent: a list of départements, optionally narrowed to some communes.
public struct Perimeter: Hashable, Sendable, Codable {
    public var departements: [DepartementCode]
    /// When not empty, only these communes (which must lie in the départements).
    public var communes: [CommuneCode]

    public init(departements: [DepartementCode], communes: [CommuneCode] = []) {
        self.departements = departements
        self.communes = communes
    }

    public func contains(_ commune: CommuneCode) -> Bool {
        if !communes.isEmpty { return communes.contains(commune) }
        return departements.contains(commune.departement)
    }
}
