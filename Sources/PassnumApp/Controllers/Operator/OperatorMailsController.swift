import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The operator's mails page: the outbox by state, one message, and resending failed ones. A resend is journaled
/// in the request log only (it moves no money and changes no account).
enum OperatorMailsController {
    @Sendable static func list(_ request: Request) async throws -> Response {
        // An unknown filter shows every message: a stale link is not an error.
        let filter = request.query[String.self, at: OperatorMailsPage.filterParameter].flatMap { OutboxFilter(rawValue: $0) }
        let model = try await OperatorMailsPage.Model.query(store: request.store, filter: filter, page: ListingPageQuery(request, .mails),
                                                            relayConfigured: request.application.mailSettings.smtp != nil)
        return Layout.response(OperatorMailsPage.View(model: model, context: PageContext(request)).document)
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        guard let model = try await OperatorMailPage.Model.query(store: request.store, mail: try request.id(OutboxMailID.self),
                                                                 baseURL: request.application.mailSettings.publicBaseURL,
                                                                 relayConfigured: request.application.mailSettings.smtp != nil)
        else { throw Abort(.notFound) }
        return Layout.response(OperatorMailPage.View(model: model, context: PageContext(request)).document)
    }

    @Sendable static func resend(_ request: Request) async throws -> Response {
        let id = try request.id(OutboxMailID.self)
        // A held message is sent once a relay is configured; without one it would only be held again.
        let count = try await request.store.requeueMail(id, includingHeld: request.application.mailSettings.smtp != nil,
                                                        now: request.store.clock.now)
        if count == 0, try await request.store.outboxMail(id) == nil { throw Abort(.notFound) }
        request.logger.info("mail \(id) put back in the queue: \(count)")
        // Nothing put back is a refusal: said as an error, never in the style of a success.
        return count == 1
            ? request.redirect(to: .operatorMail(id), notice: "Le courriel repart : il sera envoyé dans quelques secondes.")
            : request.redirect(to: .operatorMail(id), error: "Non renvoyé : ce courriel n’est pas à renvoyer.")
    }

    @Sendable static func resendAll(_ request: Request) async throws -> Response {
        let count = try await request.store.requeueMail(now: request.store.clock.now)
        request.logger.info("failed mails put back in the queue: \(count)")
        return request.redirect(to: OperatorMailsPage.link(.failed), notice: count == 0
            ? "Aucun courriel en échec : rien à renvoyer."
            : (count < 2 ? "\(count) courriel repart : il sera envoyé" : "\(count) courriels repartent : ils seront envoyés") + " dans quelques secondes.")
    }
}
