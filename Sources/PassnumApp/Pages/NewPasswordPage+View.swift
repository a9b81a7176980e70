import PassnumDomain

/// The page the reset link opens: a new password, typed twice.
enum NewPasswordPage {
    struct View {
        let context: PageContext
        /// The reset link's token, which the form sends back.
        let token: String
        var errors = FormErrors()

        var document: Node {
            Layout.page(title: "Nouveau mot de passe", context: context) {
                h("h1") { "Choisir un nouveau mot de passe" }
                postForm(.resetPassword(token), context, errors: errors) {
                    newPasswordFields(label: "Nouveau mot de passe", errors: errors)
                    h("button", ["type": "submit"]) { "Enregistrer" }
                }
            }
        }
    }
}

/// A new password typed twice, as the reset and sign-up forms ask for it.
func newPasswordFields(label: String, errors: FormErrors) -> Node {
    group {
        field(label, name: "password", type: "password", errors: errors,
              hint: "Au moins \(AccountRules.minimumPasswordLength) caractères.", attributes: ["autocomplete": "new-password"])
        field("Le même mot de passe, encore une fois", name: "confirmation", type: "password", errors: errors,
              attributes: ["autocomplete": "new-password"])
    }
}
