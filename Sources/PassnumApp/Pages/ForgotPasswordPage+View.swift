import PassnumDomain

/// The form that sends a link to choose a new password.
enum ForgotPasswordPage {
    struct View {
        let context: PageContext
        var email: String? = nil
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Mot de passe oublié", context: context) {
                h("h1") { "Mot de passe oublié" }
                Layout.notice(context)
                h("p") { "Indiquez votre adresse e-mail. Vous recevrez un lien pour choisir un nouveau mot de passe." }
                postForm(.forgotPassword, context, errors: errors) {
                    field("Adresse e-mail", name: "email", value: email, type: "email", errors: errors, attributes: ["autocomplete": "username"])
                    h("button", ["type": "submit"]) { "Recevoir le lien" }
                }
            }
        }
    }
}
