import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Sign in, sign out, forgotten password.
enum AuthController {
    struct LoginForm: Content {
        var email: String?
        var password: String?
        var suite: String?
    }

    static let wrongCredentials = "Adresse e-mail ou mot de passe incorrect."

    @Sendable static func showLogin(_ request: Request) async throws -> Response {
        if let user = request.user { return request.redirect(to: home(for: user.role).path) }
        return Layout.response(loginPage(request, form: LoginForm(suite: request.query[String.self, at: "suite"]), errors: FormErrors()))
    }

    static func loginPage(_ request: Request, form: LoginForm, errors: FormErrors, status: HTTPResponseStatus = .ok) -> Node {
        Layout.page(title: "Se connecter", request: request) {
            h("h1") { "Se connecter" }
            Layout.notice(request)
            h("form", ["method": "post", "action": SiteURL.login.path, "novalidate": ""]) {
                errors.summary
                csrfField(request)
                h("input", ["type": "hidden", "name": "suite", "value": form.suite ?? ""])
                field("Adresse e-mail", name: "email", value: form.email, type: "email", errors: errors,
                      attributes: ["autocomplete": "username"])
                field("Mot de passe", name: "password", type: "password", errors: errors, attributes: ["autocomplete": "current-password"])
                h("button", ["type": "submit"]) { "Se connecter" }
            }
            h("p") { h("a", ["href": SiteURL.forgotPassword.path]) { "Mot de passe oublié ?" } }
        }
    }

    @Sendable static func login(_ request: Request) async throws -> Response {
        let form = try request.content.decode(LoginForm.self)
        var errors = FormErrors()
        let email = (form.email ?? "").trimmingCharacters(in: .whitespaces)
        let password = form.password ?? ""
        if email.isEmpty { errors.add("email", "Indiquez votre adresse e-mail.") }
        if password.isEmpty { errors.add("password", "Indiquez votre mot de passe.") }
        guard errors.isEmpty else {
            return Layout.response(loginPage(request, form: form, errors: errors), status: .unprocessableEntity)
        }
        let store = request.store
        guard let candidate = try await store.loginCandidate(email: email) else {
            // Same work and same answer as a wrong password: an attacker cannot tell which addresses exist.
            _ = try? await request.password.async.verify(password, created: dummyHash)
            errors.add("email", wrongCredentials)
            return Layout.response(loginPage(request, form: form, errors: errors), status: .unprocessableEntity)
        }
        if let until = candidate.lockedUntil, until > store.clock.now {
            errors.add("email", "Trop d’essais : ce compte est bloqué jusqu’à \(French.dateTime(until)). Vous pouvez aussi changer de mot de passe.")
            return Layout.response(loginPage(request, form: form, errors: errors), status: .tooManyRequests)
        }
        guard try await request.password.async.verify(password, created: candidate.passwordHash) else {
            let failures = try await store.recordLoginFailure(user: candidate.id)
            let pause = AccountRules.slowdown(afterFailures: failures)
            if pause > 0 { try await Task.sleep(for: .seconds(pause)) }
            errors.add("email", wrongCredentials)
            return Layout.response(loginPage(request, form: form, errors: errors), status: .unprocessableEntity)
        }
        let token = try await store.openSession(user: candidate.id)
        let user = try await store.sessionUser(token: token)
        let target = safeNext(form.suite) ?? home(for: user?.role ?? .placeAgent).path
        let response = request.redirect(to: target)
        response.cookies[Cookies.session] = Cookies.value(
            token, secure: request.application.webSettings.secureCookies, maxAge: Int(Store.sessionLifetime))
        return response
    }

