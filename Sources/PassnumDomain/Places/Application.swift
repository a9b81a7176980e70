import Foundation

/// The steps of a place's application, in order. Each is filled and submitted once; a submitted step is
/// locked (the operator reviews what was submitted), and the applicant can leave and come back at any time.
public enum ApplicationStep: String, CaseIterable, Sendable, Codable {
    case organisation, sites, representative, eligibility, services, hours, bank, documents

    public var number: Int { Self.allCases.firstIndex(of: self)! + 1 }

    /// The field a refusal names when this step is not done yet.
    public var field: DomainError.Field {
        switch self {
        case .organisation: .organisation
        case .sites: .sites
        case .representative: .representative
        case .eligibility: .eligibility
        case .services: .services
        case .hours: .hours
        case .bank: .bank
        case .documents: .documents
        }
    }
}

/// What each step records. Stored as JSON per step; `Codable` keeps the format stable and readable.
public enum ApplicationData {
    public struct Organisation: Codable, Sendable, Equatable {
        public var name: String
        public var siret: String
        public var phone: String?
        public var email: String?
        public var website: String?
        public var summary: String?

        public init(name: String, siret: String, phone: String? = nil, email: String? = nil, website: String? = nil, summary: String? = nil) {
            self.name = name
            self.siret = siret
            self.phone = phone
            self.email = email
            self.website = website
            self.summary = summary
        }
    }

    /// A point of presence: where people come.
    public struct Site: Codable, Sendable, Equatable {
        public var name: String
        public var address: String
        public var postcode: String
        public var communeCode: String
        public var communeName: String
        public var latitude: Double?
        public var longitude: Double?
        /// How to come (public transport, parking…), free text shown on the place page.
        public var access: String?

        public init(name: String, address: String, postcode: String, communeCode: String, communeName: String,
                    latitude: Double? = nil, longitude: Double? = nil, access: String? = nil) {
            self.name = name
            self.address = address
            self.postcode = postcode
            self.communeCode = communeCode
            self.communeName = communeName
            self.latitude = latitude
            self.longitude = longitude
            self.access = access
        }
    }

    public struct Representative: Codable, Sendable, Equatable {
        public var firstName: String
        public var lastName: String
        public var role: String
        public var email: String

        public init(firstName: String, lastName: String, role: String, email: String) {
            self.firstName = firstName
            self.lastName = lastName
            self.role = role
            self.email = email
        }
    }

    /// Yes/no answers to `eligibilityQuestions`, in order.
    public struct Eligibility: Codable, Sendable, Equatable {
        public var answers: [Bool]
        public init(answers: [Bool]) { self.answers = answers }
    }

    public struct Services: Codable, Sendable, Equatable {
        public var categories: [ServiceCategory]
        /// Specific support offered (the standard's `prise_en_charge_specifique`: "Surdité", "Handicaps moteurs"…).
        public var accessibility: [String]
        public init(categories: [ServiceCategory], accessibility: [String] = []) {
            self.categories = categories
            self.accessibility = accessibility
        }
    }

    public struct Hours: Codable, Sendable, Equatable {
        public var openingHours: String
        public init(openingHours: String) { self.openingHours = openingHours }
    }

    public struct Bank: Codable, Sendable, Equatable {
        public var holder: String
        public var iban: String
        public var bic: String
        public init(holder: String, iban: String, bic: String) {
            self.holder = holder
            self.iban = iban
            self.bic = bic
        }
    }

    public static let eligibilityQuestions = [
        "Le lieu accueille tous les publics, sans condition.",
        "Les accompagnements sont assurés par des personnes formées à la médiation numérique.",
        "Le lieu ne demande pas d’argent en plus pour un service payé avec des chèques.",
        "Le lieu dispose d’une connexion internet et de matériel pour les personnes accompagnées.",
    ]

    /// The standard's values for specific support (`prise_en_charge_specifique`).
    public static let accessibilityOptions = ["Surdité", "Handicaps moteurs", "Handicaps mentaux", "Illettrisme", "Langues étrangères (anglais)",
                                              "Langues étrangères (autres)", "Déficience visuelle"]
}

/// Supporting documents: type from the content, not the name.
public enum SupportingDocument {
    public static let maximumBytes = 5 * 1024 * 1024

    public enum Kind: String, Sendable, Codable {
        case pdf, png, jpeg

        public var contentType: String {
            switch self {
            case .pdf: "application/pdf"
            case .png: "image/png"
            case .jpeg: "image/jpeg"
            }
        }
    }

    /// The file's real type from its first bytes, or nil for anything but PDF, PNG and JPEG.
    public static func kind(of bytes: some Collection<UInt8>) -> Kind? {
        let head = Array(bytes.prefix(8))
        if head.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }
}
