import PassnumDomain
import PassnumPersistence

extension InvitationPage {
    struct View {
        let model: Model
        let context: PageContext
        /// The link's token, which the form sends back.
        let token: String
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Invitation", context: context) {
                h("h1") { "Bienvenue, " + model.invitation.name }
                h("p") { "Vous êtes invité à rejoindre " + model.invitation.organisationName + " sur le Pass numérique." }
                h("p") { "Choisissez votre mot de passe. Vous vous connecterez avec l’adresse " + model.invitation.email + "." }
                postForm(.invitation(token), context, errors: errors) {
                    newPasswordFields(label: "Mot de passe", errors: errors)
                    h("button", ["type": "submit"]) { "Enregistrer et me connecter" }
                }
            }
        }
    }
}
