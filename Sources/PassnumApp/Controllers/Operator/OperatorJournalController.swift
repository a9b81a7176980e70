import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The journal and the verification of the accounts.
enum OperatorJournalController {
    /// Runs the whole verification now and records it; the journal page shows the result.
    @Sendable static func runVerify(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        let run = try await request.store.verifyAndRecord(actor: Actor(user))
        return request.redirect(to: .operatorJournal, notice: run.holds
            ? "Contrôle fait : tout est correct."
            : "Contrôle fait : \(run.violations.count) anomalie(s). Voir le détail ci-dessous.")
    }

    @Sendable static func journal(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        let store = request.store
        let entries = try await store.journal(limit: 200)
        // The last recorded run, not a new one: a whole verification on every visit would load the database.
        let lastRun = try await store.lastVerifyRun()
        return Layout.response(Layout.page(title: "Journal", request: request) {
            h("h1") { "Journal et contrôles" }
            Layout.notice(request)
            h("h2") { "Contrôle des comptes" }
            if let lastRun {
                h("p", ["role": "status"]) {
                    "Dernier contrôle le \(French.dateTime(lastRun.finishedAt)) par \(lastRun.actor) : "
                        + (lastRun.holds ? "tout est correct." : "\(lastRun.violations.count) anomalie(s).")
                }
                h("ul") {
                    for invariant in LedgerInvariant.allCases {
                        if let violation = lastRun.violations.first(where: { $0.invariant == invariant }) {
                            h("li", ["class": "refused"]) { "Anomalie – \(invariant): \(violation.detail)" }
                        } else {
                            h("li", ["class": "ok"]) { "Correct – \(invariant)" }
                        }
                    }
                }
            } else {
                h("p", ["role": "status"]) { "Les comptes n’ont pas encore été contrôlés." }
            }
            h("form", ["method": "post", "action": SiteURL.operatorVerify.path]) {
                csrfField(request)
                h("button", ["type": "submit", "class": "secondary"]) { "Vérifier maintenant" }
            }
            h("h2") { "Dernières écritures" }
            table(caption: "200 dernières écritures du journal", headers: ["N°", "Date", "Opération", "Référence", "Par", "Montant"],
                  rows: entries.map {
                      [.text(String($0.id)), .text(French.dateTime($0.occurredAt)), .text(EntryKind(rawValue: $0.kind).map(French.entryKind) ?? $0.kind),
                       .text($0.reference.count > 60 ? String($0.reference.prefix(60)) + "…" : $0.reference), .text($0.actor), .text(money($0.amount))]
                  })
        })
    }
}
