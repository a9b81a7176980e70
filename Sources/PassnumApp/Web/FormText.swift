import Foundation
import PassnumDomain
import Vapor

/// Refuses a form whose fields hold a character no text may hold (`ControlCharacters`), before any handler reads it:
/// PostgreSQL would refuse the row (a 500), and SQLite would keep the text cut short. One check for every form, so a new
/// form is covered without code of its own. Runs after `SessionMiddleware`, which has read the body for the CSRF check.
struct FormTextMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // The API's bodies are JSON, checked where they are decoded (`ApiJSON.body`), and its errors are problem+json.
        if request.method == .POST, !request.url.path.hasPrefix("/api/"), request.headers.contentType == .urlEncodedForm, let body = request.body.data,
           Self.holdsControlCharacter(form: String(buffer: body)) {
            throw BadInput.controlCharacter
        }
        return try await next.respond(to: request)
    }

    /// Whether a name or a value of an `application/x-www-form-urlencoded` body, decoded one by one as Vapor decodes
    /// them, holds a refused character (one that does not decode is Vapor's to refuse).
    static func holdsControlCharacter(form: String) -> Bool {
        form.split(whereSeparator: { $0 == "&" || $0 == "=" }).contains { part in
            let text = part.replacingOccurrences(of: "+", with: " ")
            return ControlCharacters.occur(in: text.removingPercentEncoding ?? text)
        }
    }
}

extension BadInput {
    static let controlCharacter = BadInput(
        "Le texte envoyé contient un caractère invisible qui ne peut pas être enregistré. Rien n’a été enregistré. "
            + "Revenez en arrière, retapez le texte sans le copier-coller, puis recommencez.")
}
