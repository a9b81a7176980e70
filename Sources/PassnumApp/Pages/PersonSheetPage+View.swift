import PassnumDomain
import PassnumPersistence

extension PersonSheetPage {
    struct View {
        let model: Model
        let frame: PrintableDocument

        var document: Node {
            let sheet = model.sheet
            return frame.page(title: "Fiche de " + sheet.firstName + " " + sheet.lastName, filename: PersonSheetPage.filename(sheet)) {
                h("div", ["class": "sheet"]) {
                    h("h1") { "Vos chèques Pass numérique" }
                    h("p") { h("strong") { sheet.firstName + " " + sheet.lastName.uppercased() } }
                    h("p") { "Fiche faite le \(French.date(model.madeOn)) par \(sheet.prescriberName)." }
                    checks
                    places
                    help
                }
                h("p", ["class": "noprint"]) {
                    h("a", ["href": SiteURL.prescriberBeneficiary(sheet.id).path]) { "Retour à la page de la personne" }
                }
            }
        }

        /// The checks by last day (one programme, one day, as a rule), each number as printed on the check.
        var checks: Node {
            let checks = model.sheet.checks
            let days = Dictionary(grouping: checks, by: \.lastDay).sorted { $0.key < $1.key }
            return group {
                h("h2") { "Vos chèques" }
                if checks.isEmpty {
                    h("p") { "Vous n’avez pas de chèque à utiliser en ce moment." }
                } else {
                    h("p") {
                        "Vous avez " + French.plural(checks.count, "chèque", "chèques")
                            + (Set(checks.map(\.faceValue)).count == 1 ? " de " + BookletPrinting.euros(checks[0].faceValue) + (checks.count > 1 ? " chacun" : "") : "") + "."
                    }
                    for (day, held) in days {
                        h("p") { h("strong") { "À utiliser au plus tard le \(French.date(day))" }; " :" }
                        h("ul", ["class": "serials"]) { for check in held { h("li") { "n° " + check.serial.grouped } } }
                    }
                    h("p") { "Après cette date, les chèques ne marchent plus." }
                }
            }
        }

        var places: Node {
            let nearest = model.places.contains { $0.kilometres != nil }
            return group {
                h("h2") { "Où les utiliser" }
                if model.places.isEmpty {
                    h("p") { "Nous n’avons pas trouvé de lieu près de chez vous. Demandez à \(model.sheet.prescriberName)." }
                } else {
                    h("p") {
                        (nearest ? "Les lieux les plus proches de chez vous" : "Des lieux de votre département") + " qui acceptent vos chèques :"
                    }
                    for (index, found) in model.places.enumerated() { place(index + 1, found) }
                }
            }
        }

        func place(_ rank: Int, _ found: Place) -> Node {
            let place = found.place
            return group {
                h("h3") {
                    "\(rank). " + place.name
                    if let distance = found.kilometres { " (" + French.distance(distance) + ")" }
                }
                for site in place.sites {
                    h("p") {
                        [site.address, site.postcode + " " + site.communeName].filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.joined(separator: ", ")
                    }
                }
                if let phone = place.phone, !phone.isEmpty {
                    h("p") { "Téléphone : "; phoneLink(phone) }
                }
                if let hours = found.hours {
                    h("p") { "Ouvert :" }
                    h("ul") { for line in hours.french { h("li") { line } } }
                } else {
                    h("p") { "Horaires non donnés : appelez avant de venir." }
                }
            }
        }

        /// The prescriber first: they know the person. The platform's operator for questions about the checks themselves.
        var help: Node {
            group {
                h("h2") { "Besoin d’aide ?" }
                h("p") { "Appelez ou allez voir \(model.sheet.prescriberName) : c’est là qu’on vous a donné vos chèques." }
                if let email = model.operatorEmail {
                    h("p") {
                        "Pour une question sur le Pass numérique : " + (model.operatorName.map { $0 + ", " } ?? "")
                        h("a", ["href": "mailto:" + email]) { email }
                        "."
                    }
                }
            }
        }
    }
}

extension French {
    /// "à 3 km", "à moins de 1 km": how far a place is, rounded to the kilometre.
    static func distance(_ kilometres: Double) -> String {
        "à \(kilometres < 1 ? "moins de 1" : String(Int(kilometres.rounded()))) km"
    }

    /// The hand-out's confirmation: which checks, as printed on them, and what to do with the paper.
    /// "3 chèques remis : n° 1000 0000 0017 à 1000 0000 0033. Détachez-les du carnet et donnez-les à la personne."
    static func handedOut(_ serials: [CheckSerial], wholeBooklet: Bool) -> String {
        let what = wholeBooklet ? "Donnez le carnet à la personne."
            : serials.count == 1 ? "Détachez ce chèque du carnet et donnez-le à la personne."
            : "Détachez ces chèques du carnet et donnez-les à la personne."
        return French.plural(serials.count, "chèque remis", "chèques remis") + " : " + serialRuns(serials) + ". " + what
    }

    /// "n° 1000 0000 0017 à 1000 0000 0033, n° 1000 0000 0058": consecutive serials as one run, as they follow in the
    /// booklet.
    static func serialRuns(_ serials: [CheckSerial]) -> String {
        var runs: [(first: CheckSerial, last: CheckSerial)] = []
        for serial in serials.sorted() {
            if let last = runs.last?.last, serial.number == last.number + 1 { runs[runs.count - 1].last = serial } else { runs.append((serial, serial)) }
        }
        return runs.map { $0.first == $0.last ? "n° \($0.first.grouped)" : "n° \($0.first.grouped) à \($0.last.grouped)" }.joined(separator: ", ")
    }
}
