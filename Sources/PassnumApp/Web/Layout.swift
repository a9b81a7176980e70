import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// What a view needs from the request, read once by the controller: the CSRF token forms send back, the
/// notice left by a redirect, and who is signed in (for the navigation). Views take this, never `Request`.
struct PageContext: Sendable {
    struct Viewer: Sendable {
        var name: String
        var role: Role
    }

    var csrfToken: String
    var notice: String?
    /// The notice says an action was refused: shown as an error, never in the style of a success.
    var noticeIsError = false
    var viewer: Viewer?

    init(csrfToken: String, notice: String? = nil, noticeIsError: Bool = false, viewer: Viewer? = nil) {
        self.csrfToken = csrfToken
        self.notice = notice
        self.noticeIsError = noticeIsError
        self.viewer = viewer
    }

    init(_ request: Request) {
        let notice = request.notice
        let isError = notice?.hasPrefix(Request.errorNoticeMark) ?? false
        self.init(csrfToken: request.csrfToken, notice: isError ? notice.map { String($0.dropFirst()) } : notice, noticeIsError: isError,
                  viewer: request.user.map { Viewer(name: $0.name, role: $0.role) })
    }
}

/// The frame of every page: skip link, header with the user's space, main content, footer.
enum Layout {
    static func page(title: String, context: PageContext, @NodeBuilder _ content: () -> [Node]) -> Node {
        group {
            Node.trusted("<!DOCTYPE html>")
            h("html", ["lang": "fr"]) {
                h("head") {
                    h("meta", ["charset": "utf-8"])
                    h("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                    h("title") { title + " – Pass numérique" }
                    h("link", ["rel": "stylesheet", "href": SiteURL.style.path])
                    h("script", ["src": SiteURL.formScript.path, "defer": ""]) { "" }
                }
                h("body") {
                    h("a", ["class": "skip", "href": "#contenu"]) { "Aller au contenu" }
                    header(context)
                    h("main", ["id": "contenu", "tabindex": "-1"]) { content() }
                    h("footer") {
                        h("p") {
                            h("a", ["href": SiteURL.checkStatus.path]) { "Vérifier un chèque" }
                            " · "
                            h("a", ["href": SiteURL.places.path]) { "Où utiliser mes chèques" }
                            " · "
                            h("a", ["href": SiteURL.personalData.path]) { "Données personnelles" }
                        }
                        // Every page, as RGAA and the LCEN ask of a public-service site.
                        h("p") {
                            h("a", ["href": SiteURL.accessibility.path]) { "Accessibilité : partiellement conforme" }
                            " · "
                            h("a", ["href": SiteURL.legalNotice.path]) { "Mentions légales" }
                            " · "
                            h("a", ["href": SiteURL.termsOfUse.path]) { "Conditions d’utilisation" }
                        }
                    }
                }
            }
        }
    }

    static func header(_ context: PageContext) -> Node {
        h("header") {
            h("p", ["class": "brand"]) { h("a", ["href": SiteURL.home.path]) { "Pass numérique" } }
            if let user = context.viewer {
                h("nav", ["aria-label": "Mon espace"]) {
                    h("ul") {
                        for (label, url) in navigation(for: user.role) {
                            h("li") { h("a", ["href": url.path]) { label } }
                        }
                    }
                }
                h("form", ["method": "post", "action": SiteURL.logout.path, "class": "logout"]) {
                    csrfField(context)
                    h("span") { user.name + " (" + French.role(user.role) + ")" }
                    h("button", ["type": "submit"]) { "Se déconnecter" }
                }
            } else {
                h("nav", ["aria-label": "Menu"]) {
                    h("ul") { h("li") { h("a", ["href": SiteURL.login.path]) { "Se connecter" } } }
                }
            }
        }
    }

    static func navigation(for role: Role) -> [(String, SiteURL)] {
        switch role {
        case .operatorAdmin:
            [("Accueil", .operatorHome), ("Demandes", .operatorApplications), ("Commandes", .operatorOrders), ("Remboursements", .operatorPayouts),
             ("Factures", .operatorBilling), ("Banque", .operatorBankChanges),
             ("Cofinancement", .operatorCoFunding), ("Journal", .operatorJournal), ("Comptes", .operatorAccounts), ("Équipe", .team)]
        case .funderManager:
            [("Tableau de bord", .funderHome), ("Programmes", .funderProgrammes), ("Commandes", .funderOrders),
             ("Stock", .funderStock), ("Lieux", .funderPlaces), ("Factures", .funderDocuments), ("Cofinancement", .funderCoFunding),
             ("Clés API", .apiKeys), ("Équipe", .team)]
        case .prescriberAgent:
            [("Bénéficiaires", .prescriberHome), ("Chèques perdus", .prescriberOpposition), ("Historique", .prescriberHistory),
             ("Clés API", .apiKeys), ("Équipe", .team)]
        case .placeManager:
            [("Valider des chèques", .placeHome), ("Historique", .placeHistory), ("Remboursements", .placePayouts), ("Catalogue", .placeCatalogue),
             ("Financeurs", .placeFunders), ("Ma demande", .placeApplication), ("Coordonnées bancaires", .placeBank), ("Clés API", .apiKeys),
             ("Équipe", .team)]
        case .placeAgent:
            [("Valider des chèques", .placeHome), ("Historique", .placeHistory), ("Remboursements", .placePayouts)]
        }
    }

    static func response(_ page: Node, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(string: page.rendered))
    }

