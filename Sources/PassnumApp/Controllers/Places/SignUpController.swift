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
        Layout.response(SignUpPage.View(context: PageContext(request)).document)
    }

    @Sendable static func signUp(_ request: Request) async throws -> Response {
        try await request.limitPublic(.signup)
        let form = try request.content.decode(SignUpForm.self)
        var errors = FormErrors()
        _ = errors.required(form.placeName, field: "placeName", "Indiquez le nom du lieu.")
        _ = errors.required(form.name, field: "name", "Indiquez votre nom.")
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
        return Layout.response(SignUpPage.View(context: PageContext(request), form: form, errors: errors).document, status: .unprocessableEntity)
    }
}
