import PassnumDomain
import PassnumPersistence

extension PlaceCataloguePage {
    struct View {
        let model: Model
        let context: PageContext
        /// The new service's form as typed, and what is wrong with it, when it is shown again.
        let form: PlaceSettingsController.ServiceForm
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Catalogue", context: context) {
                h("h1") { "Mes services" }
                Layout.notice(context)
                for service in model.services { section(service) }
                h("h2") { "Nouveau service" }
                h("form", ["method": "post", "action": SiteURL.placeCatalogue.path, "novalidate": ""]) {
                    errors.summary
                    csrfField(context)
                    select("Type de service", name: "category", options: ServiceCategory.allCases.map { ($0.code, $0.rawValue) }, selected: form.category, errors: errors)
                    field("Titre", name: "title", value: form.title, errors: errors, hint: "Par exemple : Atelier « Mes démarches en ligne ».")
                    field("Description", name: "description", value: form.description, errors: errors)
                    field("Durée (minutes)", name: "duration", value: form.duration, errors: errors, attributes: ["inputmode": "numeric"])
                    field("Prix en chèques", name: "price", value: form.price, errors: errors, attributes: ["inputmode": "numeric"])
                    h("button", ["type": "submit"]) { "Ajouter le service" }
                }
            }
        }

        /// One service, its sessions, a session to add, and withdrawing or offering it again.
        func section(_ service: PlaceService) -> Node {
            h("section", ["aria-labelledby": "service-\(service.id)"]) {
                h("h2", ["id": "service-\(service.id)"]) { service.title + (service.active ? "" : " (retiré)") }
                h("p") { service.category.rawValue + " – \(service.durationMinutes) min – " + French.plural(service.priceChecks, "chèque", "chèques") }
                h("p") { service.description }
                if !service.sessions.isEmpty {
                    h("ul") { for session in service.sessions { h("li") { French.sessionDate(session.startsAt) + " – \(session.capacity) places" } } }
                }
                h("form", ["method": "post", "action": SiteURL.placeSession(service.id).path, "class": "inline"]) {
                    csrfField(context)
                    field("Date et heure d’une séance", name: "startsAt", id: "seance-\(service.id)", type: "datetime-local", hint: "Facultatif.")
                    field("Places", name: "capacity", id: "places-\(service.id)", value: "10", attributes: ["inputmode": "numeric", "size": "4"])
                    h("button", ["type": "submit", "class": "secondary"]) { "Ajouter la séance" }
                }
                h("form", ["method": "post", "action": SiteURL.placeServiceState(service.id).path]) {
                    csrfField(context)
                    h("button", ["type": "submit", "name": "active", "value": service.active ? "0" : "1", "class": "secondary"]) {
                        service.active ? "Retirer ce service" : "Proposer à nouveau"
                    }
                }
            }
        }
    }
}
