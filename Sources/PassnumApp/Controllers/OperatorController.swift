import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The operator's pages: funders, places and their qualification, monthly payouts, expiry, journal, verify.
enum OperatorController {
    @Sendable static func home(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        return try await page(request, errors: FormErrors(), name: nil)
    }

    static func page(_ request: Request, errors: FormErrors, name: String?) async throws -> Response {
        let store = request.store
        let funders = try await store.funders()
        let places = try await store.places()
        let programmes = try await store.programmes(of: nil)
        let funderNames = Dictionary(uniqueKeysWithValues: funders.map { ($0.id, $0.name) })
        return Layout.response(Layout.page(title: "Opérateur", request: request) {
            h("h1") { "Espace opérateur" }
            Layout.notice(request)
            h("h2") { "Financeurs" }
            table(caption: "Financeurs", headers: ["Nom"], rows: funders.map { [.text($0.name)] })
            h("form", ["method": "post", "action": SiteURL.operatorFunders.path, "novalidate": ""]) {
                errors.summary
                csrfField(request)
                field("Nom du nouveau financeur", name: "name", value: name, errors: errors, hint: "Par exemple : Département du Nord.")
                h("button", ["type": "submit"]) { "Ajouter le financeur" }
            }
            h("h2") { "Programmes" }
            table(caption: "Programmes de tous les financeurs", headers: ["Programme", "Financeur", "Valable", "Commandes", "État"],
                  rows: programmes.map { row in
                      [.text(row.programme.terms.name), .text(funderNames[row.programme.funder.rawValue] ?? ""),
                       .text("du \(French.date(row.programme.terms.validFrom)) au \(French.date(row.programme.terms.validUntil))"),
                       .text(String(row.orders)), .text(row.programme.expired ? "Clos" : "En cours")]
                  })
            h("h2") { "Lieux" }
            table(caption: "Lieux et habilitation", headers: ["Lieu", "Commune", "État", "Décision"], rows: places.map { place in
                [.text(place.name), .text(place.postcode), .text(French.placeState(place.state) + (place.reason.map { " – " + $0 } ?? "")),
                 stateForm(request, place)]
            })
        })
    }

    static func stateForm(_ request: Request, _ place: PlaceRow) -> Node {
        let moves: [(PlaceState, String)] = [(.qualified, "Habiliter"), (.rejected, "Refuser"), (.suspended, "Suspendre"), (.disqualified, "Retirer")]
        let possible = moves.filter { place.state.canMove(to: $0.0) }
        guard !possible.isEmpty else { return .text("—") }
        return h("form", ["method": "post", "action": SiteURL.operatorPlaceState(place.id.rawValue).path, "class": "inline"]) {
            csrfField(request)
            select("Décision pour " + place.name, name: "state", id: "decision-\(place.id)", options: possible.map { ($0.0.rawValue, $0.1) })
            field("Motif", name: "reason", id: "motif-\(place.id)", required: false)
            h("button", ["type": "submit", "class": "secondary"]) { "Enregistrer" }
        }
    }

    struct NameForm: Content { var name: String? }

    @Sendable static func createFunder(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        let name = try request.content.decode(NameForm.self).name ?? ""
        do {
            _ = try await request.store.createFunder(name: name)
        } catch let error as DomainError {
            var errors = FormErrors()
            errors.add(error)
            return try await page(request, errors: errors, name: name).with(status: .unprocessableEntity)
        }
        return request.redirect(to: .operatorHome, notice: "Financeur ajouté.")
    }

    struct StateForm: Content {
        var state: String?
        var reason: String?
    }

    @Sendable static func changePlaceState(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        let place = PlaceID(try request.id())
        let form = try request.content.decode(StateForm.self)
        guard let target = form.state.flatMap(PlaceState.init(rawValue:)) else { throw Abort(.badRequest) }
        do {
            try await request.store.changePlaceState(place, to: target, reason: form.reason, actor: Actor(user.email))
        } catch let error as DomainError {
            if case .notFound = error { throw Abort(.notFound) }
            return request.redirect(to: .operatorHome, notice: "Non enregistré : " + French.message(for: error))
        }
        return request.redirect(to: .operatorHome, notice: "Décision enregistrée : " + French.placeState(target) + ".")
    }

