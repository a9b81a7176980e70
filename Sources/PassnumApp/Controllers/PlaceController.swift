import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A place's pages: validate checks (several at once), undo today's, history, payouts.
enum PlaceController {
    @Sendable static func home(_ request: Request) async throws -> Response {
        let (user, _) = try request.organisation(\.place)
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
        let (user, place) = try request.organisation(\.place)
        var errors = FormErrors()
        // Either a service of the catalogue ("service-ID") or a type of service.
        let choice = (try? request.content.get(String.self, at: "category")) ?? ""
        var service: ServiceID? = nil
        var category = ServiceCategory(code: choice)
        if choice.hasPrefix("service-"), let id = ServiceID(text: String(choice.dropFirst(8))),
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
        let (user, place) = try request.organisation(\.place)
        guard let serial = (try? request.content.get(String.self, at: "serial")).flatMap(CheckSerial.init) else { throw Abort(.badRequest) }
        return try await request.redirect(to: .placeHome, refused: "Non annulé") {
            try await request.store.undoValidation(of: serial, at: place, actor: Actor(user))
            return "Validation du chèque \(serial.grouped) annulée."
        }
    }

    @Sendable static func history(_ request: Request) async throws -> Response {
        let (_, place) = try request.organisation(\.place)
        let model = try await PlaceHistoryPage.Model.query(store: request.store, place: place, page: ListingPageQuery(request, .validations))
        return Layout.response(PlaceHistoryPage.View(model: model, context: PageContext(request)).document)
    }

    @Sendable static func statement(_ request: Request) async throws -> Response {
        let (_, place) = try request.organisation(\.place)
        guard let model = try await PlaceStatementPage.Model.query(store: request.store, place: place, payout: try request.id(PayoutID.self)) else {
            throw Abort(.notFound)
        }
        return Layout.response(PlaceStatementPage.View(model: model, context: PageContext(request)).document)
    }

    @Sendable static func statementCSV(_ request: Request) async throws -> Response {
        let (_, place) = try request.organisation(\.place)
        guard let statement = try await request.store.statement(payout: try request.id(PayoutID.self), place: place) else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"releve-\(statement.period).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: StatementWording.csv(statement)))
    }

    @Sendable static func payouts(_ request: Request) async throws -> Response {
        let (user, place) = try request.organisation(\.place)
        let model = try await PlacePayoutsPage.Model.query(store: request.store, place: place, withInvoices: user.role == .placeManager,
                                                           page: ListingPageQuery(request, .payouts))
        return Layout.response(PlacePayoutsPage.View(model: model, context: PageContext(request)).document)
    }
}
