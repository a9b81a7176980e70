import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The journal and the verification of the accounts.
enum OperatorJournalController {
    /// Runs the whole verification now and records it; the journal page shows the result.
    @Sendable static func runVerify(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let run = try await request.store.verifyAndRecord(actor: Actor(user))
        return request.redirect(to: .operatorJournal, notice: run.holds
            ? "Contrôle fait : tout est correct."
            : "Contrôle fait : " + French.plural(run.violations.count, "anomalie", "anomalies") + ". Voir le détail ci-dessous.")
    }

    @Sendable static func journal(_ request: Request) async throws -> Response {
        let model = try await OperatorJournalPage.Model.query(store: request.store, page: ListingPageQuery(request, .journal))
        return Layout.response(OperatorJournalPage.View(model: model, context: PageContext(request)).document)
    }
}
