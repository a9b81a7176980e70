import PassnumDomain
import PassnumPersistence

extension PersonalDataRecordPage {
    struct View {
        let model: Model
        let frame: PrintableDocument

        var document: Node {
            let person = model.record
            return frame.page(title: "Données détenues", filename: PersonalDataRecordPage.filename(person)) {
                h("h1") { "Données détenues sur une personne" }
                h("p") { "Document fait le \(French.date(model.madeOn)) par \(person.prescriberName), qui suit la personne." }
                h("h2") { "Identité" }
                definitions(identity, class: "document")
                h("h2") { "Chèques reçus" }
                table(caption: "Chèques remis à la personne", headers: ["Numéro", "Programme", "Financeur", "Valeur", "Remis le", "Public", "État", "Utilisé chez", "Utilisé le"],
                      rows: person.checks.map { check in
                          [.text(check.serial.grouped), .text(check.programme), .text(check.funder), .text(money(check.faceValue)),
                           .text(check.handedOutAt.map(French.dateTime) ?? "—"), .text(check.targetPublic.map(French.targetPublic) ?? "—"),
                           .text(French.state(check.state)), .text(check.place ?? "—"),
                           .text(check.usedAt.map(French.dateTime) ?? "—")]
                      }, empty: "aucun chèque.")
                h("h2") { "Qui voit ces données" }
                h("ul") {
                    h("li") { "Les personnes de \(person.prescriberName) qui ont un compte : tout ce document." }
                    h("li") { "Le lieu où un chèque est utilisé : le numéro du chèque, jamais le nom." }
                    h("li") { "Le financeur : des nombres (chèques remis, chèques utilisés), jamais le nom." }
                    h("li") { "L’équipe qui fait marcher la plateforme, seulement pour la faire marcher et la sauvegarder." }
                }
                h("h2") { "Combien de temps" }
                h("p") {
                    "Le nom est remplacé par un numéro \(model.retentionMonths) mois après la fin du dernier programme de la personne. "
                        + "La commune, le niveau et la tranche d’âge restent, sans le nom, pour les statistiques."
                }
                h("p") {
                    "La personne peut demander d’effacer ses données plus tôt à \(person.prescriberName). Pour en savoir plus : "
                    h("a", ["href": SiteURL.personalData.path]) { "Données personnelles" }
                    "."
                }
            }
        }

        var identity: [(term: String, value: String)] {
            let person = model.record
            var pairs: [(term: String, value: String)]
            if let when = person.pseudonymisedAt {
                pairs = [("Nom", "Effacé le \(French.date(CivilDate(when))) : remplacé par le numéro \(person.lastName)")]
            } else {
                pairs = [("Prénom", person.firstName), ("Nom", person.lastName)]
            }
            pairs += [
                (person.pseudonymisedAt == nil ? "Année de naissance" : "Tranche d’âge (décennie de naissance)", person.birthYear.map(String.init) ?? "Pas indiquée"),
                ("Commune (code INSEE)", person.communeName.map { "\($0) (\(person.commune))" } ?? person.commune),
                ("Diagnostic", person.level.map { "Niveau \($0) sur 4" + (person.diagnosticAt.map { ", le " + French.date(CivilDate($0)) } ?? "") } ?? "Pas fait"),
                ("Réponses au diagnostic", "Pas gardées : seul le niveau est gardé"),
                ("Accord pour enregistrer les données", "Donné le \(French.date(person.consentDate))"),
                ("Enregistrée le", French.date(CivilDate(person.createdAt))),
                ("Structure qui suit la personne", person.prescriberName),
            ]
            return pairs
        }
    }
}