    /// Only paths of this site: never another host.
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), next.count < 500 else { return nil }
        return next
    }

    /// A real bcrypt hash of nothing anyone knows, to spend the same time on unknown addresses.
    static let dummyHash = (try? Bcrypt.hash("passnum: no account has this password")) ?? ""

    @Sendable static func logout(_ request: Request) async throws -> Response {
        if let token = request.cookies[Cookies.session]?.string { try await request.store.closeSession(token: token) }
        let response = request.redirect(to: .login, notice: "Vous êtes déconnecté.")
        response.cookies[Cookies.session] = HTTPCookies.Value.expired
        return response
    }

    @Sendable static func space(_ request: Request) async throws -> Response {
        guard let user = request.user else { throw Abort(.unauthorized) }
        return request.redirect(to: home(for: user.role).path)
    }

    static func home(for role: Role) -> SiteURL {
        switch role {
        case .operatorAdmin: .operatorHome
        case .funderManager: .funderHome
        case .prescriberAgent: .prescriberHome
        case .placeManager, .placeAgent: .placeHome
        }
    }

    // MARK: Forgotten password

    struct EmailForm: Content { var email: String? }

    @Sendable static func showForgot(_ request: Request) async throws -> Response {
        Layout.response(forgotPage(request, email: nil, errors: FormErrors()))
    }

    static func forgotPage(_ request: Request, email: String?, errors: FormErrors) -> Node {
        Layout.page(title: "Mot de passe oublié", request: request) {
            h("h1") { "Mot de passe oublié" }
            Layout.notice(request)
            h("p") { "Indiquez votre adresse e-mail. Vous recevrez un lien pour choisir un nouveau mot de passe." }
            h("form", ["method": "post", "action": SiteURL.forgotPassword.path, "novalidate": ""]) {
                errors.summary
                csrfField(request)
                field("Adresse e-mail", name: "email", value: email, type: "email", errors: errors, attributes: ["autocomplete": "username"])
                h("button", ["type": "submit"]) { "Recevoir le lien" }
            }
        }
    }

    @Sendable static func forgot(_ request: Request) async throws -> Response {
        let email = (try request.content.decode(EmailForm.self).email ?? "").trimmingCharacters(in: .whitespaces)
        guard AccountRules.normalisedEmail(email) != nil else {
            var errors = FormErrors()
            errors.add("email", "Indiquez une adresse e-mail complète, par exemple nom@exemple.fr.")
            return Layout.response(forgotPage(request, email: email, errors: errors), status: .unprocessableEntity)
        }
        if let token = try await request.store.createPasswordReset(email: email) {
            // No mail server is configured: the operator reads the link in the server log and passes it on.
            let link = request.application.webSettings.publicBaseURL + SiteURL.resetPassword(token).path
            request.logger.notice("password reset link for \(email): \(link)")
        }
        return request.redirect(to: .forgotPassword, notice: "Si un compte utilise cette adresse, un lien vient d’être envoyé. Il est valable une heure.")
    }

    struct ResetForm: Content {
        var password: String?
        var confirmation: String?
    }

    @Sendable static func showReset(_ request: Request) async throws -> Response {
        let token = request.parameters.get("token") ?? ""
        guard try await request.store.passwordResetIsValid(token: token) else { throw Abort(.notFound) }
        return Layout.response(resetPage(request, token: token, errors: FormErrors()))
    }

    static func resetPage(_ request: Request, token: String, errors: FormErrors) -> Node {
        Layout.page(title: "Nouveau mot de passe", request: request) {
            h("h1") { "Choisir un nouveau mot de passe" }
            h("form", ["method": "post", "action": SiteURL.resetPassword(token).path, "novalidate": ""]) {
                errors.summary
                csrfField(request)
                field("Nouveau mot de passe", name: "password", type: "password", errors: errors,
                      hint: "Au moins \(AccountRules.minimumPasswordLength) caractères.", attributes: ["autocomplete": "new-password"])
                field("Le même mot de passe, encore une fois", name: "confirmation", type: "password", errors: errors,
                      attributes: ["autocomplete": "new-password"])
                h("button", ["type": "submit"]) { "Enregistrer" }
            }
        }
    }

    @Sendable static func reset(_ request: Request) async throws -> Response {
        let token = request.parameters.get("token") ?? ""
        let form = try request.content.decode(ResetForm.self)
        var errors = FormErrors()
        let password = form.password ?? ""
        do { try AccountRules.checkPassword(password) } catch {
            errors.add("password", "Le mot de passe doit faire au moins \(AccountRules.minimumPasswordLength) caractères.")
        }
        if errors.isEmpty && password != form.confirmation { errors.add("confirmation", "Les deux mots de passe ne sont pas identiques.") }
        guard errors.isEmpty else { return Layout.response(resetPage(request, token: token, errors: errors), status: .unprocessableEntity) }
        let hash = try await request.password.async.hash(password)
        do {
            try await request.store.resetPassword(token: token, passwordHash: hash)
        } catch is DomainError {
            throw Abort(.notFound)
        }
        return request.redirect(to: .login, notice: "Votre mot de passe est changé. Vous pouvez vous connecter.")
    }
}
