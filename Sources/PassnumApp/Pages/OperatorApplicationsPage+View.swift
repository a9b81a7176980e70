import PassnumDomain
import PassnumPersistence

extension OperatorApplicationsPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Demandes", context: context) {
                h("h1") { "Demandes d’habilitation" }
                Layout.notice(context)
                table(caption: "Demandes à étudier", headers: ["Lieu", "Code postal"], rows: model.waiting.map { place in
                    [h("a", ["href": SiteURL.operatorPlace(place.id).path]) { place.name }, .text(place.postcode)]
                }, empty: "aucune demande en attente.")
                if model.moreWaiting {
                    h("p") { "D’autres demandes attendent : elles apparaissent ici à mesure que vous décidez." }
                }
                table(caption: "Tous les lieux", headers: ["Lieu", "État"], rows: model.places.map { place in
                    [h("a", ["href": SiteURL.operatorPlace(place.id).path]) { place.name }, .text(French.placeState(place.state))]
                })
                pager(model.position, path: SiteURL.operatorApplications.path)
            }
        }
    }
}
