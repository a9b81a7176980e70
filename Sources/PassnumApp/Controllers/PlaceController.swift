import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A place's pages: validate checks (several at once), undo today's, history, payouts.
enum PlaceController {
    static func place(_ request: Request) throws -> (SessionUser, PlaceID) {
        let user = try request.requireUser(.placeManager, .placeAgent)
        guard let place = user.organisation.place else { throw Abort(.forbidden) }
        return (user, place)
    }

    @Sendable static func home(_ request: Request) async throws -> Response {
        let (user, _) = try place(request)
        return try await page(request, user: user, prefill: [])
    }

    /// The validation form, optionally filled (from a QR code, or after a refusal), with the outcome of the
    /// last request and today's validations.
    static func page(_ request: Request, user: SessionUser, prefill: [PresentedCheck], category: ServiceCategory? = nil,
                     outcome: ValidationOutcome? = nil, errors: FormErrors = FormErrors(), status: HTTPResponseStatus = .ok) async throws -> Response {
        guard let place = user.organisation.place else { throw Abort(.forbidden) }
        let model = try await PlaceHomePage.Model.query(store: request.store, place: place)
        let view = PlaceHomePage.View(model: model, context: PageContext(request), key: UUID().uuidString, prefill: prefill, category: category,
                                      outcome: outcome, errors: errors)
        return Layout.response(view.document, status: status)
    }

    @Sendable static func validate(_ request: Request) async throws -> Response {
        let (user, place) = try place(request)
        var errors = FormErrors()
        // Either a service of the catalogue ("service-ID") or a type of service.
        let choice = (try? request.content.get(String.self, at: "category")) ?? ""
        var service: Int64? = nil
        var category = ServiceCategory(code: choice)
        if choice.hasPrefix("service-"), let id = Int64(choice.dropFirst(8)),
           let chosen = try await request.store.services(of: place, activeOnly: true).first(where: { $0.id == id }) {
            service = id
            category = chosen.category
        }
        if category == nil { errors.add("category", "Choisissez le service rendu.") }
        var checks: [PresentedCheck] = []
        var typed: [PresentedCheck] = []
        for index in 0..<PlaceHomePage.rows {
            let serial = ((try? request.content.get(String.self, at: "serial\(index)")) ?? "").trimmingCharacters(in: .whitespaces)
            let code = ((try? request.content.get(String.self, at: "code\(index)")) ?? "").trimmingCharacters(in: .whitespaces)
            typed.append(PresentedCheck(serial: serial, code: code))
            if serial.isEmpty && code.isEmpty { continue }
            if serial.isEmpty { errors.add("serial\(index)", "Chèque \(index + 1) : indiquez le numéro.") }
            if code.isEmpty { errors.add("code\(index)", "Chèque \(index + 1) : indiquez le code.") }
            checks.append(PresentedCheck(serial: serial, code: code))
        }
        if checks.isEmpty && errors.isEmpty { errors.add("serial0", "Indiquez au moins un chèque.") }
        let key = ((try? request.content.get(String.self, at: "key")) ?? "").trimmingCharacters(in: .whitespaces)
        guard errors.isEmpty, let category else {
            return try await page(request, user: user, prefill: typed, category: category, errors: errors, status: .unprocessableEntity)
        }
        let outcome: ValidationOutcome
        do {
            outcome = try await request.store.validate(
                ValidationRequest(place: place, checks: checks, category: category, key: key.isEmpty ? UUID().uuidString : key, service: service),
                actor: Actor(user))
        } catch let error as DomainError {
            errors.add(error)
            return try await page(request, user: user, prefill: typed, category: category, errors: errors, status: .unprocessableEntity)
        }
        // After a refusal the form keeps what was typed, so only the refused lines need correcting.
        return try await page(request, user: user, prefill: outcome.accepted ? [] : typed, category: category, outcome: outcome,
                              status: outcome.accepted ? .ok : .unprocessableEntity)
    }

    @Sendable static func undo(_ request: Request) async throws -> Response {
        let (user, place) = try place(request)
        guard let serial = (try? request.content.get(String.self, at: "serial")).flatMap(CheckSerial.init) else { throw Abort(.badRequest) }
        do {
            try await request.store.undoValidation(of: serial, at: place, actor: Actor(user))
        } catch let error as DomainError {
            return request.redirect(to: .placeHome, notice: "Non annulé : " + French.message(for: error))
        }
        return request.redirect(to: .placeHome, notice: "Validation du chèque \(serial.grouped) annulée.")
    }

