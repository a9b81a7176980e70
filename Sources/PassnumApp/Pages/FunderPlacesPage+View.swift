import PassnumDomain
import PassnumPersistence

extension FunderPlacesPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Lieux", context: context) {
                h("h1") { "Lieux qui acceptent mes chèques" }
                Layout.notice(context)
                table(caption: "Demandes des lieux", headers: ["Lieu", "Code postal", "Habilitation", "Ma décision", "Décider"], rows: model.requests.map { row in
                    [.text(row.place.name), .text(row.place.postcode), .text(French.placeState(row.place.state)), .text(Self.decision(row.state)),
                     h("form", ["method": "post", "action": SiteURL.funderAffiliation(row.place.id).path, "class": "inline"]) {
                         csrfField(context)
                         if row.state != .approved && row.place.state == .qualified {
                             h("button", ["type": "submit", "name": "decision", "value": "approve"]) { "Accepter" }
                         }
                         if row.state != .refused {
                             h("button", ["type": "submit", "name": "decision", "value": "refuse", "class": "secondary"]) { "Refuser" }
                         }
                     }]
                })
                pager(model.position, path: SiteURL.funderPlaces.path)
            }
        }

        static func decision(_ state: AffiliationState) -> String {
            switch state {
            case .requested: "Demande en attente"
            case .approved: "Accepté"
            case .refused: "Refusé"
            }
        }
    }
}
