import PassnumDomain
import Vapor

/// The step every irreversible action goes through, without JavaScript: a page (GET, changes nothing) says what will
/// happen, with its figures, and "Confirmer" posts the action with `confirme=oui`; "Annuler" goes back. The action's
/// handler refuses to act on a POST without that field and sends it here instead (`Request.confirmation`).
enum ConfirmationPage {
    static let field = "confirme"

    struct View {
        let context: PageContext
        /// "Lancer les remboursements de mars 2026 ?"
        var title: String
        /// What will happen, in figures: how many checks, which places, what amount.
        var facts: [(term: String, value: String)]
        /// What cannot be undone afterwards.
        var warning: String
        var action: String
        /// The action's own fields, sent again with the confirmation.
        var fields: [(name: String, value: String)]
        var confirmLabel = "Confirmer"
        /// Where "Annuler" goes back to.
        var back: String

        var document: Node {
            Layout.page(title: title, context: context) {
                h("h1") { title }
                h("section", ["class": "confirmation", "aria-labelledby": "a-confirmer"]) {
                    h("h2", ["id": "a-confirmer"]) { "Ce qui va se passer" }
                    definitions(facts, class: "document")
                    h("p") { h("strong") { warning } }
                }
                h("div", ["class": "actions"]) {
                    h("form", ["method": "post", "action": action]) {
                        csrfField(context)
                        for field in fields { h("input", ["type": "hidden", "name": field.name, "value": field.value]) }
                        h("input", ["type": "hidden", "name": ConfirmationPage.field, "value": "oui"])
                        h("button", ["type": "submit"]) { confirmLabel }
                    }
                    h("a", ["href": back]) { "Annuler" }
                }
            }
        }
    }
}

extension Request {
    /// Whether the form was sent from the confirmation page (see `ConfirmationPage`).
    var confirmed: Bool { (try? content.get(String.self, at: ConfirmationPage.field)) == "oui" }

    /// A POST that skipped the confirmation page goes to it (303), with the form's fields in the address: nothing
    /// happens before "Confirmer". Only fields that are not secrets travel this way.
    func confirmation(at path: String, _ fields: [(name: String, value: String?)]) -> Response {
        var components = URLComponents()
        components.path = path
        let items = fields.compactMap { field in field.value.map { URLQueryItem(name: field.name, value: String($0.prefix(500))) } }
        components.queryItems = items.isEmpty ? nil : items
        return redirect(to: components.string ?? path)
    }
}
