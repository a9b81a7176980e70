/// The service categories of the national open-data standard for digital-mediation places
/// (LaMednum "standard-mediation-num" v1.0.2, field `services`). The raw value is the standard's label.
public enum ServiceCategory: String, CaseIterable, Sendable, Codable {
    case administrativeProcedures = "Aide aux démarches administratives"
    case everydayTools = "Maîtrise des outils numériques du quotidien"
    case employment = "Insertion professionnelle via le numérique"
    case safeUse = "Utilisation sécurisée du numérique"
    case parenting = "Parentalité et éducation avec le numérique"
    case leisure = "Loisirs et créations numériques"
    case understanding = "Compréhension du monde numérique"
    case access = "Accès internet et matériel informatique"
    case equipment = "Acquisition de matériel informatique à prix solidaire"

    /// A short stable code for URLs, the CLI and the database.
    public var code: String {
        switch self {
        case .administrativeProcedures: "demarches"
        case .everydayTools: "outils"
        case .employment: "emploi"
        case .safeUse: "securite"
        case .parenting: "parentalite"
        case .leisure: "loisirs"
        case .understanding: "comprendre"
        case .access: "acces"
        case .equipment: "materiel"
        }
    }

    public init?(code: String) {
        guard let match = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = match
    }
}
