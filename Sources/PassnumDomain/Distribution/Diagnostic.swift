/// The short autonomy questionnaire a prescriber runs with a person. Only the resulting level is kept.
public enum Diagnostic {
    public enum Answer: Int, Sendable, Codable, CaseIterable {
        case no = 0
        case withHelp = 1
        case alone = 2
    }

    /// The questions, in French as they are read to the person.
    public static let questions: [String] = [
        "Avez-vous un téléphone portable ou un ordinateur ?",
        "Savez-vous allumer et utiliser cet appareil ?",
        "Avez-vous une adresse e-mail que vous utilisez ?",
        "Savez-vous chercher une information sur internet ?",
        "Savez-vous remplir un formulaire en ligne ?",
        "Avez-vous déjà fait une démarche en ligne (CAF, impôts, Ameli) ?",
        "Savez-vous envoyer une pièce jointe ou une photo d'un document ?",
        "Savez-vous repérer un message frauduleux ?",
        "Savez-vous créer et retenir un mot de passe ?",
        "Savez-vous faire une visio ou un appel vidéo ?",
    ]

    /// Level 1 "far from digital" to 4 "almost autonomous".
    public static let levels = 1...4

    /// The level for a complete set of answers, by the standard grid (a programme may adjust it: `DiagnosticGrid`).
    public static func level(for answers: [Answer]) throws(DomainError) -> Int {
        try DiagnosticGrid.standard.level(for: answers)
    }

    /// How many checks the standard grid advises for a level, within the programme's minimum and maximum.
    public static func recommendedChecks(level: Int, minimum: Int?, maximum: Int?) -> Int {
        DiagnosticGrid.standard.recommendedChecks(level: level, minimum: minimum, maximum: maximum)
    }
}
