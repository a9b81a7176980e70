import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The partner API, `/api/v1` (docs: the OpenAPI document at /api/v1/openapi.json). Handlers read the request,
/// check the key's scope and the rate limits, call one store operation and answer JSON; refusals are problems.
enum ApiController {
    struct Route: Sendable {
        let method: HTTPMethod
        /// With `:serial` for a path parameter; the OpenAPI document writes it `{serial}`.
        let path: String
        /// `.public` for the document and the place search; `.apiKey` for the rest (the handler checks the scope).
        var access: Access = .apiKey
        let handler: @Sendable (Request) async throws -> Response
    }

    /// Every operation of the API: registered from this list, and a test checks that each is in the document.
    static let routes: [Route] = [
        Route(method: .GET, path: "/api/v1/openapi.json", access: .public, handler: openAPI(OpenAPIDocument.json)),
        Route(method: .GET, path: "/api/v1/places", access: .public, handler: places),
        Route(method: .POST, path: "/api/v1/check-status", handler: checkStatus),
        Route(method: .POST, path: "/api/v1/validations", handler: validate),
        Route(method: .GET, path: "/api/v1/validations", handler: validations),
        Route(method: .POST, path: "/api/v1/validations/:serial/undo", handler: undo),
        Route(method: .GET, path: "/api/v1/payouts", handler: payouts),
        Route(method: .GET, path: "/api/v1/stock", handler: stock),
        Route(method: .POST, path: "/api/v1/hand-outs", handler: handOut),
        Route(method: .GET, path: "/api/v1/statistics", handler: statistics),
        Route(method: .GET, path: "/api/v1/check-states", handler: checkStates),
    ]

    // MARK: Public

    /// Takes the document rather than reading it, so that it is loaded when the routes are built (at startup).
    static func openAPI(_ document: String?) -> @Sendable (Request) async throws -> Response {
        { _ in
            guard let document else { throw Problem(.internalServerError, "internal-error", "Internal error") }
            var headers = HTTPHeaders()
            headers.contentType = .json
            return Response(status: .ok, headers: headers, body: .init(string: document))
        }
    }

    /// A page of places; `next_cursor` (absent on the last page) is the cursor of the following one, as in the other
    /// lists. `next`, the same value, is what this list answered first: kept for the clients written then.
    struct PlacesOut: Encodable {
        let places: [PlaceOut]
        let nextCursor: String?
        let next: String?
    }

    struct PlaceOut: Encodable {
        let id: PlaceID, name: String, categories: [String], sites: [SiteOut], url: String
        struct SiteOut: Encodable {
            let name: String, address: String, postcode: String, communeCode: String?, communeName: String
            let latitude: Double?, longitude: Double?
        }
    }

    @Sendable static func places(_ request: Request) async throws -> Response {
        try await request.limitPublicRead(.finder)
        var category: ServiceCategory?
        if let code = request.query[String.self, at: "category"], !code.isEmpty {
            guard let known = ServiceCategory(code: code) else {
                throw Problem(.unprocessableEntity, "invalid-request", "Unknown category", detail: "use one of the codes listed in the document")
            }
            category = known
        }
        let search = PlaceSearch(text: request.query[String.self, at: "commune"] ?? "", departement: request.query[String.self, at: "departement"] ?? "",
                                 category: category)
        var limit = PlaceSearch.pageSize
        if let given = request.query[String.self, at: "limit"] {
            guard given.count <= 3, let number = Int(given), (1...PlaceSearch.maximumPageSize).contains(number) else {
                throw Problem(.badRequest, "invalid-request", "Invalid limit", detail: "limit is a whole number from 1 to \(PlaceSearch.maximumPageSize)")
            }
            limit = number
        }
        var cursor: PlaceCursor?
        if let token = request.query[String.self, at: "cursor"] {
            guard let parsed = PlaceCursor(token: token, for: search) else {
                throw Problem(.badRequest, "invalid-request", "Invalid cursor",
                              detail: "cursor is the next_cursor of the previous page, sent with the same search parameters")
            }
            cursor = parsed
        }
        let found = try await request.store.searchPlaces(search, after: cursor, limit: limit)
        let base = request.application.webSettings.publicBaseURL
        return ApiJSON.response(PlacesOut(places: found.places.map { place, _ in
            PlaceOut(id: place.id, name: place.name, categories: place.categories.map(\.code),
                     sites: place.sites.map { .init(name: $0.name, address: $0.address, postcode: $0.postcode, communeCode: $0.communeCode,
                                                    communeName: $0.communeName, latitude: $0.latitude, longitude: $0.longitude) },
                     url: base + SiteURL.place(place.id).path)
        }, nextCursor: found.next?.token, next: found.next?.token))
    }