    /// A page with a form: a form shown again with its errors is a 422, the same page without is a 200.
    static func response(_ page: Node, errors: FormErrors) -> Response {
        response(page, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    /// The confirmation left by the form that redirected here (see `Request.redirect(to:notice:)`).
    static func notice(_ context: PageContext) -> Node {
        guard let text = context.notice else { return group {} }
        if context.noticeIsError { return h("p", ["class": "errors", "role": "alert"]) { text } }
        return h("p", ["class": "notice", "role": "status"]) { text }
    }
}

extension Request {
    /// Back to a page with a confirmation message. The message travels in a short-lived cookie, not in the
    /// address: nobody can make the site say something by sending a link.
    func redirect(to url: SiteURL, notice: String) -> Response {
        redirect(to: url.path, notice: notice)
    }

    /// Back to a page with the reason an action was refused, shown as an error (red, announced at once).
    func redirect(to url: SiteURL, error: String) -> Response {
        redirect(to: url.path, notice: Self.errorNoticeMark + error)
    }

    /// The first character of a notice that reports a refusal (a control character no message starts with).
    static let errorNoticeMark = "\u{1}"

    func redirect(to path: String, notice: String) -> Response {
        let response = redirect(to: path)
        response.cookies[Cookies.notice] = Cookies.value(
            Array(notice.utf8).base64URL, secure: application.webSettings.secureCookies, maxAge: 60)
        return response
    }
}

/// A programme ending within 30 days, as its warning shows it (DESIGN.md: alert at end − 30 days).
struct ExpiryAlert: Sendable, Equatable {
    var programme: String
    var validUntil: CivilDate
    var handOutStopDay: CivilDate
    var lastRedemptionDay: CivilDate
    /// Whether hand-outs have already stopped on the day the page is shown.
    var handOutStopped: Bool

    static func ending(_ programmes: [Programme], today: CivilDate) -> [ExpiryAlert] {
        programmes.filter { !$0.expired && today >= $0.terms.alertDay && today <= $0.terms.lastRedemptionDay }.map {
            ExpiryAlert(programme: $0.terms.name, validUntil: $0.terms.validUntil, handOutStopDay: $0.terms.handOutStopDay,
                        lastRedemptionDay: $0.terms.lastRedemptionDay, handOutStopped: today >= $0.terms.handOutStopDay)
        }
    }
}

/// The expiry timeline's warnings for programmes ending within 30 days.
func expiryAlerts(_ alerts: [ExpiryAlert]) -> Node {
    group {
        for alert in alerts {
            h("p", ["class": "errors", "role": "status"]) {
                "Le programme « \(alert.programme) » se termine le \(French.date(alert.validUntil)). "
                    + (alert.handOutStopped ? "Les chèques ne peuvent plus être remis. "
                        : "Les chèques ne peuvent plus être remis à partir du \(French.date(alert.handOutStopDay)). ")
                    + "Les chèques pas utilisés le \(French.date(alert.lastRedemptionDay)) reviendront au financeur."
            }
        }
    }
}

/// The hidden field that carries the CSRF token.
func csrfField(_ context: PageContext) -> Node {
    h("input", ["type": "hidden", "name": "_csrf", "value": context.csrfToken])
}

/// Form errors by field name, shown next to the field and listed at the top of the form.
struct FormErrors: Sendable {
    var messages: [(field: String, message: String)] = []

    var isEmpty: Bool { messages.isEmpty }

    subscript(field: String) -> String? { messages.first { $0.field == field }?.message }

    mutating func add(_ field: String, _ message: String) { messages.append((field, message)) }

    /// Records a domain refusal next to the field it names (or at the top of the form).
    mutating func add(_ error: DomainError, fields: [String: String] = [:]) {
        if case .invalid(let field, _) = error {
            messages.append((fields[field.rawValue] ?? field.rawValue, French.message(for: error)))
        } else {
            messages.append(("", French.message(for: error)))
        }
    }

    /// The summary at the top of a form: announced by screen readers, each error links to its field.
    var summary: Node {
        guard !isEmpty else { return group {} }
        return h("div", ["class": "errors", "role": "alert", "tabindex": "-1"]) {
            h("p") { messages.count == 1 ? "Une information est à corriger :" : "\(messages.count) informations sont à corriger :" }
            h("ul") {
                for entry in messages {
                    h("li") {
                        if entry.field.isEmpty { entry.message } else { h("a", ["href": "#" + entry.field]) { entry.message } }
                    }
                }
            }
        }
    }
}

/// A labelled input with its hint and error, linked for screen readers.
/// `id` defaults to the name; give one when a page has several forms with the same field.
func field(
    _ label: String, name: String, id: String? = nil, value: String? = nil, type: String = "text", errors: FormErrors = FormErrors(),
    hint: String? = nil, required: Bool = true, attributes: KeyValuePairs<String, String> = [:]
) -> Node {
    let id = id ?? name
    let error = errors[name]
    let described = [hint.map { _ in id + "-aide" }, error.map { _ in id + "-erreur" }].compactMap { $0 }
    var all: [(String, String)] = [("type", type), ("id", id), ("name", name)]
    if let value { all.append(("value", value)) }
    if required { all.append(("required", "")) }
    if error != nil { all.append(("aria-invalid", "true")) }
    if !described.isEmpty { all.append(("aria-describedby", described.joined(separator: " "))) }
    all += attributes.map { ($0.key, $0.value) }
    return h("div", ["class": error == nil ? "field" : "field invalid"]) {
        h("label", ["for": id]) { label }
        if let hint { h("p", ["class": "hint", "id": id + "-aide"]) { hint } }
        if let error { h("p", ["class": "error", "id": id + "-erreur"]) { error } }
        Node.element("input", all, [])
    }
}

/// A labelled drop-down list.
func select(_ label: String, name: String, id: String? = nil, options: [(value: String, label: String)], selected: String? = nil,
            errors: FormErrors = FormErrors(), hint: String? = nil) -> Node {
    let id = id ?? name
    let error = errors[name]
    let described = [hint.map { _ in id + "-aide" }, error.map { _ in id + "-erreur" }].compactMap { $0 }
    return h("div", ["class": error == nil ? "field" : "field invalid"]) {
        h("label", ["for": id]) { label }
        if let hint { h("p", ["class": "hint", "id": id + "-aide"]) { hint } }
        if let error { h("p", ["class": "error", "id": id + "-erreur"]) { error } }
        h("select", ["id": id, "name": name, "aria-describedby": described.isEmpty ? nil : described.joined(separator: " "),
                     "aria-invalid": error == nil ? nil : "true"]) {
            for option in options {
                h("option", ["value": option.value, "selected": option.value == selected ? "" : nil]) { option.label }
            }
        }
    }
}

/// A table with a caption and column headers.
func table(caption: String, headers: [String], rows: [[Node]], empty: String = "Rien pour le moment.") -> Node {
    guard !rows.isEmpty else { return h("p", ["class": "empty"]) { caption + " : " + empty } }
    // Wide tables scroll sideways on small screens: the region must be reachable with the keyboard.
    return h("div", ["class": "table", "tabindex": "0", "role": "region", "aria-label": caption]) {
        h("table") {
            h("caption") { caption }
            h("thead") { h("tr") { for header in headers { h("th", ["scope": "col"]) { header } } } }
            h("tbody") { for row in rows { h("tr") { for cell in row { h("td") { cell } } } } }
        }
    }
}

func money(_ amount: Money) -> String { amount.description }