    // MARK: Applications

    @Sendable static func applications(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        let places = try await request.store.places()
        let waiting = places.filter { $0.state == .submitted }
        return Layout.response(Layout.page(title: "Demandes", request: request) {
            h("h1") { "Demandes d’habilitation" }
            Layout.notice(request)
            table(caption: "Demandes à étudier", headers: ["Lieu", "Code postal"], rows: waiting.map { place in
                [h("a", ["href": SiteURL.operatorPlace(place.id.rawValue).path]) { place.name }, .text(place.postcode)]
            }, empty: "aucune demande en attente.")
            table(caption: "Tous les lieux", headers: ["Lieu", "État"], rows: places.map { place in
                [h("a", ["href": SiteURL.operatorPlace(place.id.rawValue).path]) { place.name }, .text(French.placeState(place.state))]
            })
        })
    }

    @Sendable static func place(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        let id = PlaceID(try request.id())
        let store = request.store
        let application: PlaceApplication
        do { application = try await store.application(of: id) } catch DomainError.notFound { throw Abort(.notFound) }
        let decisions = try await store.decisions(of: id)
        let bankChanges = try await store.bankDetailsChanges(of: id)
        let row = try await store.places().first { $0.id == id }
        return Layout.response(Layout.page(title: application.name, request: request) {
            h("p") { h("a", ["href": SiteURL.operatorApplications.path]) { "Retour aux demandes" } }
            h("h1") { application.name }
            Layout.notice(request)
            h("p", ["role": "status"]) { "État : " + French.placeState(application.state) }
            for step in ApplicationStep.allCases {
                h("h2") { ApplicationController.title(step) }
                if application.steps[step] == nil {
                    h("p") { "Pas encore rempli." }
                } else if step == .documents {
                    h("ul") {
                        for document in application.documents {
                            h("li") { h("a", ["href": SiteURL.operatorDocument(id.rawValue, document.id).path]) { document.filename } }
                        }
                    }
                } else {
                    ApplicationController.summary(step, application: application)
                }
            }
            h("h2") { "Décision" }
            if let row { stateForm(request, row) }
            BankDetailsController.operatorSection(request, place: id, changes: bankChanges)
            table(caption: "Décisions prises", headers: ["Date", "De", "À", "Par", "Motif"], rows: decisions.map {
                [.text(French.dateTime($0.at)), .text(French.placeState($0.from)), .text(French.placeState($0.to)), .text($0.actor), .text($0.reason ?? "")]
            })
        })
    }