    // MARK: Any key

    struct CheckIn: Decodable { let serial: String; let code: String }

    struct CheckStatusOut: Encodable {
        let serial: String, state: String, faceValueCents: Int64, funder: String, programme: String, lastDay: String
    }

    /// The status of a check, from its serial and code (sent in the body, so that codes stay out of logs and URLs).
    @Sendable static func checkStatus(_ request: Request) async throws -> Response {
        _ = try await request.apiKey(nil, operation: "check-status")
        let body = try ApiJSON.body(CheckIn.self, of: request)
        let serial: CheckSerial
        switch CheckSerial.parse(body.serial) {
        case .success(let parsed): serial = parsed
        case .failure(.badCheckDigit): throw Problem(.unprocessableEntity, "bad-check-digit", "The serial number has a typo (its check digit does not match)")
        case .failure: throw Problem(.unprocessableEntity, "malformed-serial", "A serial number has 12 digits")
        }
        // A wrong code and an unknown check get the same answer: nothing to learn by guessing.
        guard let code = SecurityCode(typed: body.code), let status = try await request.store.publicStatus(serial: serial, code: code) else {
            throw Problem(.notFound, "unknown-check", "No check has this serial number and security code")
        }
        return ApiJSON.response(CheckStatusOut(serial: serial.compact, state: status.state.rawValue, faceValueCents: status.faceValue.cents,
                                               funder: status.funderName, programme: status.programmeName, lastDay: status.lastDay.description))
    }

    // MARK: Places (scope validate)

    struct ValidationIn: Decodable {
        let checks: [CheckIn]
        let category: String
        let serviceId: ServiceID?
    }

    struct ValidationOut: Encodable {
        let accepted: Bool, totalCents: Int64, checks: [Item]
        struct Item: Encodable { let serial: String; let amountCents: Int64 }
    }

    /// Validates 1 to 5 checks, all or nothing. `Idempotency-Key` is required: the same key with the same body gets
    /// the same answer (and never redeems twice); with another body, 422. The API key is checked in the validation's
    /// first statement (`Store.validate(checks:…presenting:…)`), with the same answers as `Request.apiKey`: a request
    /// whose header or body is wrong is authenticated first, so that it gets 401, 403 or 429 before 400 or 422.
    @Sendable static func validate(_ request: Request) async throws -> Response {
        let idempotencyKey: String, body: ValidationIn, category: ServiceCategory
        do {
            guard let key = request.headers.first(name: "Idempotency-Key")?.trimmingCharacters(in: .whitespaces), (1...200).contains(key.count) else {
                throw Problem(.badRequest, "idempotency-key-required", "An Idempotency-Key header (1 to 200 characters) is required")
            }
            body = try ApiJSON.body(ValidationIn.self, of: request)
            guard let known = ServiceCategory(code: body.category) else {
                throw Problem(.unprocessableEntity, "invalid-request", "Unknown category", detail: "use one of the codes listed in the document")
            }
            (idempotencyKey, category) = (key, known)
        } catch {
            _ = try await request.apiKey(.validate, operation: "validate")
            throw error
        }
        let outcome = try await request.store.validate(
            checks: body.checks.map { PresentedCheck(serial: $0.serial, code: $0.code) }, category: category, key: idempotencyKey,
            service: body.serviceId, presenting: request.apiSecret, counting: request.apiRequestCount("validate")
        ) { found in
            let key = try request.authorized(found, scope: .validate)
            return (try own(key.organisation.place), .apiKey(key.id))
        }
        request.metrics.validation(outcome, channel: .api)
        guard outcome.accepted else {
            var problem = Problem(.unprocessableEntity, "validation-refused", "The checks were not validated",
                                  detail: "Nothing was validated: each refused check says why.")
            problem.checks = outcome.items.map { .init(serial: $0.serial, reason: $0.refusal?.rawValue ?? "not_refused") }
            throw problem
        }
        return ApiJSON.response(ValidationOut(accepted: true, totalCents: outcome.total.cents,
                                              checks: outcome.items.map { .init(serial: $0.serial, amountCents: $0.amount?.cents ?? 0) }),
                                status: .created)
    }

