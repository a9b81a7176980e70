import Foundation
import PassnumPersistence

/// What the platform itself recorded, said in French on the pages. The records keep the names and reasons as written
/// (the journal and the decisions are evidence, and the journal's hashes cover its text): only their display is French.
/// What a person typed is shown as typed. Persistence reads them back (`RecordedActor`, `RecordedReason`), as it writes them.
extension French {
    /// Who acted: a person's address as it is, the platform's own processes by what they are.
    static func actor(_ name: String) -> String {
        switch RecordedActor(name) {
        case .process(.system): "Plateforme (automatique)"
        case .process(.cli), .process(.commandLine): "Ligne de commande"
        case .process(.tick): "Tâche planifiée (échéances)"
        case .process(.purge): "Tâche planifiée (données personnelles)"
        case .process(.demo): "Démonstration"
        case .apiKey(let id): "Clé API n° \(id)"
        case .place(let id): "Lieu n° \(id)"
        case .placeImport(let file): "Import de lieux (\(file))"
        case .named(let name): name
        }
    }

    /// A reason the platform wrote itself, in French; any other reason as typed.
    static func recorded(_ reason: String) -> String {
        switch RecordedReason(reason) {
        case .bankStep: "Donné avec la demande d’habilitation du lieu."
        case .placeRecord: "Donné avec la fiche du lieu."
        case .supersededProposal: "Remplacé par une demande plus récente."
        case .imported: "Importé d’un fichier de données ouvertes."
        case .importedWaiting(let minutes):
            "Importé d’un fichier de données ouvertes ; "
                + (minutes.map { "ouvert \($0 / 60) h \($0 % 60) min par semaine" } ?? "horaires illisibles")
                + ", moins que les 24 heures de la charte : à examiner."
        case nil: reason
        }
    }
}
