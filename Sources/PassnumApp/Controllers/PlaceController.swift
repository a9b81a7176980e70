import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A place's pages: validate checks (several at once), undo today's, history, payouts.
enum PlaceController {
    @Sendable static func home(_ request: Request) async throws -> Response {
        let (user, _) = try request.organisation(\.place)
        return try await page(request, user: user, prefill: pendingRows(request))
    }

    /// The validation form, optionally filled (from QR codes, or after a refusal), with the outcome of the last
    /// request and today's validations.
    static func page(_ request: Request, user: SessionUser, prefill: [PresentedCheck], selected: String? = nil, outcome: ValidationOutcome? = nil,
                     errors: FormErrors = FormErrors(), refusals: [Int: String] = [:], status: HTTPResponseStatus = .ok) async throws -> Response {
        guard let place = user.organisation.place else { throw Abort(.forbidden) }
        let model = try await PlaceHomePage.Model.query(store: request.store, place: place)
        let view = PlaceHomePage.View(model: model, context: PageContext(request), key: UUID().uuidString, prefill: prefill, selected: selected,
                                      outcome: outcome, errors: errors, refusals: refusals)
        return Layout.response(view.document, status: status)
    }

    @Sendable static func validate(_ request: Request) async throws -> Response {
        let (user, place) = try request.organisation(\.place)
        var errors = FormErrors()
        // Either a service of the catalogue ("service-ID") or a type of service; shown selected again afterwards.
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
        // The row of each presented check, to put a refusal next to it.
        var rowOfCheck: [Int] = []
        for index in 0..<PlaceHomePage.maximumRows {
            let number = (try? request.content.get(String.self, at: "serial\(index)")) ?? ""
            let code = (try? request.content.get(String.self, at: "code\(index)")) ?? ""
            // A scanned QR code's URL gives both the number and the code.
            guard let (serial, code) = ScannedCheck.read(number: number, code: code) else {
                typed.append(PresentedCheck(serial: "", code: ""))
                errors.add("serial\(index)", "Chèque \(index + 1) : ce numéro est trop long.")
                continue
            }
            typed.append(PresentedCheck(serial: serial, code: code))
            if serial.isEmpty && code.isEmpty { continue }
            if serial.isEmpty { errors.add("serial\(index)", "Chèque \(index + 1) : indiquez le numéro.") }
            if code.isEmpty { errors.add("code\(index)", "Chèque \(index + 1) : indiquez le code.") }
            checks.append(PresentedCheck(serial: serial, code: code))
            rowOfCheck.append(index)
        }
        // Only the rows with something in them come back: the empty ones are added by the view.
        while let last = typed.last, last.serial.isEmpty, last.code.isEmpty { typed.removeLast() }
        if checks.isEmpty && errors.isEmpty { errors.add("serial0", "Indiquez au moins un chèque.") }
        let key = ((try? request.content.get(String.self, at: "key")) ?? "").trimmingCharacters(in: .whitespaces)
        let response: Response
        if errors.isEmpty, let category {
            do {
                let outcome = try await request.store.validate(
                    ValidationRequest(place: place, checks: checks, category: category, key: key.isEmpty ? UUID().uuidString : key, service: service),
                    actor: Actor(user))
                request.metrics.validation(outcome, channel: .web)
                // After a refusal the form keeps what was typed, so only the refused rows need correcting.
                var refusals: [Int: String] = [:]
                for (item, row) in zip(outcome.items, rowOfCheck) { if let refusal = item.refusal { refusals[row] = French.refusal(refusal) } }
                response = try await page(request, user: user, prefill: outcome.accepted ? [] : typed, selected: choice, outcome: outcome,
                                          refusals: refusals, status: outcome.accepted ? .ok : .unprocessableEntity)
            } catch let error as DomainError {
                errors.add(error)
                response = try await page(request, user: user, prefill: typed, selected: choice, errors: errors, status: .unprocessableEntity)
            }
        } else {
            response = try await page(request, user: user, prefill: typed, selected: choice, errors: errors, status: .unprocessableEntity)
        }
        // The rows scanned before are now in the form the place sent: they are no longer pending.
        response.cookies[pendingCookie] = .expired
        return response
    }

    // MARK: Checks scanned one page load at a time

    /// A phone's camera opens one check's URL per page load: each opening adds its check to the rows opened before,
    /// kept in a short-lived cookie (never in the address, which logs keep) until the place sends the form.
    static let pendingCookie = "passnum_desk"

    static func pendingRows(_ request: Request) -> [PresentedCheck] {
        let text = request.cookies[pendingCookie]?.string ?? ""
        guard text.utf8.count <= 40 * PlaceHomePage.maximumRows else { return [] }
        return text.split(separator: ".").prefix(PlaceHomePage.maximumRows).map { entry in
            let (serial, code) = ScannedCheck.payload(entry)
            return PresentedCheck(serial: serial, code: code)
        }
    }

    /// The form with the opened check added to the pending rows (once, however often it is opened).
    static func addScanned(_ request: Request, user: SessionUser, serial: String, code: String) async throws -> Response {
        // Only what a printed URL holds travels in the cookie: digits, letters and the dash between them.
        let clean: (String) -> String = { String($0.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII }.map(Character.init).prefix(16)) }
        let check = PresentedCheck(serial: clean(serial), code: clean(code).uppercased())
        var rows = pendingRows(request)
        var errors = FormErrors()
        if !check.serial.isEmpty, !rows.contains(check) {
            // A full form keeps its rows: the check opened last is refused, never one opened before.
            if rows.count < PlaceHomePage.maximumRows {
                rows.append(check)
            } else {
                errors.add("", "\(PlaceHomePage.maximumRows) chèques au plus : validez d’abord ceux-ci, puis scannez le suivant.")
            }
        }
        let response = try await page(request, user: user, prefill: rows, errors: errors)
        response.cookies[pendingCookie] = Cookies.value(rows.map { $0.serial + "-" + $0.code }.joined(separator: "."),
                                                        secure: request.application.webSettings.secureCookies, maxAge: 30 * 60)
        return response
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
