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

    /// The level for a complete set of answers.
    public static func level(for answers: [Answer]) throws(DomainError) -> Int {
        guard answers.count == questions.count else {
            throw .invalid(field: .answers, problem: .answerCount(expected: questions.count))
        }
        let score = answers.reduce(0) { $0 + $1.rawValue }
        switch score {
        case 0...5: return 1
        case 6...10: return 2
        case 11...15: return 3
        default: return 4
        }
    }

    /// How many checks to hand out for a level, within the programme's minimum and maximum.
    public static func recommendedChecks(level: Int, minimum: Int?, maximum: Int?) -> Int {
        let base = switch level {
        case 1: 10
        case 2: 8
        case 3: 5
        default: 2
        }
        return Swift.min(Swift.max(base, minimum ?? 1), maximum ?? Int.max)
    }
}