    @Sendable static func undo(_ request: Request) async throws -> Response {
        let key = try await request.apiKey(.validate, operation: "undo")
        guard let serial = request.parameters.get("serial").flatMap(CheckSerial.init) else { throw Problem.notFound }
        try await request.store.undoValidation(of: serial, at: try own(key.organisation.place), actor: .apiKey(key.id))
        return ApiJSON.response(["serial": serial.compact, "state": CheckState.distributed.rawValue])
    }

    struct ItemsOut<Item: Encodable>: Encodable {
        let items: [Item]
        let nextCursor: String?
    }

    /// `limit` (1–100, default 50) and `cursor` (opaque: the `next_cursor` of the previous page of this listing). A
    /// limit out of range is a 422; a cursor this listing did not give, a 400.
    static func paging(_ request: Request, _ listing: Listing) throws -> PageRequest {
        let limit = try request.query[String.self, at: "limit"].map { text -> Int in
            guard text.utf8.count <= 3, let value = Int(text), (1...PageRequest.maximumLimit).contains(value) else {
                throw Problem(.unprocessableEntity, "invalid-request", "limit must be between 1 and \(PageRequest.maximumLimit)")
            }
            return value
        } ?? PageRequest.defaultLimit
        let cursor = try request.query[String.self, at: "cursor"].map { token -> Cursor in
            guard let cursor = Cursor(token: token, for: listing) else {
                throw Problem(.badRequest, "invalid-request", "Invalid cursor", detail: "cursor is the next_cursor of the previous page of this list")
            }
            return cursor
        }
        return PageRequest(after: cursor, limit: limit)
    }

    struct ValidationRecordOut: Encodable {
        let serial: String, validatedAt: Date, category: String?, amountCents: Int64, cancelled: Bool, checkState: String
    }

    @Sendable static func validations(_ request: Request) async throws -> Response {
        let key = try await request.apiKey(.validate, operation: "list-validations")
        let page = try await request.store.validations(at: try own(key.organisation.place), try paging(request, .validations))
        return ApiJSON.response(ItemsOut(items: page.rows.map {
            ValidationRecordOut(serial: $0.serial.compact, validatedAt: $0.validatedAt, category: $0.category?.code, amountCents: $0.amount.cents,
                                cancelled: $0.cancelled, checkState: $0.checkState.rawValue)
        }, nextCursor: page.next?.token))
    }

    struct PayoutsOut: Encodable {
        let payouts: [PayoutOut]
        let nextCursor: String?
    }

    struct PayoutOut: Encodable {
        let id: PayoutID, month: String, checks: Int, amountCents: Int64, state: String, preparedAt: Date
    }

    @Sendable static func payouts(_ request: Request) async throws -> Response {
        let key = try await request.apiKey(.validate, operation: "payouts")
        let page = try await request.store.payouts(of: try own(key.organisation.place), try paging(request, .payouts))
        return ApiJSON.response(PayoutsOut(payouts: page.rows.map {
            PayoutOut(id: $0.id, month: $0.period, checks: $0.checks, amountCents: $0.amount.cents, state: $0.state.rawValue, preparedAt: $0.createdAt)
        }, nextCursor: page.next?.token))
    }

