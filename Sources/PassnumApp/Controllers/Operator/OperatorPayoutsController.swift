import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Monthly payouts: the preview and the run, SEPA files and their batches, reversals, the end of programmes.
enum OperatorPayoutsController {
    @Sendable static func payouts(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        let store = request.store
        let lastMonth = CivilDate(store.clock.now).calendarMonth.previous
        let month: Month
        if let text = request.query[String.self, at: "mois"], !text.isEmpty {
            guard let typed = Month(text) else { throw BadInput.month }
            month = typed
        } else {
            month = lastMonth
        }
        let preview = try await store.payoutPreview(for: month)
        let runs = try await store.payoutRuns()
        let batches = try await store.payoutBatches()
        // What the run would take from what each place owes, and transfer: the same rule as the run.
        let split = preview.map { Deductions.take([(id: 0, remaining: $0.owed)], from: $0.amount) }
        let total = split.reduce(Money.zero) { $0 + $1.net }
        let done = runs.contains { $0.month == month }
        return Layout.response(Layout.page(title: "Remboursements", request: request) {
            h("h1") { "Remboursements mensuels" }
            Layout.notice(request)
            h("form", ["method": "get", "action": SiteURL.operatorPayouts.path, "class": "inline"]) {
                field("Mois", name: "mois", value: month.description, type: "month", hint: "Format AAAA-MM.")
                h("button", ["type": "submit", "class": "secondary"]) { "Voir" }
            }
            h("h2") { "Aperçu pour " + French.month(month) }
            table(caption: "Chèques utilisés en \(French.month(month)) et pas encore remboursés",
                  headers: ["Lieu", "Chèques", "Montant", "Retenues", "À virer", "Virement"],
                  rows: zip(preview, split).map { row, split in
                      [.text(row.place.name), .text(String(row.checks)), .text(money(row.amount)), .text(money(row.amount - split.net)),
                       .text(money(split.net)),
                       row.hasBankDetails ? .text("prêt") : h("a", ["href": SiteURL.operatorPlace(row.place.id).path]) { "retenu : pas de coordonnées bancaires vérifiées" }]
                  },
                  empty: "aucun chèque à rembourser.")
            h("p") { "Total à virer : " + money(total) }
            if done {
                h("p") { "Les remboursements de " + French.month(month) + " ont déjà été faits." }
            } else {
                h("form", ["method": "post", "action": SiteURL.operatorPayouts.path]) {
                    csrfField(request)
                    h("input", ["type": "hidden", "name": "mois", "value": month.description])
                    h("button", ["type": "submit"]) { "Rembourser les lieux pour " + French.month(month) }
                }
            }
            h("h2") { "Virements" }
            h("p") { "Chaque remboursement fait donne un fichier de virements SEPA. Remettez-le une fois à la banque, puis notez la date où la banque a fait les virements." }
            table(caption: "Fichiers de virements", headers: ["N°", "Mois", "Lieux", "Montant", "État", "Action"], rows: batches.map { batch in
                [.text(String(batch.id)), .text(French.month(batch.month)), .text(String(batch.payouts)), .text(money(batch.total)),
                 .text(batchState(batch)), batchActions(request, batch)]
            }, empty: "aucun virement pour le moment.")
            h("h2") { "Remboursements déjà faits" }
            table(caption: "Remboursements par mois", headers: ["Mois", "Lieux", "Chèques", "Total"], rows: runs.map {
                [.text(French.month($0.month)), .text(String($0.payouts)), .text(String($0.checks)), .text(money($0.total))]
            })
            h("h2") { "Annuler un chèque validé" }
            h("form", ["method": "post", "action": SiteURL.operatorReversal.path, "novalidate": ""]) {
                csrfField(request)
                h("p") { "En cas de fraude ou d’erreur : le chèque est annulé. S’il était déjà remboursé, son montant est retenu sur le prochain remboursement du lieu." }
                field("Numéro du chèque", name: "serial", id: "annulation-numero")
                field("Motif", name: "reason", id: "annulation-motif", hint: "Obligatoire. Par exemple : chèque volé, validé par erreur.")
                h("button", ["type": "submit", "class": "secondary"]) { "Annuler ce chèque" }
            }
            h("h2") { "Fin des programmes" }
            h("form", ["method": "post", "action": SiteURL.operatorExpiry.path]) {
                csrfField(request)
                h("p") { "Les chèques des programmes terminés (fin de validité et délai de grâce passés) expirent, et un avoir est fait au financeur." }
                h("button", ["type": "submit", "class": "secondary"]) { "Clore les programmes terminés" }
            }
        })
    }

    struct MonthForm: Content { var mois: String? }

    @Sendable static func runPayouts(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        guard let month = try request.content.decode(MonthForm.self).mois.flatMap(Month.init) else { throw BadInput.month }
        do {
            let result = try await request.store.runPayouts(for: month, actor: Actor(user))
            var text = result.ran
                ? "\(result.payouts) lieux remboursés pour \(French.month(month)) : \(result.checks) chèques, \(money(result.total))."
                : "Rien de nouveau à rembourser pour \(French.month(month))."
            if !result.heldBack.isEmpty {
                text += " \(result.heldBack.count) lieu(x) retenu(s) faute de coordonnées bancaires vérifiées : "
                    + result.heldBack.map(\.name).joined(separator: ", ") + "."
            }
            return request.redirect(to: SiteURL.operatorPayouts.path + "?mois=\(month)", notice: text)
        } catch let error as DomainError {
            return request.redirect(to: .operatorPayouts, notice: "Non fait : " + French.message(for: error))
        }
    }

