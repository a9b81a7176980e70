import PassnumDomain

/// The sign-in form.
enum SignInPage {
    struct View {
        let context: PageContext
        /// The address typed and the page to go to once signed in.
        var form = AuthController.LoginForm()
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Se connecter", context: context) {
                h("h1") { "Se connecter" }
                Layout.notice(context)
                postForm(.login, context, errors: errors) {
                    h("input", ["type": "hidden", "name": "suite", "value": form.suite ?? ""])
                    field("Adresse e-mail", name: "email", value: form.email, type: "email", errors: errors,
                          attributes: ["autocomplete": "username"])
                    field("Mot de passe", name: "password", type: "password", errors: errors, attributes: ["autocomplete": "current-password"])
                    h("button", ["type": "submit"]) { "Se connecter" }
                }
                h("p") { h("a", ["href": SiteURL.forgotPassword.path]) { "Mot de passe oublié ?" } }
            }
        }
    }
}
