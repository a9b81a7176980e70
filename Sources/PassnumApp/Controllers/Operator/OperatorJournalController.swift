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
        // Anomalies are an alarm: in the error style, never in the green box of a success.
        return run.holds
            ? request.redirect(to: .operatorJournal, notice: "Contrôle fait : tout est correct.")
            : request.redirect(to: .operatorJournal, error: "Contrôle fait : " + French.plural(run.violations.count, "anomalie", "anomalies")
                               + ". Voir le détail ci-dessous.")
    }

    @Sendable static func journal(_ request: Request) async throws -> Response {
        let model = try await OperatorJournalPage.Model.query(store: request.store, page: ListingPageQuery(request, .journal))
        return Layout.response(OperatorJournalPage.View(model: model, context: PageContext(request)).document)
    }
}
