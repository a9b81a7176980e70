import PassnumDomain
import PassnumPersistence

extension PlaceApplicationPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            let application = model.application
            return Layout.page(title: "Ma demande", context: context) {
                h("h1") { "Demande d’habilitation – " + application.name }
                Layout.notice(context)
                h("p", ["role": "status"]) { PlaceApplicationPage.stateText(application.state) }
                h("ol") {
                    for step in ApplicationStep.allCases {
                        h("li") {
                            h("a", ["href": SiteURL.placeStep(step.rawValue).path]) { ApplicationStepPage.title(step) }
                            application.steps[step] == nil ? " – à faire" : " – fait"
                        }
                    }
                }
                if application.state == .draft {
                    if let next = application.nextStep {
                        h("p") { h("a", ["href": SiteURL.placeStep(next.rawValue).path]) { "Continuer : " + ApplicationStepPage.title(next) } }
                    } else {
                        h("form", ["method": "post", "action": SiteURL.placeSubmit.path]) {
                            csrfField(context)
                            h("p") { "Toutes les étapes sont faites. Envoyez votre demande : l’équipe de la plateforme l’étudiera." }
                            h("button", ["type": "submit"]) { "Envoyer ma demande" }
                        }
                    }
                }
            }
        }
    }

    /// Where the application stands, as its manager reads it (also on the place's home page).
    static func stateText(_ state: PlaceState) -> String {
        switch state {
        case .draft: "Votre demande n’est pas encore envoyée."
        case .submitted: "Votre demande est envoyée. Elle est en cours d’étude."
        case .qualified: "Votre lieu est habilité. Demandez à accepter les chèques des financeurs dans « Financeurs »."
        case .rejected: "Votre demande a été refusée."
        case .suspended: "Votre lieu est suspendu."
        case .disqualified: "Votre lieu n’est plus habilité."
        }
    }
}
