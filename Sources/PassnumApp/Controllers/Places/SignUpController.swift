import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A place joins on its own: the account and the place, before the application.
enum SignUpController {
    struct SignUpForm: Content {
        var placeName: String?
        var name: String?
        var email: String?
        var password: String?
        var confirmation: String?
    }

    @Sendable static func showSignUp(_ request: Request) async throws -> Response {
        Layout.response(signUpPage(request, form: SignUpForm(), errors: FormErrors()))
    }

    static func signUpPage(_ request: Request, form: SignUpForm, errors: FormErrors) -> Node {
        Layout.page(title: "Inscrire un lieu", request: request) {
            h("h1") { "Inscrire un lieu de médiation numérique" }
            h("p") { "Créez votre compte, puis remplissez la demande étape par étape. Vous pouvez vous arrêter et reprendre plus tard." }
            h("form", ["method": "post", "action": SiteURL.signUp.path, "novalidate": ""]) {
                errors.summary
                csrfField(request)
                field("Nom du lieu", name: "placeName", value: form.placeName, errors: errors)
                field("Votre nom", name: "name", value: form.name, errors: errors, attributes: ["autocomplete": "name"])
                field("Votre adresse e-mail", name: "email", value: form.email, type: "email", errors: errors, attributes: ["autocomplete": "email"])
                field("Mot de passe", name: "password", type: "password", errors: errors,
                      hint: "Au moins \(AccountRules.minimumPasswordLength) caractères.", attributes: ["autocomplete": "new-password"])
                field("Le même mot de passe, encore une fois", name: "confirmation", type: "password", errors: errors,
                      attributes: ["autocomplete": "new-password"])
                h("button", ["type": "submit"]) { "Créer mon compte" }
            }
        }
    }

    @Sendable static func signUp(_ request: Request) async throws -> Response {
        try await request.limitPublic(.signup)
        let form = try request.content.decode(SignUpForm.self)
        var errors = FormErrors()
        if (form.placeName ?? "").trimmingCharacters(in: .whitespaces).isEmpty { errors.add("placeName", "Indiquez le nom du lieu.") }
        if (form.name ?? "").trimmingCharacters(in: .whitespaces).isEmpty { errors.add("name", "Indiquez votre nom.") }
        if AccountRules.normalisedEmail(form.email ?? "") == nil { errors.add("email", "Indiquez une adresse e-mail complète, par exemple nom@exemple.fr.") }
        let password = form.password ?? ""
        if (try? AccountRules.checkPassword(password)) == nil {
            errors.add("password", "Le mot de passe doit faire au moins \(AccountRules.minimumPasswordLength) caractères.")
        } else if password != form.confirmation {
            errors.add("confirmation", "Les deux mots de passe ne sont pas identiques.")
        }
        if errors.isEmpty {
            do {
                let hash = try await request.password.async.hash(password)
                let (user, _) = try await request.store.signUpPlace(email: form.email ?? "", name: form.name ?? "", passwordHash: hash,
                                                                     placeName: form.placeName ?? "")
                let token = try await request.store.openSession(user: user)
                let response = request.redirect(to: .placeApplication, notice: "Votre compte est créé. Remplissez maintenant la demande.")
                response.cookies[Cookies.session] = Cookies.value(
                    token, secure: request.application.webSettings.secureCookies, maxAge: Int(Store.sessionLifetime))
                return response
            } catch let error as DomainError {
                errors.add(error)
            }
        }
        return Layout.response(signUpPage(request, form: form, errors: errors), status: .unprocessableEntity)
    }
}
