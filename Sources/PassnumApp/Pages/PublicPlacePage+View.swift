import PassnumDomain
import PassnumPersistence

extension PublicPlacePage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            let place = model.place
            return Layout.page(title: place.name, context: context) {
                h("h1") { place.name }
                if let summary = place.summary, !summary.isEmpty { h("p") { summary } }
                h("p", ["class": "notice"]) { "Ce lieu accepte les chèques Pass numérique." }
                h("h2") { "Adresse et accès" }
                for site in place.sites {
                    h("p") {
                        h("strong") { site.name }
                        h("br")
                        [site.address, site.postcode + " " + site.communeName].filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.joined(separator: ", ")
                        if let access = site.access, !access.isEmpty { h("br"); "Pour venir : " + access }
                    }
                }
                if let phone = place.phone, !phone.isEmpty { h("p") { "Téléphone : "; phoneLink(phone) } }
                if let email = place.email, !email.isEmpty { h("p") { "E-mail : "; h("a", ["href": "mailto:" + email]) { email } } }
                h("h2") { "Horaires" }
                if let hours = model.hours {
                    h("ul") { for line in hours.french { h("li") { line } } }
                } else {
                    h("p") { "Horaires non renseignés : appelez avant de venir." }
                }
                h("h2") { "Accompagnements" }
                services
                h("h2") { "Accessibilité" }
                h("p") { place.accessibility.isEmpty ? "Non renseignée." : "Accompagnement adapté : " + place.accessibility.joined(separator: ", ") + "." }
                h("p") { h("a", ["href": SiteURL.places.path]) { "Retour à la liste des lieux" } }
            }
        }

        /// The place's catalogue, or the types of service it offers when it has none.
        var services: Node {
            let place = model.place
            if place.services.isEmpty {
                return h("ul") { for category in place.categories { h("li") { category.rawValue } } }
            }
            return h("ul") {
                for service in place.services {
                    h("li") {
                        h("strong") { service.title }
                        " – \(service.durationMinutes) min, \(service.priceChecks) chèque\(service.priceChecks > 1 ? "s" : "") (" + service.category.rawValue + ")"
                        h("br")
                        service.description
                        if !service.sessions.isEmpty {
                            h("br")
                            "Prochaines séances : " + service.sessions.map { French.sessionDate($0.startsAt) + " (\($0.capacity) places)" }.joined(separator: ", ")
                        }
                    }
                }
            }
        }
    }
}
