import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Monthly payouts: the preview and the run, SEPA files and their batches, reversals, the end of programmes.
enum OperatorPayoutsController {
    @Sendable static func payouts(_ request: Request) async throws -> Response {
        var month: Month?
        if let text = request.query[String.self, at: "mois"], !text.isEmpty {
            guard let typed = Month(text) else { throw BadInput.month }
            month = typed
        }
        let model = try await OperatorPayoutsPage.Model.query(store: request.store, month: month, page: ListingPageQuery(request, .payoutPreview))
        return Layout.response(OperatorPayoutsPage.View(model: model, context: PageContext(request)).document)
    }

    struct MonthForm: Content { var mois: String? }

    @Sendable static func runPayouts(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        guard let month = try request.content.decode(MonthForm.self).mois.flatMap(Month.init) else { throw BadInput.month }
        let result: PayoutRunResult
        do {
            result = try await request.store.runPayouts(for: month, actor: Actor(user))
        } catch let error as DomainError {
            return request.redirect(to: .operatorPayouts, notice: "Non fait : " + French.message(for: error))
        }
        var text = result.ran
            ? "\(result.payouts) lieux remboursés pour \(French.month(month)) : \(result.checks) chèques, \(money(result.total))."
            : "Rien de nouveau à rembourser pour \(French.month(month))."
        if !result.heldBack.isEmpty {
            text += " \(result.heldBack.count) lieu(x) retenu(s) faute de coordonnées bancaires vérifiées : "
                + result.heldBack.map(\.name).joined(separator: ", ") + "."
        }
        return request.redirect(to: SiteURL.operatorPayouts.path + "?mois=\(month)", notice: text)
    }

    @Sendable static func expire(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let notes = try await request.store.expireProgrammes(actor: Actor(user))
        let total = notes.reduce(Money.zero) { $0 + $1.amount }
        return request.redirect(to: .operatorPayouts, notice: notes.isEmpty
            ? "Aucun programme à clore."
            : "\(notes.count) programme(s) clos, avoirs : \(money(total)).")
    }

    @Sendable static func sepa(_ request: Request) async throws -> Response {
        // Only a file the payout run wrote: found from the batch's record, never from a name in the request; and only
        // with the SHA-256 its run recorded, so a file changed on disk never reaches the bank.
        let found: (batch: PayoutBatch, data: Data)?
        do {
            found = try await request.store.sepaFile(batch: try request.id())
        } catch let error as PayoutFileError {
            request.logger.error("refused to hand out a payout file: \(error)")
            return Layout.response(PayoutFileRefusedPage.View(context: PageContext(request)).document, status: .conflict)
        }
        guard let (batch, document) = found else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/xml; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"virements-\(batch.month)-\(batch.id).xml\"")
        return Response(status: .ok, headers: headers, body: .init(data: document))
    }

    @Sendable static func markExported(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        return try await request.redirect(to: .operatorPayouts, refused: "Non enregistré") {
            try await request.store.markExported(batch: try request.id(), actor: Actor(user))
            return "Virements notés comme remis à la banque."
        }
    }

    struct SettleForm: Content { var date: String? }

    @Sendable static func settle(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        guard let date = try request.content.decode(SettleForm.self).date.flatMap(CivilDate.init) else {
            return request.redirect(to: .operatorPayouts, notice: "Non enregistré : indiquez la date des virements (jour, mois, année).")
        }
        return try await request.redirect(to: .operatorPayouts, refused: "Non enregistré") {
            try await request.store.settle(batch: try request.id(), bankDate: date, actor: Actor(user))
            return "Virements notés comme faits le \(French.date(date))."
        }
    }

    struct ReversalForm: Content {
        var serial: String?
        var reason: String?
    }

    @Sendable static func reverse(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let form = try request.content.decode(ReversalForm.self)
        guard let serial = form.serial.flatMap(CheckSerial.init) else {
            return request.redirect(to: .operatorPayouts, notice: "Non annulé : ce numéro de chèque n’est pas valable.")
        }
        return try await request.redirect(to: .operatorPayouts, refused: "Non annulé") {
            let reversal = try await request.store.reverse(serial, reason: form.reason ?? "", actor: Actor(user))
            return reversal.deducted
                ? "Chèque \(serial.grouped) annulé. \(money(reversal.amount)) seront retenus sur le prochain remboursement du lieu."
                : "Chèque \(serial.grouped) annulé. Il ne sera pas remboursé au lieu."
        }
    }
}
