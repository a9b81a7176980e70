import PassnumDomain

/// A place joins on its own: the account and the place, before the application. A form only.
enum SignUpPage {
    struct View {
        let context: PageContext
        /// The form as typed (never the passwords), and what is wrong with it, when it is shown again.
        var form = SignUpController.SignUpForm()
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Inscrire un lieu", context: context) {
                h("h1") { "Inscrire un lieu de médiation numérique" }
                h("p") { "Créez votre compte, puis remplissez la demande étape par étape. Vous pouvez vous arrêter et reprendre plus tard." }
                h("form", ["method": "post", "action": SiteURL.signUp.path, "novalidate": ""]) {
                    errors.summary
                    csrfField(context)
                    field("Nom du lieu", name: "placeName", value: form.placeName, errors: errors)
                    field("Votre nom", name: "name", value: form.name, errors: errors, attributes: ["autocomplete": "name"])
                    field("Votre adresse e-mail", name: "email", value: form.email, type: "email", errors: errors, attributes: ["autocomplete": "email"])
                    newPasswordFields(label: "Mot de passe", errors: errors)
                    h("button", ["type": "submit"]) { "Créer mon compte" }
                }
            }
        }
    }
}
