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

/// One step's answers, typed: what a form, the demo or a test submits. `validated()` applies every rule of the
/// step, here and nowhere else; the store calls it before storing anything. (`ApplicationStep` names the steps;
/// this carries their data.)
public enum ApplicationSubmission: Sendable, Equatable {
    case organisation(ApplicationData.Organisation)
    case sites([ApplicationData.Site])
    case representative(ApplicationData.Representative)
    /// One answer per question of `ApplicationData.eligibilityQuestions`, in order; nil for a question not answered.
    case eligibility([Bool?])
    case services(ApplicationData.Services)
    case hours(ApplicationData.Hours)
    case bank(ApplicationData.Bank)
    /// The files are added one by one beforehand; submitting the step closes the list.
    case documents

    public var step: ApplicationStep {
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

    /// The submission normalised (trimmed, SIRET digits, phone in international form, IBAN and BIC in capitals…),
    /// or every problem found, so a form can show them all at once.
    public func validated() throws(ApplicationProblems) -> ApplicationSubmission {
        switch self {
        case .organisation(let organisation): .organisation(try organisation.validated())
        case .sites(let sites): .sites(try ApplicationData.Site.validated(sites))
        case .representative(let representative): .representative(try representative.validated())
        case .eligibility(let answers): .eligibility(try ApplicationData.Eligibility.validated(answers).answers)
        case .services(let services): .services(try services.validated())
        case .hours(let hours): .hours(try hours.validated())
        case .bank(let bank): .bank(try bank.validated())
        case .documents: .documents
        }
    }
}

/// A rule of the application that the answers break; each case says what to change.
public enum ApplicationProblem: Equatable, Sendable {
    /// The fields of a site, for a problem about one of them.
    public enum SiteField: Sendable, CaseIterable {
        case name, address, postcode, communeCode, communeName, latitude, longitude
    }

    case name
    case nameTooLong(max: Int)
    case siret(Siret.Problem)
    case phone
    case email
    case website
    case summaryTooLong(max: Int)
    case noSite
    /// `position` counts from 0, in the order the sites were given.
    case site(position: Int, SiteField)
    case firstName, lastName, role
    /// `question` counts from 0, in the order of `ApplicationData.eligibilityQuestions`.
    case unanswered(question: Int)
    case noService
    case hours(OpeningHours.ParseError)
    case holder
    case iban(IBAN.Problem)
    case bic

    /// The same refusal as every caller of the store understands it (CLI, demo, tests).
    public var domainError: DomainError {
        switch self {
        case .name: .invalid(field: .name, problem: .empty)
        case .nameTooLong(let max): .invalid(field: .name, problem: .tooLong(max: max))
        case .siret: .invalid(field: .siret, problem: .malformed)
        case .phone: .invalid(field: .phone, problem: .malformed)
        case .email: .invalid(field: .email, problem: .malformed)
        case .website: .invalid(field: .website, problem: .malformed)
        case .summaryTooLong(let max): .invalid(field: .summary, problem: .tooLong(max: max))
        case .noSite: .invalid(field: .sites, problem: .empty)
        case .site(_, .communeCode), .site(_, .latitude), .site(_, .longitude): .invalid(field: .sites, problem: .malformed)
        case .site(let position, .name), .site(let position, .address), .site(let position, .postcode), .site(let position, .communeName):
            .invalid(field: .sites, problem: .incompleteSite(position: position + 1))
        case .firstName: .invalid(field: .firstName, problem: .empty)
        case .lastName: .invalid(field: .lastName, problem: .empty)
        case .role: .invalid(field: .role, problem: .empty)
        case .unanswered: .invalid(field: .answers, problem: .answerCount(expected: ApplicationData.eligibilityQuestions.count))
        case .noService: .invalid(field: .categories, problem: .empty)
        case .hours: .invalid(field: .hours, problem: .malformed)
        case .holder: .invalid(field: .holder, problem: .empty)
        case .iban: .invalid(field: .iban, problem: .malformed)
        case .bic: .invalid(field: .bic, problem: .malformed)
        }
    }
}

/// Every problem of one submission: at least one.
public struct ApplicationProblems: Error, Equatable, Sendable, CustomStringConvertible {
    public let first: ApplicationProblem
    public let others: [ApplicationProblem]

    public var all: [ApplicationProblem] { [first] + others }
    public var description: String { all.map(\.domainError.description).joined(separator: "; ") }

    /// Nil when there is no problem.
    init?(_ problems: [ApplicationProblem]) {
        guard let first = problems.first else { return nil }
        self.first = first
        others = Array(problems.dropFirst())
    }

    /// Throws when `problems` is not empty.
    static func check(_ problems: [ApplicationProblem]) throws(ApplicationProblems) {
        if let found = ApplicationProblems(problems) { throw found }
    }
}

extension ApplicationData {
    public static let nameMaximum = 200
    public static let summaryMaximum = 280

    /// A French phone number in the standard's form: "03 20 00 00 00" → "+33320000000"; nil when it is not one.
    public static func phone(_ text: String) -> String? {
        var digits = text.filter { $0.isNumber || $0 == "+" }
        if digits.hasPrefix("0") && digits.count == 10 { digits = "+33" + digits.dropFirst() }
        guard digits.hasPrefix("+"), (8...13).contains(digits.count), digits.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return digits
    }