    @Sendable static func history(_ request: Request) async throws -> Response {
        let (_, place) = try place(request)
        let since = CivilDate(request.store.clock.now).adding(days: -90).start
        let rows = try await request.store.validations(at: place, since: since)
        return Layout.response(Layout.page(title: "Historique", request: request) {
            h("h1") { "Historique des validations" }
            table(caption: "Validations des 90 derniers jours", headers: ["Numéro", "Date", "Service", "Montant", "État"], rows: rows.map { row in
                [.text(row.check.serial.grouped), .text(row.check.at.map(French.dateTime) ?? ""),
                 .text(row.check.category.map { French.categoryShort[$0] ?? $0.rawValue } ?? ""), .text(money(row.check.amount)),
                 .text(row.undone ? "Annulée" : French.state(row.check.state))]
            })
        })
    }

    @Sendable static func statement(_ request: Request) async throws -> Response {
        let (_, place) = try place(request)
        let id = try request.id()
        guard let statement = try await request.store.statement(payout: id, place: place) else { throw Abort(.notFound) }
        return Layout.response(Layout.page(title: "Relevé", request: request) {
            h("h1") { "Relevé de remboursement – " + (Month(statement.period).map(French.month) ?? statement.period) }
            h("p") {
                "Chèques : " + money(statement.gross) + " pour \(statement.lines.count) chèque(s). "
                h("a", ["href": SiteURL.placeStatementCSV(id).path]) { "Télécharger (CSV)" }
            }
            if !statement.deductions.isEmpty {
                table(caption: "Retenues", headers: ["Motif", "Montant"], rows: statement.deductions.map { [.text(StatementWording.deduction($0)), .text(money($0.amount))] })
            }
            h("p") { h("strong") { "Virement : " + money(statement.net) + " – " + payoutState(statement.state) } }
            table(caption: "Par financeur", headers: ["Financeur", "Montant"], rows: statement.totalsByFunder.map { [.text($0.funder), .text(money($0.amount))] })
            table(caption: "Chèques remboursés", headers: ["Numéro", "Utilisé le", "Service", "Financeur", "Montant"], rows: statement.lines.map {
                [.text($0.serial.grouped), .text(French.date(CivilDate($0.redeemedAt))), .text($0.category.map { French.categoryShort[$0] ?? $0.rawValue } ?? ""),
                 .text($0.funder), .text(money($0.amount))]
            })
        })
    }

    @Sendable static func statementCSV(_ request: Request) async throws -> Response {
        let (_, place) = try place(request)
        let id = try request.id()
        guard let statement = try await request.store.statement(payout: id, place: place) else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"releve-\(statement.period).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: StatementWording.csv(statement)))
    }

    static func payoutState(_ state: PayoutBatch.State) -> String {
        switch state {
        case .prepared: "en préparation"
        case .exported: "envoyé à la banque"
        case .settled: "fait"
        }
    }

    @Sendable static func payouts(_ request: Request) async throws -> Response {
        let (user, place) = try place(request)
        let rows = try await request.store.payouts(of: place)
        let invoices = user.role == .placeManager ? try await request.store.invoices(place: place) : []
        return Layout.response(Layout.page(title: "Remboursements", request: request) {
            h("h1") { "Remboursements reçus" }
            h("p") { "Chaque mois, les chèques validés le mois précédent sont remboursés." }
            table(caption: "Remboursements", headers: ["Mois", "Chèques", "Virement", "État", "Préparé le"], rows: rows.map { row in
                [h("a", ["href": SiteURL.placeStatement(row.id).path]) { Month(row.period).map(French.month) ?? row.period },
                 .text(String(row.checks)), .text(money(row.amount)), .text(payoutState(row.state)),
                 .text(French.date(CivilDate(row.createdAt)))]
            })
            if !invoices.isEmpty {
                table(caption: "Factures d’abonnement", headers: DocumentController.invoiceHeaders, rows: DocumentController.invoiceRows(invoices))
            }
        })
    }
}
