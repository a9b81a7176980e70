import PassnumDomain

extension OperatorHomePage {
    struct View {
        let model: Model
        let context: PageContext
        /// The new funder's name as typed, and what is wrong with it, when the form is shown again.
        var name: String? = nil
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Opérateur", context: context) {
                h("h1") { "Espace opérateur" }
                Layout.notice(context)
                LimitedNetworkViews.section(model.paymentsOverTwelveMonths)
                h("h2") { "Financeurs" }
                table(caption: "Financeurs", headers: ["Nom"], rows: model.funders.map { [.text($0)] })
                pager(model.funderPages, path: SiteURL.operatorHome.path)
                postForm(.operatorFunders, context, errors: errors) {
                    field("Nom du nouveau financeur", name: "name", value: name, errors: errors, hint: "Par exemple : Département du Nord.")
                    h("button", ["type": "submit"]) { "Ajouter le financeur" }
                }
                h("h2") { "Programmes" }
                table(caption: "Programmes de tous les financeurs", headers: ["Programme", "Financeur", "Valable", "Commandes", "État"],
                      rows: model.programmes.map { row in
                          [.text(row.name), .text(row.funderName),
                           .text("du \(French.date(row.validFrom)) au \(French.date(row.validUntil))"),
                           .text(String(row.orders)), .text(row.expired ? "Clos" : "En cours")]
                      })
                pager(model.programmePages, path: SiteURL.operatorHome.path)
                h("h2") { "Lieux" }
                table(caption: "Lieux et habilitation", headers: ["Lieu", "Commune", "État", "Décision"], rows: model.places.map { place in
                    [.text(place.name), .text(place.postcode), .text(French.placeState(place.state) + (place.reason.map { " – " + French.recorded($0) } ?? "")),
                     Self.stateForm(context, place)]
                })
                if model.morePlaces {
                    h("p") { h("a", ["href": SiteURL.operatorApplications.path]) { "Tous les lieux →" } }
                }
                h("h2") { "Courriels" }
                h("p") { h("a", ["href": SiteURL.operatorMails.path]) { "Les courriels envoyés, en attente ou en échec →" } }
                h("h2") { "Tâches automatiques" }
                h("p") { h("a", ["href": SiteURL.operatorJobs.path]) { "Fin des programmes, courriels, effacements : voir les tâches →" } }
            }
        }

        /// The decisions the operator may take on a place in its state (the domain's `PlaceState.canMove`).
        /// `backToPlace`: the form is on the place's own page, and the answer comes back there (the review of an application).
        static func stateForm(_ context: PageContext, _ place: PlaceLine, backToPlace: Bool = false) -> Node {
            let moves: [(PlaceState, String)] = [(.qualified, "Habiliter"), (.rejected, "Refuser"), (.suspended, "Suspendre"), (.disqualified, "Retirer")]
            let possible = moves.filter { place.state.canMove(to: $0.0) }
            guard !possible.isEmpty else { return .text("—") }
            return h("form", ["method": "post", "action": SiteURL.operatorPlaceState(place.id).path, "class": "inline"]) {
                csrfField(context)
                if backToPlace { h("input", ["type": "hidden", "name": "back", "value": "place"]) }
                select("Décision pour " + place.name, name: "state", id: "decision-\(place.id)", options: possible.map { ($0.0.rawValue, $0.1) })
                field("Motif", name: "reason", id: "motif-\(place.id)", required: false)
                h("button", ["type": "submit", "class": "secondary"]) { "Enregistrer" }
            }
        }
    }
}