    // MARK: Prescribers (scopes read_stock, hand_out)

    struct StockOut: Encodable {
        let booklets: [BookletOut]
        let nextCursor: String?
    }

    struct BookletOut: Encodable { let id: BookletID, programme: String, availableChecks: Int, totalChecks: Int }

    @Sendable static func stock(_ request: Request) async throws -> Response {
        let key = try await request.apiKey(.readStock, operation: "stock")
        let page = try await request.store.booklets(of: try own(key.organisation.prescriber), try paging(request, .booklets))
        return ApiJSON.response(StockOut(booklets: page.rows.map {
            BookletOut(id: $0.id, programme: $0.programmeName, availableChecks: $0.available, totalChecks: $0.total)
        }, nextCursor: page.next?.token))
    }

    /// `targetPublic`: a `TargetPublic` code the programme declares, or absent for none (refused otherwise, as on the form).
    struct HandOutIn: Decodable { let bookletId: BookletID; let beneficiaryId: BeneficiaryID; let checks: Int?; let targetPublic: String? }

    @Sendable static func handOut(_ request: Request) async throws -> Response {
        let key = try await request.apiKey(.handOut, operation: "hand-out")
        let body = try ApiJSON.body(HandOutIn.self, of: request)
        let serials = try await request.store.handOut(booklet: body.bookletId, checks: body.checks,
                                                      to: body.beneficiaryId, by: try own(key.organisation.prescriber),
                                                      targetPublic: try TargetPublic.parse(body.targetPublic))
        return ApiJSON.response(["serials": serials.map(\.compact)], status: .created)
    }

    // MARK: Funders (scope read_statistics)

    struct ProgrammeOut: Encodable {
        let id: ProgrammeID, name: String, faceValueCents: Int64, checks: Int, checksByState: [String: Int], valueByStateCents: [String: Int64]
    }

    @Sendable static func statistics(_ request: Request) async throws -> Response {
        let key = try await request.apiKey(.readStatistics, operation: "statistics")
        let statistics = try await request.store.programmeStatistics(of: try own(key.organisation.funder))
        return ApiJSON.response(["programmes": statistics.map { programme in
            ProgrammeOut(id: programme.programme, name: programme.name, faceValueCents: programme.faceValue.cents, checks: programme.checks,
                         checksByState: Dictionary(uniqueKeysWithValues: CheckState.allCases.map { ($0.rawValue, programme.checksByState[$0] ?? 0) }),
                         valueByStateCents: Dictionary(uniqueKeysWithValues: CheckState.allCases.map {
                             ($0.rawValue, programme.faceValue.cents * Int64(programme.checksByState[$0] ?? 0))
                         }))
        }])
    }

    struct CheckStateOut: Encodable {
        let serial: String, programmeId: ProgrammeID, bookletId: BookletID, state: String, distributedAt: Date?, redeemedAt: Date?, placeId: PlaceID?
    }

    @Sendable static func checkStates(_ request: Request) async throws -> Response {
        let key = try await request.apiKey(.readStatistics, operation: "check-states")
        let page = try await request.store.checkStates(of: try own(key.organisation.funder), try paging(request, .checkStates))
        return ApiJSON.response(ItemsOut(items: page.rows.map {
            CheckStateOut(serial: $0.serial.compact, programmeId: $0.programme, bookletId: $0.booklet, state: $0.state.rawValue,
                          distributedAt: $0.distributedAt, redeemedAt: $0.redeemedAt, placeId: $0.place)
        }, nextCursor: page.next?.token))
    }
}

extension ApiController {
    /// The key's organisation, of the kind the operation is for: a key of another kind is refused, never a crash.
    static func own<ID>(_ id: ID?) throws -> ID {
        guard let id else { throw Problem(.forbidden, "forbidden", "This key's organisation cannot use this operation") }
        return id
    }
}
