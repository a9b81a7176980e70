import Foundation

/// What the platform itself recorded, said in French on the pages. The records keep the names and reasons as written
/// (the journal and the decisions are evidence, and the journal's hashes cover its text): only their display is French.
/// What a person typed is shown as typed.
extension French {
    /// Who acted: a person's address as it is, the platform's own processes by what they are.
    static func actor(_ name: String) -> String {
        switch name {
        case "system": return "Plateforme (automatique)"
        case "cli", "command line": return "Ligne de commande"
        case "tick": return "Tâche planifiée (échéances)"
        case "purge": return "Tâche planifiée (données personnelles)"
        case "demo": return "Démonstration"
        default: break
        }
        if let key = name.numbered(after: "api key ") { return "Clé API n° \(key)" }
        if let place = name.numbered(after: "place ") { return "Lieu n° \(place)" }
        if name.hasPrefix("import-places ") { return "Import de lieux (" + name.dropFirst("import-places ".count) + ")" }
        return name
    }

    /// A reason the platform wrote itself, in French; any other reason as typed.
    static func recorded(_ reason: String) -> String {
        switch reason {
        case "bank step of the place's application": return "Donné avec la demande d’habilitation du lieu."
        case "given with the place's record": return "Donné avec la fiche du lieu."
        case "replaced by a newer proposal": return "Remplacé par une demande plus récente."
        case "imported from an open-data file": return "Importé d’un fichier de données ouvertes."
        default: break
        }
        let waiting = /imported from an open-data file; (?:opens (\d+) h (\d+) min a week|hours unreadable), below the charter's 24 hours: waiting for review/
        if let match = reason.wholeMatch(of: waiting) {
            let hours = if let h = match.1, let m = match.2 { "ouvert \(h) h \(m) min par semaine" } else { "horaires illisibles" }
            return "Importé d’un fichier de données ouvertes ; \(hours), moins que les 24 heures de la charte : à examiner."
        }
        return reason
    }
}

private extension String {
    /// The number after `prefix` when the text is exactly the prefix and a number ("api key 12" → 12).
    func numbered(after prefix: String) -> Int64? {
        guard hasPrefix(prefix) else { return nil }
        return Int64(dropFirst(prefix.count))
    }
}
