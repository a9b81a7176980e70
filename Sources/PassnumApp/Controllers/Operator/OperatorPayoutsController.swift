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

    /// What the month's run would pay, to confirm before it runs (a run cannot be undone).
    @Sendable static func confirmPayouts(_ request: Request) async throws -> Response {
        guard let month = request.query[String.self, at: "mois"].flatMap(Month.init) else { throw BadInput.month }
        let totals = try await request.store.payoutPreviewTotals(for: month)
        let places = try await request.store.payoutPlaces(for: month)
        let view = ConfirmationPage.View(
            context: PageContext(request), title: "Rembourser les lieux pour \(French.month(month)) ?",
            facts: [("Mois", French.month(month)), ("Lieux à rembourser", "\(places)"), ("Chèques", "\(totals.checks)"),
                    ("Montant des chèques", money(totals.amount)), ("Montant viré (après retenues)", money(totals.net))],
            warning: "Les virements seront préparés pour la banque. Un remboursement fait ne peut pas être annulé.",
            action: SiteURL.operatorPayouts.path, fields: [("mois", month.description)], confirmLabel: "Confirmer les remboursements",
            back: SiteURL.operatorPayouts.path + "?mois=\(month)")
        return Layout.response(view.document)
    }

    @Sendable static func runPayouts(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        guard let month = try request.content.decode(MonthForm.self).mois.flatMap(Month.init) else { throw BadInput.month }
        guard request.confirmed else { return request.confirmation(at: SiteURL.operatorPayoutsRun.path, [("mois", month.description)]) }
        let result: PayoutRunResult
        do {
            result = try await request.store.runPayouts(for: month, actor: Actor(user))
            request.metrics.payoutRun(result)
        } catch let error as DomainError {
            return request.redirect(to: .operatorPayouts, error: "Non fait : " + French.message(for: error))
        }
        var text = result.ran
            ? "\(result.payouts) lieux remboursés pour \(French.month(month)) : \(result.checks) chèques, \(money(result.total))."
            : "Rien de nouveau à rembourser pour \(French.month(month))."
        if !result.heldBack.isEmpty {
            text += " " + French.plural(result.heldBack.count, "lieu retenu", "lieux retenus") + " faute de coordonnées bancaires vérifiées : "
                + result.heldBack.map(\.name).joined(separator: ", ") + "."
        }
        return request.redirect(to: SiteURL.operatorPayouts.path + "?mois=\(month)", notice: text)
    }

    /// The programmes closing now would close and the credit notes it would make, to confirm first.
    @Sendable static func confirmExpiry(_ request: Request) async throws -> Response {
        let lines = try await request.store.expiryPreview()
        let checks = lines.reduce(0) { $0 + $1.checks }
        let total = lines.reduce(Money.zero) { $0 + $1.amount }
        let view = ConfirmationPage.View(
            context: PageContext(request), title: "Clore les programmes terminés ?",
            facts: [("Programmes à clore", lines.isEmpty ? "aucun" : lines.map(\.name).joined(separator: ", ")),
                    ("Chèques qui expirent", "\(checks)"), ("Avoirs aux financeurs", money(total))],
            warning: "Les chèques non utilisés de ces programmes ne pourront plus être utilisés. Cela ne peut pas être annulé.",
            action: SiteURL.operatorExpiry.path, fields: [], confirmLabel: "Confirmer la clôture", back: SiteURL.operatorPayouts.path)
        return Layout.response(view.document)
    }

    @Sendable static func expire(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        guard request.confirmed else { return request.confirmation(at: SiteURL.operatorExpiry.path, []) }
        let notes = try await request.store.expireProgrammes(actor: Actor(user))
        let total = notes.reduce(Money.zero) { $0 + $1.amount }
        return request.redirect(to: .operatorPayouts, notice: notes.isEmpty
            ? "Aucun programme à clore."
            : French.plural(notes.count, "programme clos", "programmes clos") + ", avoirs : \(money(total)).")
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

    /// What noting a batch as handed to the bank or as executed records, to confirm first: neither can be undone, and
    /// the second moves the money out of the operator's account in the journal.
    @Sendable static func confirmBatch(_ request: Request, settled: Bool) async throws -> Response {
        let id = try request.id(PayoutBatchID.self)
        // Payout batches are one a month: the list is short (one statement).
        guard let batch = try await request.store.payoutBatches().first(where: { $0.id == id }) else { throw Abort(.notFound) }
        var facts: [(term: String, value: String)] = [("Virements", "n° \(batch.id)"), ("Mois", French.month(batch.month)),
                                                      ("Lieux payés", "\(batch.payouts)"), ("Montant viré", money(batch.total))]
        var fields: [(name: String, value: String)] = []
        if settled {
            guard let date = request.query[String.self, at: "date"].flatMap(CivilDate.init) else {
                return request.redirect(to: .operatorPayouts, error: missingDate)
            }
            facts.append(("Date des virements à la banque", French.date(date)))
            fields.append(("date", date.description))
        }
        let view = ConfirmationPage.View(
            context: PageContext(request),
            title: settled ? "Noter les virements n° \(batch.id) comme faits ?" : "Noter les virements n° \(batch.id) comme remis à la banque ?",
            facts: facts,
            warning: settled
                ? "Les comptes noteront que \(money(batch.total)) ont quitté le compte de l’opérateur. Cela ne peut pas être annulé : vérifiez le relevé de la banque."
                : "Ne le confirmez qu’une fois le fichier des virements transmis à la banque. Cela ne peut pas être annulé.",
            action: (settled ? SiteURL.operatorBatchSettled(id) : .operatorBatchExported(id)).path, fields: fields,
            confirmLabel: "Confirmer", back: SiteURL.operatorPayouts.path)
        return Layout.response(view.document)
    }

    @Sendable static func markExported(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let batch = try request.id(PayoutBatchID.self)
        guard request.confirmed else { return request.confirmation(at: SiteURL.operatorBatchExported(batch).path, []) }
        return try await request.redirect(to: .operatorPayouts, refused: "Non enregistré") {
            try await request.store.markExported(batch: batch, actor: Actor(user))
            return "Virements notés comme remis à la banque."
        }
    }

    struct SettleForm: Content { var date: String? }

    /// A batch noted as executed needs the bank's date, on its confirmation page as on the action.
    static let missingDate = "Non enregistré : indiquez la date des virements (jour, mois, année)."

    @Sendable static func settle(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        guard let date = try request.content.decode(SettleForm.self).date.flatMap(CivilDate.init) else {
            return request.redirect(to: .operatorPayouts, error: missingDate)
        }
        let batch = try request.id(PayoutBatchID.self)
        guard request.confirmed else { return request.confirmation(at: SiteURL.operatorBatchSettled(batch).path, [("date", date.description)]) }
        return try await request.redirect(to: .operatorPayouts, refused: "Non enregistré") {
            try await request.store.settle(batch: batch, bankDate: date, actor: Actor(user))
            return "Virements notés comme faits le \(French.date(date))."
        }
    }

    struct ReversalForm: Content {
        var serial: String?
        var reason: String?
    }

    /// The check to cancel and why, to confirm first.
    @Sendable static func confirmReversal(_ request: Request) async throws -> Response {
        guard let serial = request.query[String.self, at: "serial"].flatMap(CheckSerial.init) else {
            return request.redirect(to: .operatorPayouts, error: "Non annulé : ce numéro de chèque n’est pas valable.")
        }
        let reason = request.query[String.self, at: "reason"] ?? ""
        let view = ConfirmationPage.View(
            context: PageContext(request), title: "Annuler le chèque \(serial.grouped) ?",
            facts: [("Chèque", serial.grouped), ("Motif", reason.isEmpty ? "non indiqué" : reason)],
            warning: "Le chèque ne pourra plus être utilisé. S’il était déjà remboursé, son montant sera retenu sur le prochain remboursement du lieu. Cela ne peut pas être annulé.",
            action: SiteURL.operatorReversal.path, fields: [("serial", serial.compact), ("reason", reason)], confirmLabel: "Confirmer l’annulation",
            back: SiteURL.operatorPayouts.path)
        return Layout.response(view.document)
    }

    @Sendable static func reverse(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let form = try request.content.decode(ReversalForm.self)
        guard let serial = form.serial.flatMap(CheckSerial.init) else {
            return request.redirect(to: .operatorPayouts, error: "Non annulé : ce numéro de chèque n’est pas valable.")
        }
        guard !(form.reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty else {
            // Said before the confirmation page, in the store's own words, rather than after "Confirmer".
            return request.redirect(to: .operatorPayouts, error: "Non annulé : " + French.message(for: DomainError.invalid(field: .reason, problem: .empty)))
        }
        guard request.confirmed else { return request.confirmation(at: SiteURL.operatorReversal.path, [("serial", serial.compact), ("reason", form.reason)]) }
        return try await request.redirect(to: .operatorPayouts, refused: "Non annulé") {
            let reversal = try await request.store.reverse(serial, reason: form.reason ?? "", actor: Actor(user))
            return reversal.deducted
                ? "Chèque \(serial.grouped) annulé. \(money(reversal.amount)) seront retenus sur le prochain remboursement du lieu."
                : "Chèque \(serial.grouped) annulé. Il ne sera pas remboursé au lieu."
        }
    }
}
