import PassnumDomain
import PassnumPersistence

extension OperatorPlacePage {
    struct View {
        let model: Model
        let context: PageContext
        /// The signed-in admin's address: the four-eyes rule hides the decision on a change they proposed.
        let viewerEmail: String

        var document: Node {
            let application = model.application
            return Layout.page(title: application.name, context: context) {
                h("p") { h("a", ["href": SiteURL.operatorApplications.path]) { "Retour aux demandes" } }
                h("h1") { application.name }
                Layout.notice(context)
                h("p", ["role": "status"]) { "État : " + French.placeState(application.state) }
                for step in ApplicationStep.allCases {
                    h("h2") { ApplicationStepPage.title(step) }
                    if application.steps[step] == nil {
                        h("p") { "Pas encore rempli." }
                    } else if step == .documents {
                        h("ul") {
                            for document in application.documents {
                                h("li") { h("a", ["href": SiteURL.operatorDocument(application.place, document.id).path]) { document.filename } }
                            }
                        }
                    } else {
                        ApplicationStepPage.summary(step, application: application)
                    }
                }
                h("h2") { "Décision" }
                if let opening = model.opening { PlaceCharterViews.openingLine(opening, state: application.state) }
                if let place = model.place { OperatorHomePage.View.stateForm(context, place, backToPlace: true) }
                BankDetailsViews.operatorSection(context, viewerEmail: viewerEmail, place: application.place, changes: model.bankChanges)
                table(caption: "Décisions prises", headers: ["Date", "De", "À", "Par", "Motif"], rows: model.decisions.map {
                    [.text(French.dateTime($0.at)), .text(French.placeState($0.from)), .text(French.placeState($0.to)), .text(French.actor($0.actor)), .text($0.reason.map(French.recorded) ?? "")]
                })
            }
        }
    }
}
