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
    /// Said after too many failures at one address from one connection, whether or not an account uses it: this
    /// answer does not tell whether an account exists.
    static let locked = "Trop d’essais : la connexion avec cette adresse est bloquée pour quelques minutes (15 au plus). Vous pouvez aussi changer de mot de passe."
    static let tooManyFromAddress = "Trop d’essais depuis votre connexion. Réessayez dans quelques minutes."
    static let slowedDown = "Beaucoup d’essais avec cette adresse en ce moment. Réessayez dans quelques secondes."

    @Sendable static func showLogin(_ request: Request) async throws -> Response {
        if let user = request.user { return request.redirect(to: home(for: user.role).path) }
        return Layout.response(loginPage(request, form: LoginForm(suite: request.query[String.self, at: "suite"]), errors: FormErrors()))
    }

    static func loginPage(_ request: Request, form: LoginForm, errors: FormErrors) -> Node {
        SignInPage.View(context: PageContext(request), form: form, errors: errors).document
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
        let address = request.clientAddress
        // Claimed before any password is checked, with the same counters whether or not an account uses the
        // address: parallel guesses cannot pass the limits, and the answers do not tell which addresses exist.
        let attempt: Int
        switch try await store.claimLoginAttempt(email: email, client: address, perClient: request.application.publicLimits.loginFailuresPerAddress) {
        case .allowed(let number): attempt = number
        case .tooManyFromClient(let retryAfter): return refusal(request, form: form, message: tooManyFromAddress, retryAfter: retryAfter)
        case .locked(let retryAfter): return refusal(request, form: form, message: locked, retryAfter: retryAfter)
        case .slowedDown(let retryAfter): return refusal(request, form: form, message: slowedDown, retryAfter: retryAfter)
        }
        guard let candidate = try await store.loginCandidate(email: email) else {
            // The same bcrypt work as for an account.
            _ = try? await request.password.async.verify(password, created: dummyHash)
            return try await refuse(request, form: form, attempt: attempt)
        }
        guard try await request.password.async.verify(password, created: candidate.passwordHash) else {
            return try await refuse(request, form: form, attempt: attempt)
        }
        try await store.loginSucceeded(email: email, client: address)
        let token = try await store.openSession(user: candidate.id)
        let user = try await store.sessionUser(token: token, timeouts: request.application.webSettings.sessionTimeouts)
        let target = safeNext(form.suite) ?? home(for: user?.role ?? .placeAgent).path
        let response = request.redirect(to: target)
        response.cookies[Cookies.session] = Cookies.value(
            token, secure: request.application.webSettings.secureCookies, maxAge: Int(Store.sessionLifetime))
        return response
    }

    /// A wrong password, answered more slowly after a few in a row.
    private static func refuse(_ request: Request, form: LoginForm, attempt: Int) async throws -> Response {
        let pause = AccountRules.slowdown(afterFailures: attempt)
        if pause > 0 { try await Task.sleep(for: .seconds(pause)) }
        var errors = FormErrors()
        errors.add("email", wrongCredentials)
        return Layout.response(loginPage(request, form: form, errors: errors), status: .unprocessableEntity)
    }

    private static func refusal(_ request: Request, form: LoginForm, message: String, retryAfter: Int) -> Response {
        var errors = FormErrors()
        errors.add("email", message)
        let response = Layout.response(loginPage(request, form: form, errors: errors), status: .tooManyRequests)
        response.headers.replaceOrAdd(name: .retryAfter, value: String(retryAfter))
        return response
    }

    /// Where to go after signing in: only a path of this site, never another host (nor a scheme: it starts with one
    /// slash). Browsers read `\\` as `/` and drop tabs and line breaks, and a proxy may decode `%2F`: so the text as
    /// sent and once decoded must both start with one slash and hold no backslash, no control character and no
    /// encoded slash or backslash, whatever its case.
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.utf8.count < 500, let decoded = next.removingPercentEncoding,
              next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return nil }
        for text in [next, decoded] {
            let lowered = text.lowercased()
            guard text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\"),
                  !lowered.contains("%2f"), !lowered.contains("%5c"),
                  text.unicodeScalars.allSatisfy({ !($0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{2028}" || $0 == "\u{2029}") })
            else { return nil }
        }
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
        ForgotPasswordPage.View(context: PageContext(request), email: email, errors: errors).document
    }

    @Sendable static func forgot(_ request: Request) async throws -> Response {
        let email = (try request.content.decode(EmailForm.self).email ?? "").trimmingCharacters(in: .whitespaces)
        guard AccountRules.normalisedEmail(email) != nil else {
            var errors = FormErrors()
            errors.add("email", "Indiquez une adresse e-mail complète, par exemple nom@exemple.fr.")
            return Layout.response(forgotPage(request, email: email, errors: errors), status: .unprocessableEntity)
        }
        try await request.limitPublic(.reset)
        // The link is queued to the address with the token (the outbox): never to the log, where it would open any
        // account, the operator's too. The answer is the same whether or not an account uses the address.
        try await request.store.createPasswordReset(email: email)
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
        NewPasswordPage.View(context: PageContext(request), token: token, errors: errors).document
    }

    @Sendable static func reset(_ request: Request) async throws -> Response {
        let token = request.parameters.get("token") ?? ""
        let form = try request.content.decode(ResetForm.self)
        let errors = newPasswordErrors(form)
        guard errors.isEmpty else { return Layout.response(resetPage(request, token: token, errors: errors), status: .unprocessableEntity) }
        let hash = try await request.password.async.hash(form.password ?? "")
        do {
            try await request.store.resetPassword(token: token, passwordHash: hash)
        } catch is DomainError {
            throw Abort(.notFound)
        }
        return request.redirect(to: .login, notice: "Votre mot de passe est changé. Vous pouvez vous connecter.")
    }

    /// What is wrong with a new password typed twice (the reset and invitation pages): the same rules everywhere.
    static func newPasswordErrors(_ form: ResetForm) -> FormErrors {
        var errors = FormErrors()
        let password = form.password ?? ""
        do { try AccountRules.checkPassword(password) } catch {
            errors.add("password", "Le mot de passe doit faire au moins \(AccountRules.minimumPasswordLength) caractères.")
        }
        if errors.isEmpty && password != form.confirmation { errors.add("confirmation", "Les deux mots de passe ne sont pas identiques.") }
        return errors
    }

    // MARK: Invitation

    /// The invitation link: an unknown, used or expired one is a 404, like a wrong reset link.
    @Sendable static func showInvitation(_ request: Request) async throws -> Response {
        let token = request.parameters.get("token") ?? ""
        let model = try await InvitationPage.Model.query(store: request.store, token: token)
        return Layout.response(InvitationPage.View(model: model, context: PageContext(request), token: token).document)
    }

    /// Chooses the password of an invited account, then signs its holder in: the link proved the address.
    @Sendable static func acceptInvitation(_ request: Request) async throws -> Response {
        let token = request.parameters.get("token") ?? ""
        let form = try request.content.decode(ResetForm.self)
        let errors = newPasswordErrors(form)
        guard errors.isEmpty else {
            let model = try await InvitationPage.Model.query(store: request.store, token: token)
            return Layout.response(InvitationPage.View(model: model, context: PageContext(request), token: token, errors: errors).document,
                                   status: .unprocessableEntity)
        }
        let hash = try await request.password.async.hash(form.password ?? "")
        let user: UserID
        do {
            user = try await request.store.acceptInvitation(token: token, passwordHash: hash)
        } catch is DomainError {
            throw Abort(.notFound)
        }
        let session = try await request.store.openSession(user: user)
        let signedIn = try await request.store.sessionUser(token: session, timeouts: request.application.webSettings.sessionTimeouts)
        let response = request.redirect(to: home(for: signedIn?.role ?? .placeAgent).path,
                                        notice: "Bienvenue ! Votre mot de passe est enregistré. Vous êtes connecté.")
        response.cookies[Cookies.session] = Cookies.value(
            session, secure: request.application.webSettings.secureCookies, maxAge: Int(Store.sessionLifetime))
        return response
    }
}