    static func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Trimmed, and nil when nothing is left.
    static func optional(_ text: String?) -> String? { text.map(trimmed).flatMap { $0.isEmpty ? nil : $0 } }
}

extension ApplicationData.Organisation {
    public func validated() throws(ApplicationProblems) -> Self {
        var problems: [ApplicationProblem] = []
        let name = ApplicationData.trimmed(name)
        if name.isEmpty { problems.append(.name) }
        if name.count > ApplicationData.nameMaximum { problems.append(.nameTooLong(max: ApplicationData.nameMaximum)) }
        var siret = ""
        switch Siret.check(ApplicationData.trimmed(self.siret)) {
        case .success(let digits): siret = digits
        case .failure(let problem): problems.append(.siret(problem))
        }
        let phoneText = ApplicationData.optional(self.phone), phone = phoneText.flatMap(ApplicationData.phone)
        if phoneText != nil && phone == nil { problems.append(.phone) }
        let emailText = ApplicationData.optional(self.email), email = emailText.flatMap(AccountRules.normalisedEmail)
        if emailText != nil && email == nil { problems.append(.email) }
        let website = ApplicationData.optional(website)
        if let website, !(website.hasPrefix("https://") || website.hasPrefix("http://")) { problems.append(.website) }
        let summary = ApplicationData.optional(summary)
        if let summary, summary.count > ApplicationData.summaryMaximum { problems.append(.summaryTooLong(max: ApplicationData.summaryMaximum)) }
        try ApplicationProblems.check(problems)
        return Self(name: name, siret: siret, phone: phone, email: email, website: website, summary: summary)
    }
}

extension ApplicationData.Site {
    /// At least one site, each complete: name, address, a 5-digit postcode, the commune's name and INSEE code, and
    /// coordinates on Earth when given (a number that could not be read arrives as NaN and is refused here).
    public static func validated(_ sites: [Self]) throws(ApplicationProblems) -> [Self] {
        var problems: [ApplicationProblem] = sites.isEmpty ? [.noSite] : []
        var valid: [Self] = []
        for (position, site) in sites.enumerated() {
            let name = ApplicationData.trimmed(site.name), address = ApplicationData.trimmed(site.address)
            let postcode = ApplicationData.trimmed(site.postcode), communeName = ApplicationData.trimmed(site.communeName)
            let commune = CommuneCode(site.communeCode)
            if name.isEmpty { problems.append(.site(position: position, .name)) }
            if address.isEmpty { problems.append(.site(position: position, .address)) }
            if postcode.count != 5 || !postcode.allSatisfy({ $0.isASCII && $0.isNumber }) { problems.append(.site(position: position, .postcode)) }
            if communeName.isEmpty { problems.append(.site(position: position, .communeName)) }
            if commune == nil { problems.append(.site(position: position, .communeCode)) }
            if let latitude = site.latitude, !(-90...90).contains(latitude) { problems.append(.site(position: position, .latitude)) }
            if let longitude = site.longitude, !(-180...180).contains(longitude) { problems.append(.site(position: position, .longitude)) }
            valid.append(Self(name: name, address: address, postcode: postcode, communeCode: commune?.value ?? "", communeName: communeName,
                              latitude: site.latitude, longitude: site.longitude, access: ApplicationData.optional(site.access)))
        }
        try ApplicationProblems.check(problems)
        return valid
    }
}

extension ApplicationData.Representative {
    /// Every field is required; the e-mail address is kept as typed (trimmed).
    public func validated() throws(ApplicationProblems) -> Self {
        let validated = Self(firstName: ApplicationData.trimmed(firstName), lastName: ApplicationData.trimmed(lastName),
                             role: ApplicationData.trimmed(role), email: ApplicationData.trimmed(email))
        var problems: [ApplicationProblem] = []
        if validated.firstName.isEmpty { problems.append(.firstName) }
        if validated.lastName.isEmpty { problems.append(.lastName) }
        if validated.role.isEmpty { problems.append(.role) }
        if AccountRules.normalisedEmail(validated.email) == nil { problems.append(.email) }
        try ApplicationProblems.check(problems)
        return validated
    }
}

extension ApplicationData.Eligibility {
    /// Every question answered yes or no; answers beyond the questions are not kept.
    public static func validated(_ answers: [Bool?]) throws(ApplicationProblems) -> Self {
        let given = ApplicationData.eligibilityQuestions.indices.map { $0 < answers.count ? answers[$0] : nil }
        try ApplicationProblems.check(given.indices.filter { given[$0] == nil }.map { .unanswered(question: $0) })
        return Self(answers: given.compactMap { $0 })
    }
}

extension ApplicationData.Services {
    /// At least one service, in the standard's order, each once; only the standard's specific supports.
    public func validated() throws(ApplicationProblems) -> Self {
        let chosen = Set(categories)
        try ApplicationProblems.check(chosen.isEmpty ? [.noService] : [])
        return Self(categories: ServiceCategory.allCases.filter(chosen.contains),
                    accessibility: accessibility.filter(ApplicationData.accessibilityOptions.contains))
    }
}

extension ApplicationData.Hours {
    /// Hours the open-data standard can publish (`OpeningHours`), trimmed.
    public func validated() throws(ApplicationProblems) -> Self {
        var problems: [ApplicationProblem] = []
        var hours = ""
        do {
            hours = try OpeningHours(openingHours).description
        } catch {
            problems.append(.hours(error))
        }
        try ApplicationProblems.check(problems)
        return Self(openingHours: hours)
    }
}

extension ApplicationData.Bank {
    /// A holder, an IBAN (ISO 13616 checksum) and a BIC, both in their electronic form.
    public func validated() throws(ApplicationProblems) -> Self {
        var problems: [ApplicationProblem] = []
        let holder = ApplicationData.trimmed(holder)
        if holder.isEmpty { problems.append(.holder) }
        var iban = ""
        switch IBAN.check(self.iban) {
        case .success(let checked): iban = checked
        case .failure(let problem): problems.append(.iban(problem))
        }
        let bic = BIC.check(self.bic)
        if bic == nil { problems.append(.bic) }
        try ApplicationProblems.check(problems)
        return Self(holder: holder, iban: iban, bic: bic ?? "")
    }
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
