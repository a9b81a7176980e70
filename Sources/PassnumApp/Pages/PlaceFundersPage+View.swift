import PassnumDomain
import PassnumPersistence

extension PlaceFundersPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Financeurs", context: context) {
                h("h1") { "Accepter les chèques d’un financeur" }
                Layout.notice(context)
                if model.placeState != .qualified { h("p", ["role": "status"]) { "Votre lieu doit d’abord être habilité." } }
                table(caption: "Financeurs", headers: ["Financeur", "État", ""], rows: model.funders.map { row in
                    [.text(row.funder.name), .text(row.state.map(Self.request) ?? "—"),
                     (model.placeState == .qualified && (row.state == nil || row.state == .refused))
                        ? h("form", ["method": "post", "action": SiteURL.placeAffiliation(row.funder.id).path]) {
                            csrfField(context)
                            h("button", ["type": "submit", "class": "secondary", "aria-label": "Demander à accepter les chèques de " + row.funder.name]) { "Demander" }
                        }
                        : .text("")]
                })
                pager(model.position, path: SiteURL.placeFunders.path)
            }
        }

        static func request(_ state: AffiliationState) -> String {
            switch state {
            case .requested: "Demande envoyée"
            case .approved: "Accepté"
            case .refused: "Refusé"
            }
        }
    }
}