    @Sendable static func document(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        guard let documentID = request.parameters.get("document").flatMap(Int64.init),
              let found = try await request.store.document(documentID, of: PlaceID(try request.id()))
        else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: found.document.contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"document-\(documentID)\"")
        return Response(status: .ok, headers: headers, body: .init(data: found.bytes))
    }

    // MARK: Payouts

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
            let result = try await request.store.runPayouts(for: month, actor: Actor(user.email))
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
        let notes = try await request.store.expireProgrammes(actor: Actor(user.email))
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
            try await request.store.markExported(batch: try request.id(), actor: Actor(user.email))
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
            try await request.store.settle(batch: try request.id(), bankDate: date, actor: Actor(user.email))
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
            let reversal = try await request.store.reverse(serial, reason: form.reason ?? "", actor: Actor(user.email))
            return request.redirect(to: .operatorPayouts, notice: reversal.deducted
                ? "Chèque \(serial.grouped) annulé. \(money(reversal.amount)) seront retenus sur le prochain remboursement du lieu."
                : "Chèque \(serial.grouped) annulé. Il ne sera pas remboursé au lieu.")
        } catch let error as DomainError {
            return request.redirect(to: .operatorPayouts, notice: "Non annulé : " + French.message(for: error))
        }
    }

    // MARK: Fees and billing

    @Sendable static func fees(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        return try await feesPage(request, errors: FormErrors(), typed: nil)
    }

    struct FeesForm: Content {
        var kind: String?
        var value: String?
        var subscription: String?
        var reason: String?
    }

    static func feesPage(_ request: Request, errors: FormErrors, typed: FeesForm?) async throws -> Response {
        let schedule = try await request.store.feeSchedule()
        let (kind, value): (String, String) = switch schedule.managementFee {
        case .none: ("none", "")
        case .rate(let basisPoints): ("rate", DecimalText.text(basisPoints, decimals: 2))
        case .fixed(let amount): ("fixed", amount.plainDecimal)
        }
        return Layout.response(Layout.page(title: "Frais", request: request) {
            h("h1") { "Frais de gestion et abonnement" }
            Layout.notice(request)
            h("p") { "Les frais s’appliquent aux commandes créées à partir de maintenant. La TVA de 20 % s’ajoute aux frais, pas à la valeur des chèques." }
            h("form", ["method": "post", "action": SiteURL.operatorFees.path, "novalidate": ""]) {
                errors.summary
                csrfField(request)
                select("Frais de gestion sur les commandes", name: "kind",
                       options: [("none", "Aucun"), ("rate", "Un pourcentage de la valeur des chèques"), ("fixed", "Un montant fixe par commande")],
                       selected: typed?.kind ?? kind)
                field("Pourcentage ou montant", name: "value", value: typed?.value ?? value, errors: errors,
                      hint: "Par exemple 2,5 pour 2,5 %, ou 50 pour 50 € par commande.", required: false)
                field("Abonnement annuel des lieux (€, hors taxes)", name: "subscription",
                      value: typed?.subscription ?? schedule.placeSubscription.plainDecimal, errors: errors, hint: "0 pour aucun abonnement.")
                field("Motif du changement", name: "reason", value: typed?.reason, required: false)
                h("button", ["type": "submit"]) { "Enregistrer les frais" }
            }
        }, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable static func setFees(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        let form = try request.content.decode(FeesForm.self)
        var errors = FormErrors()
        var fee = ManagementFee.none
        switch form.kind {
        case "rate":
            // The range is the domain's rule (FeeSchedule.validate); here only what is not a number.
            if let basisPoints = DecimalText.scaled(form.value ?? "", decimals: 2) { fee = .rate(basisPoints: basisPoints) }
            else { errors.add("value", "Indiquez un pourcentage entre 0 et 100, par exemple 2,5.") }
        case "fixed":
            if let amount = Money(euros: form.value ?? "") { fee = .fixed(amount) }
            else { errors.add("value", "Indiquez un montant en euros, par exemple 50.") }
        default:
            break
        }
        let subscription = Money(euros: form.subscription ?? "")
        if subscription == nil { errors.add("subscription", "Indiquez un montant en euros, par exemple 0 ou 120.") }
        if errors.isEmpty, let subscription {
            do {
                try await request.store.setFeeSchedule(FeeSchedule(managementFee: fee, placeSubscription: subscription), actor: Actor(user.email),
                                                       reason: form.reason.flatMap { $0.isEmpty ? nil : $0 })
                return request.redirect(to: .operatorFees, notice: "Frais enregistrés.")
            } catch let error as DomainError {
                errors.add(error, fields: ["fee": "value"])
            }
        }
        return try await feesPage(request, errors: errors, typed: form)
    }

    @Sendable static func billing(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        let invoices = try await request.store.invoices()
        let notes = try await request.store.creditNotes()
        return Layout.response(Layout.page(title: "Factures et avoirs", request: request) {
            h("h1") { "Factures et avoirs" }
            h("p") { h("a", ["href": SiteURL.operatorFees.path]) { "Frais de gestion et abonnement des lieux" } }
            table(caption: "Factures", headers: DocumentController.invoiceHeaders, rows: DocumentController.invoiceRows(invoices),
                  empty: "aucune facture pour le moment.")
            table(caption: "Avoirs", headers: DocumentController.creditNoteHeaders, rows: DocumentController.creditNoteRows(notes),
                  empty: "aucun avoir pour le moment.")
        })
    }

    // MARK: Journal and verify

    /// Runs the whole verification now and records it; the journal page shows the result.
    @Sendable static func runVerify(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin)
        let run = try await request.store.verifyAndRecord(actor: Actor(user.email))
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

extension Response {
    func with(status: HTTPResponseStatus) -> Response {
        self.status = status
        return self
    }
}