    @Sendable static func expire(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        let notes = try await request.store.expireProgrammes(actor: Actor(user))
        let total = notes.reduce(Money.zero) { $0 + $1.amount }
        return request.redirect(to: .operatorPayouts, notice: notes.isEmpty
            ? "Aucun programme à clore."
            : "\(notes.count) programme(s) clos, avoirs : \(money(total)).")
    }

    static func batchState(_ batch: PayoutBatch) -> String {
        switch batch.state {
        case .prepared: "prêt, pas encore remis à la banque"
        case .exported: "remis à la banque le " + (batch.exportedAt.map { French.date(CivilDate($0)) } ?? "")
        case .settled: "fait par la banque le " + (batch.settledOn.map(French.date) ?? "")
        }
    }

    static func batchActions(_ request: Request, _ batch: PayoutBatch) -> Node {
        group {
            if batch.file != nil {
                h("a", ["href": SiteURL.operatorSEPA(batch.id).path, "download": "virements-\(batch.month)-\(batch.id).xml"]) { "Fichier SEPA n° \(batch.id)" }
            }
            switch batch.state {
            case .prepared:
                h("form", ["method": "post", "action": SiteURL.operatorBatchExported(batch.id).path, "class": "inline"]) {
                    csrfField(request)
                    h("button", ["type": "submit", "class": "secondary"]) { "Remis à la banque" }
                }
            case .exported:
                h("form", ["method": "post", "action": SiteURL.operatorBatchSettled(batch.id).path, "class": "inline", "novalidate": ""]) {
                    csrfField(request)
                    field("Date des virements n° \(batch.id)", name: "date", id: "date-virement-\(batch.id)", type: "date")
                    h("button", ["type": "submit", "class": "secondary"]) { "Noter comme faits" }
                }
            case .settled:
                group {}
            }
        }
    }

    @Sendable static func sepa(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        // Only a file the payout run wrote: found from the batch's record, never from a name in the request; and only
        // with the SHA-256 its run recorded, so a file changed on disk never reaches the bank.
        let found: (batch: PayoutBatch, data: Data)?
        do {
            found = try await request.store.sepaFile(batch: try request.id())
        } catch let error as PayoutFileError {
            request.logger.error("refused to hand out a payout file: \(error)")
            return Layout.response(Layout.page(title: "Fichier refusé", request: request) {
                h("h1") { "Fichier de virements refusé" }
                h("p", ["role": "alert"]) {
                    "Ce fichier a été modifié depuis sa création : il ne doit pas être remis à la banque. Prévenez l’équipe technique. "
                        + "Une fois le fichier modifié supprimé, il sera recréé à l’identique."
                }
                h("p") { h("a", ["href": SiteURL.operatorPayouts.path]) { "Retour aux remboursements" } }
            }, status: .conflict)
        }
        guard let (batch, document) = found else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "application/xml; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"virements-\(batch.month)-\(batch.id).xml\"")
        return Response(status: .ok, headers: headers, body: .init(data: document))
    }

    @Sendable static func markExported(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        do {
            try await request.store.markExported(batch: try request.id(), actor: Actor(user))
        } catch let error as DomainError {
            return request.redirect(to: .operatorPayouts, notice: "Non enregistré : " + French.message(for: error))
        }
        return request.redirect(to: .operatorPayouts, notice: "Virements notés comme remis à la banque.")
    }

    struct SettleForm: Content { var date: String? }

    @Sendable static func settle(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        guard let date = try request.content.decode(SettleForm.self).date.flatMap(CivilDate.init) else {
            return request.redirect(to: .operatorPayouts, notice: "Non enregistré : indiquez la date des virements (jour, mois, année).")
        }
        do {
            try await request.store.settle(batch: try request.id(), bankDate: date, actor: Actor(user))
        } catch let error as DomainError {
            return request.redirect(to: .operatorPayouts, notice: "Non enregistré : " + French.message(for: error))
        }
        return request.redirect(to: .operatorPayouts, notice: "Virements notés comme faits le \(French.date(date)).")
    }

    struct ReversalForm: Content {
        var serial: String?
        var reason: String?
    }

    @Sendable static func reverse(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        let form = try request.content.decode(ReversalForm.self)
        guard let serial = form.serial.flatMap(CheckSerial.init) else {
            return request.redirect(to: .operatorPayouts, notice: "Non annulé : ce numéro de chèque n’est pas valable.")
        }
        do {
            let reversal = try await request.store.reverse(serial, reason: form.reason ?? "", actor: Actor(user))
            return request.redirect(to: .operatorPayouts, notice: reversal.deducted
                ? "Chèque \(serial.grouped) annulé. \(money(reversal.amount)) seront retenus sur le prochain remboursement du lieu."
                : "Chèque \(serial.grouped) annulé. Il ne sera pas remboursé au lieu.")
        } catch let error as DomainError {
            return request.redirect(to: .operatorPayouts, notice: "Non annulé : " + French.message(for: error))
        }
    }
}
