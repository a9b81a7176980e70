import Foundation
import PassnumDomain
import PassnumPersistence

extension OperatorMailsPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Courriels", context: context) {
                h("h1") { "Courriels" }
                Layout.notice(context)
                if !model.relayConfigured {
                    h("p", ["role": "status"]) { "Aucun serveur d’envoi n’est réglé : les courriels restent ici. Ouvrez un courriel pour le lire." }
                }
                h("nav", ["aria-label": "Filtrer les courriels"]) {
                    h("ul", ["class": "filters"]) {
                        for (filter, label) in [(nil, "Tous")] + OutboxFilter.allCases.map({ ($0, French.mailFilter($0)) }) {
                            h("li") {
                                h("a", ["href": OperatorMailsPage.link(filter), "aria-current": filter == model.filter ? "page" : nil]) { label }
                            }
                        }
                    }
                }
                table(caption: model.filter.map { "Courriels : \(French.mailFilter($0).lowercased())" } ?? "Tous les courriels, les plus récents d’abord",
                      headers: ["Destinataire", "Message", "État", "Essais", "Créé le", "Envoyé le", "Dernière erreur"],
                      rows: model.mails.map { mail in
                          [h("a", ["href": SiteURL.operatorMail(mail.id).path]) { mail.recipient }, .text(French.mailKind(mail.kind)),
                           .text(French.mailState(mail.state)), .text(String(mail.attempts)), .text(French.dateTime(mail.createdAt)),
                           .text(mail.sentAt.map(French.dateTime) ?? "—"), .text(mail.lastError ?? "—")]
                      }, empty: "aucun courriel.")
                pager(model.position, path: SiteURL.operatorMails.path, parameters: model.filter.map { [(OperatorMailsPage.filterParameter, $0.rawValue)] } ?? [])
                if model.filter == .failed, !model.mails.isEmpty {
                    h("form", ["method": "post", "action": SiteURL.operatorMailsResend.path]) {
                        csrfField(context)
                        h("button", ["type": "submit"]) { "Tout renvoyer" }
                    }
                }
            }
        }
    }

    static let filterParameter = "etat"

    static func link(_ filter: OutboxFilter?) -> String {
        filter.map { SiteURL.operatorMails.path + "?\(filterParameter)=" + $0.rawValue } ?? SiteURL.operatorMails.path
    }
}

extension OperatorMailPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            let mail = model.mail
            return Layout.page(title: "Courriel", context: context) {
                h("h1") { "Courriel à \(mail.recipient)" }
                Layout.notice(context)
                definitions([
                    ("Message", French.mailKind(mail.kind)), ("État", French.mailState(mail.state)), ("Essais", String(mail.attempts)),
                    ("Créé le", French.dateTime(mail.createdAt)), ("Envoyé le", mail.sentAt.map(French.dateTime) ?? "—"),
                    ("Dernière erreur", mail.lastError ?? "—"), ("Identifiant (Message-ID)", mail.messageID ?? "—"),
                ])
                if model.canResend {
                    h("form", ["method": "post", "action": SiteURL.operatorMailResend(mail.id).path]) {
                        csrfField(context)
                        h("button", ["type": "submit"]) { "Renvoyer" }
                    }
                }
                if let composed = model.composed {
                    h("h2") { "Objet : \(composed.subject)" }
                    h("pre", ["class": "mail-text"]) { composed.text }
                } else {
                    h("p") { "Le texte n’est pas affiché : un courriel envoyé ne garde pas ses liens, et celui d’un courriel en échec reste caché." }
                }
                h("p") { h("a", ["href": SiteURL.operatorMails.path]) { "← Tous les courriels" } }
            }
        }
    }
}

extension French {
    static func mailFilter(_ filter: OutboxFilter) -> String {
        switch filter {
        case .waiting: "En attente"
        case .sent: "Envoyés"
        case .failed: "En échec"
        }
    }

    static func mailState(_ state: OutboxState) -> String {
        switch state {
        case .queued: "en attente"
        case .held: "gardé ici (pas d’envoi)"
        case .sent: "envoyé"
        case .failed: "échec"
        }
    }

    /// The kinds of `Notice`, as the operator reads them.
    static func mailKind(_ kind: String) -> String {
        switch kind {
        case "password-reset": "Nouveau mot de passe"
        case "invitation": "Invitation"
        case "application-received": "Demande reçue"
        case "application-qualified": "Lieu habilité"
        case "application-rejected": "Demande refusée"
        case "place-suspended": "Lieu suspendu"
        case "affiliation-requested": "Demande d’affiliation"
        case "affiliation-decided": "Décision d’affiliation"
        case "programme-ending": "Fin de programme proche"
        case "payout-sent": "Remboursement envoyé"
        case "invoice-issued": "Facture"
        case "credit-note-issued": "Avoir"
        case "bank-details-pending": "Coordonnées bancaires à vérifier"
        default: kind
        }
    }
}
