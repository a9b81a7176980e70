import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

@Suite("Partner API")
struct ApiTests {
    /// One API call; the body is JSON text.
    static func call(_ app: Application, _ method: HTTPMethod, _ path: String, key: String? = nil, body: String? = nil,
                     headers extra: [(String, String)] = []) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders(extra)
        if let key { headers.add(name: .authorization, value: "Bearer " + key) }
        if body != nil { headers.contentType = .json }
        var result: TestingHTTPResponse!
        try await app.testing().test(method, path, headers: headers, body: body.map { ByteBuffer(string: $0) }) { result = $0 }
        return result
    }

    static func json(_ response: TestingHTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    /// The problem's type code, checking that the answer is problem+json.
    static func problem(_ response: TestingHTTPResponse) throws -> String {
        #expect(response.headers.contentType?.serialize() == "application/problem+json")
        let type = try #require(try json(response)["type"] as? String)
        return String(type.dropFirst(Problem.typePrefix.count))
    }

    static func key(_ world: WebWorld, _ organisation: Organisation, _ scopes: [ApiScope]) async throws -> String {
        try await world.store.createApiKey(name: "test", scopes: scopes, organisation: organisation, actor: Actor("test")).secret
    }

    static func checkJSON(_ world: WebWorld, _ serial: CheckSerial, code: String? = nil) -> String {
        #"{"serial":"\#(serial.grouped)","code":"\#(code ?? world.store.secret.securityCode(for: serial).grouped)"}"#
    }

    @Test("Every route of the API is in the OpenAPI document, and every documented operation is a route")
    func documented() async throws {
        let document = try Self.openAPIDocument()
        #expect(document["openapi"] as? String == "3.0.3")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let documented = Set(paths.flatMap { path, operations in operations.keys.map { "\($0.uppercased()) \(path)" } })
        let routed = Set(ApiController.routes.map { "\($0.method.rawValue) " + $0.path.replacingOccurrences(of: ":serial", with: "{serial}") })
        #expect(documented == routed)
        try await WebWorld.with { world in
            let served = try await Self.call(world.app, .GET, "/api/v1/openapi.json")
            #expect(served.status == .ok && served.body.string == OpenAPIDocument.json)
            // The application registered each of them (a route missing there would be a 404 problem).
            for route in ApiController.routes {
                let path = route.path.replacingOccurrences(of: ":serial", with: "100000000001")
                let response = try await Self.call(world.app, route.method, path)
                #expect(response.status != .notFound || route.path.contains(":serial"), "\(route.path)")
            }
            let unknown = try await Self.call(world.app, .GET, "/api/v1/nothing")
            #expect(unknown.status == .notFound)
            #expect(try Self.problem(unknown) == "not-found")
        }
    }

    /// The document as the server reads it: the resource file, through `Bundle.module`.
    static func openAPIDocument() throws -> [String: Any] {
        let text = try #require(OpenAPIDocument.json, "openapi.json is not in the PassnumApp resource bundle")
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The node a local reference (`#/components/schemas/Problem`) points at, if any (RFC 6901 escapes included).
    static func resolve(_ reference: String, in document: [String: Any]) -> Any? {
        guard reference.hasPrefix("#/") else { return nil }
        var node: Any = document
        for token in reference.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = (node as? [String: Any])?[key] else { return nil }
            node = next
        }
        return node
    }

    @Test("The OpenAPI document is JSON, every $ref resolves inside it, every shared component is used, and operations refer to the shared problem responses")
    func documentDescribedOnce() throws {
        let document = try Self.openAPIDocument()
        var references: [String] = []
        func collect(_ node: Any) {
            if let object = node as? [String: Any] {
                if let reference = object["$ref"] as? String { references.append(reference) }
                object.values.forEach(collect)
            } else if let array = node as? [Any] {
                array.forEach(collect)
            }
        }
        collect(document)
        #expect(!references.isEmpty)
        for reference in Set(references) {
            #expect(Self.resolve(reference, in: document) != nil, "unresolved \(reference)")
        }
        let components = try #require(document["components"] as? [String: [String: Any]])
        for (kind, entries) in components where kind != "securitySchemes" {
            for name in entries.keys {
                #expect(references.contains("#/components/\(kind)/\(name)"), "unused component \(kind)/\(name)")
            }
        }
        // Every problem an operation documents is one of components.responses, never written inline again.
        let paths = try #require(document["paths"] as? [String: [String: [String: Any]]])
        for (path, operations) in paths {
            for (method, operation) in operations {
                let responses = try #require(operation["responses"] as? [String: [String: Any]], "\(method) \(path)")
                for (status, response) in responses where (Int(status) ?? 0) >= 400 {
                    let reference = response["$ref"] as? String ?? ""
                    #expect(response.count == 1 && reference.hasPrefix("#/components/responses/"), "\(method) \(path) \(status)")
                }
            }
        }
    }

    @Test("A manager creates a key in the web interface, sees it once, and revokes it; keys only do what their scopes allow")
    func keys() async throws {
        try await WebWorld.with { world in
            var manager = try await Browser.signedIn(world.app, as: world.a[.placeManager]!)
            try await manager.get("/cles-api")
            let refused = try await manager.post("/cles-api", [("name", "Agenda")])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("Cochez au moins un droit."))
            let created = try await manager.post("/cles-api", [("name", "Agenda"), ("scopes[]", "validate"), ("scopes[]", "read_statistics")])
            #expect(created.status == .unprocessableEntity)  // a place cannot read a funder's statistics
            let page = try await manager.post("/cles-api", [("name", "Agenda"), ("scopes[]", "validate")])
            #expect(page.status == .created && page.body.string.contains("elle ne sera plus affichée"))
            let secret = try #require(page.body.string.range(of: #"pn_[A-Za-z0-9_-]{43}"#, options: .regularExpression).map { String(page.body.string[$0]) })
            let placeA = world.placeA.rawValue
            let stored = try await world.store.read { tx in
                try await tx.sql.raw("""
                    SELECT key_hash FROM api_keys WHERE organisation_kind = 'place' AND organisation_id = \(bind: placeA)
                    """).all().map { try $0.string("key_hash") }
            }
            #expect(stored.count == 1 && stored[0] != secret && !stored[0].contains(secret))

            #expect(try await Self.call(world.app, .GET, "/api/v1/validations", key: secret).status == .ok)
            let forbidden = try await Self.call(world.app, .GET, "/api/v1/stock", key: secret)
            #expect(forbidden.status == .forbidden)
            #expect(try Self.problem(forbidden) == "forbidden")
            let anonymous = try await Self.call(world.app, .GET, "/api/v1/payouts")
            #expect(anonymous.status == .unauthorized)
            #expect(try Self.problem(anonymous) == "unauthorized")
            #expect(try await Self.call(world.app, .GET, "/api/v1/payouts", key: secret + "x").status == .unauthorized)

            let list = try await manager.get("/cles-api").body.string
            #expect(list.contains(String(secret.prefix(10))) && !list.contains(secret) && !list.contains("jamais"))
            let id = try await world.store.apiKeys(of: .place(world.placeA))[0].id
            // Another organisation's manager cannot revoke it.
            var other = try await Browser.signedIn(world.app, as: world.b[.placeManager]!)
            try await other.get("/cles-api")
            #expect(try await other.post("/cles-api/\(id)/revocation", [("confirme", "oui")]).status == .notFound)
            #expect(try await other.get("/cles-api/\(id)/revocation").status == .notFound)
            try await manager.get("/cles-api")
            #expect(try await manager.post("/cles-api/\(id)/revocation", [("confirme", "oui")]).status == .seeOther)
            #expect(try await Self.call(world.app, .GET, "/api/v1/validations", key: secret).status == .unauthorized)
            let journal = try await world.store.read { tx in
                try await tx.sql.raw("SELECT reason FROM journal_transactions WHERE kind = 'api_key_changed' ORDER BY id").all()
                    .map { try $0.optionalString("reason") ?? "" }
            }
            // Organisation B's key (made by WebWorld), then this one created and revoked.
            #expect(journal.count == 3 && journal.last == "revoked")
            var agent = try await Browser.signedIn(world.app, as: world.a[.placeAgent]!)
            #expect(try await agent.get("/cles-api").status == .forbidden)
        }
    }

    @Test("Validation needs an Idempotency-Key: the same key and body get the same answer, another body gets 422; the key is checked first",
          arguments: WebWorld.Database.allCases)
    func validation(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            let key = try await Self.key(world, .place(world.placeA), [.validate])
            let body = #"{"checks":[\#(Self.checkJSON(world, world.serialsA[0])),\#(Self.checkJSON(world, world.serialsA[1]))],"category":"outils"}"#
            // Without a key that may validate, the answer says so whatever the request (the key is read in the validation's
            // first statement on PostgreSQL).
            let unknown = try await Self.call(world.app, .POST, "/api/v1/validations", key: "pn_unknown", body: body, headers: [("Idempotency-Key", "x")])
            #expect(unknown.status == .unauthorized)
            #expect(try Self.problem(unknown) == "unauthorized")
            #expect(try await Self.call(world.app, .POST, "/api/v1/validations", body: "{").status == .unauthorized)
            #expect(try await Self.call(world.app, .POST, "/api/v1/validations", key: "pn_unknown", body: #"{"checks":[],"category":"outils"}"#,
                                        headers: [("Idempotency-Key", "x")]).status == .unauthorized)
            let prescriber = try await Self.key(world, .prescriber(world.prescriberA), [.handOut])
            let forbidden = try await Self.call(world.app, .POST, "/api/v1/validations", key: prescriber, body: body, headers: [("Idempotency-Key", "x")])
            #expect(forbidden.status == .forbidden)
            #expect(try Self.problem(forbidden) == "forbidden")
            #expect(try await Self.count(world.store, "SELECT COUNT(*) AS n FROM redemptions") == 0)
            // Too many checks in one request is the request's fault, once the key is known.
            let six = "[" + (0..<6).map { _ in Self.checkJSON(world, world.serialsA[0]) }.joined(separator: ",") + "]"
            #expect(try await Self.call(world.app, .POST, "/api/v1/validations", key: key, body: #"{"checks":\#(six),"category":"outils"}"#,
                                        headers: [("Idempotency-Key", "x")]).status == .unprocessableEntity)
            let missing = try await Self.call(world.app, .POST, "/api/v1/validations", key: key, body: body)
            #expect(missing.status == .badRequest)
            #expect(try Self.problem(missing) == "idempotency-key-required")
            let first = try await Self.call(world.app, .POST, "/api/v1/validations", key: key, body: body, headers: [("Idempotency-Key", "rdv-1")])
            #expect(first.status == .created)
            #expect(try Self.json(first)["total_cents"] as? Int == 2000)
            let again = try await Self.call(world.app, .POST, "/api/v1/validations", key: key, body: body, headers: [("Idempotency-Key", "rdv-1")])
            #expect(again.status == .created && again.body.string == first.body.string)
            #expect(try await Self.count(world.store, "SELECT COUNT(*) AS n FROM redemptions") == 2)
            let other = #"{"checks":[\#(Self.checkJSON(world, world.serialsA[2]))],"category":"outils"}"#
            let reused = try await Self.call(world.app, .POST, "/api/v1/validations", key: key, body: other, headers: [("Idempotency-Key", "rdv-1")])
            #expect(reused.status == .unprocessableEntity)
            #expect(try Self.problem(reused) == "idempotency-key-reused")
            // A refusal is a problem naming each check's reason, and is also replayed as it was.
            let wrong = #"{"checks":[\#(Self.checkJSON(world, world.serialsA[2], code: "0000 0000 0000 0")),\#(Self.checkJSON(world, world.serialsA[3]))],"category":"outils"}"#
            let refused = try await Self.call(world.app, .POST, "/api/v1/validations", key: key, body: wrong, headers: [("Idempotency-Key", "rdv-2")])
            #expect(refused.status == .unprocessableEntity)
            #expect(try Self.problem(refused) == "validation-refused")
            let reasons = (try Self.json(refused)["checks"] as? [[String: String]])?.map { $0["reason"] ?? "" }
            #expect(reasons == ["wrong_code", "not_refused"])
            let replayed = try await Self.call(world.app, .POST, "/api/v1/validations", key: key, body: wrong, headers: [("Idempotency-Key", "rdv-2")])
            #expect(replayed.status == .unprocessableEntity && replayed.body.string == refused.body.string)
            let badJSON = try await Self.call(world.app, .POST, "/api/v1/validations", key: key, body: "{", headers: [("Idempotency-Key", "rdv-3")])
            #expect(badJSON.status == .badRequest)
            #expect(try Self.problem(badJSON) == "invalid-request")
            // Listing, newest first, one page at a time.
            let page1 = try Self.json(try await Self.call(world.app, .GET, "/api/v1/validations?limit=1", key: key))
            let cursor = try #require(page1["next_cursor"] as? String)
            let page2 = try Self.json(try await Self.call(world.app, .GET, "/api/v1/validations?limit=1&cursor=\(cursor)", key: key))
            let serials = [page1, page2].compactMap { ($0["items"] as? [[String: Any]])?.first?["serial"] as? String }
            // One page each (validated together, at the same instant: their order is their redemptions' ids').
            #expect(serials.count == 2 && Set(serials) == [world.serialsA[1].compact, world.serialsA[0].compact])
            #expect(try await Self.call(world.app, .GET, "/api/v1/validations?limit=0", key: key).status == .unprocessableEntity)

            // Status of a check, and undo.
            let status = try await Self.call(world.app, .POST, "/api/v1/check-status", key: key, body: Self.checkJSON(world, world.serialsA[0]))
            #expect(status.status == .ok)
            #expect(try Self.json(status)["state"] as? String == "redeemed")
            let guessed = try await Self.call(world.app, .POST, "/api/v1/check-status", key: key,
                                              body: Self.checkJSON(world, world.serialsA[0], code: "ABCD EFGH JKMN P"))
            #expect(guessed.status == .notFound)
            #expect(try Self.problem(guessed) == "unknown-check")
            #expect(try await Self.call(world.app, .POST, "/api/v1/validations/\(world.serialsA[0].compact)/undo", key: key).status == .ok)
            let twice = try await Self.call(world.app, .POST, "/api/v1/validations/\(world.serialsA[0].compact)/undo", key: key)
            #expect(twice.status == .conflict)
            #expect(try Self.problem(twice) == "not-redeemed-here")
            #expect(try await Self.call(world.app, .GET, "/api/v1/payouts", key: key).status == .ok)
            // Over the key's limit for validations: 429 with Retry-After, and nothing validated.
            world.app.apiLimits = ApiLimits(perKey: 1, perAddress: 100, windowSeconds: 60)
            let limited = try await Self.call(world.app, .POST, "/api/v1/validations", key: key, body: body, headers: [("Idempotency-Key", "rdv-9")])
            #expect(limited.status == .tooManyRequests)
            #expect(try Self.problem(limited) == "rate-limited")
            #expect(limited.headers.first(name: .retryAfter) != nil)
            #expect(try await Self.count(world.store, "SELECT COUNT(*) AS n FROM validation_requests WHERE request_key = 'rdv-9'") == 0)
        }
    }

    @Test("Prescribers read their stock and hand checks out; funders read statistics and export check states, page by page")
    func prescribersAndFunders() async throws {
        try await WebWorld.with { world in
            let booklet = try await world.store.allocate(programme: world.programmeA, prescriber: world.prescriberA, booklets: 1, actor: .system)[0]
            let prescriber = try await Self.key(world, .prescriber(world.prescriberA), [.readStock, .handOut])
            let stock = try Self.json(try await Self.call(world.app, .GET, "/api/v1/stock", key: prescriber))
            #expect((stock["booklets"] as? [[String: Any]])?.contains { $0["id"] as? Int == Int(booklet.rawValue) && $0["available_checks"] as? Int == 10 } == true)
            let handed = try await Self.call(world.app, .POST, "/api/v1/hand-outs", key: prescriber,
                                             body: #"{"booklet_id":\#(booklet),"beneficiary_id":\#(world.beneficiaryA),"checks":3}"#)
            #expect(handed.status == .created)
            #expect(try (Self.json(handed)["serials"] as? [String])?.count == 3)
            let stranger = try await Self.call(world.app, .POST, "/api/v1/hand-outs", key: prescriber,
                                               body: #"{"booklet_id":\#(booklet),"beneficiary_id":\#(world.beneficiaryB)}"#)
            #expect(stranger.status == .notFound)

            let funder = try await Self.key(world, .funder(world.funderA), [.readStatistics])
            let statistics = try Self.json(try await Self.call(world.app, .GET, "/api/v1/statistics", key: funder))
            let programme = try #require((statistics["programmes"] as? [[String: Any]])?.first)
            #expect(programme["checks"] as? Int == 20 && (programme["checks_by_state"] as? [String: Int])?["distributed"] == 13)
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try Self.json(try await Self.call(world.app, .GET, "/api/v1/check-states?limit=7" + (cursor.map { "&cursor=" + $0 } ?? ""), key: funder))
                seen += (page["items"] as? [[String: Any]] ?? []).compactMap { $0["serial"] as? String }
                cursor = page["next_cursor"] as? String
            } while cursor != nil
            #expect(seen.count == 20 && seen == seen.sorted() && seen.contains(world.serialsA[0].compact))
            #expect(try await Self.call(world.app, .GET, "/api/v1/stock", key: funder).status == .forbidden)

            let places = try Self.json(try await Self.call(world.app, .GET, "/api/v1/places?commune=59"))
            #expect((places["places"] as? [[String: Any]])?.isEmpty == false)
            #expect(try await Self.call(world.app, .GET, "/api/v1/places?category=nope").status == .unprocessableEntity)
        }
    }

    @Test("Rate limits count in the database: they hold across two app servers, answer 429 with Retry-After, and reset with the window",
          arguments: WebWorld.Database.allCases)
    func rateLimits(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            world.app.apiLimits = ApiLimits(perKey: 3, perAddress: 100, windowSeconds: 60)
            // A second app server on the same database.
            let second = try await Application.make(.testing)
            do {
                let store = try await Store.open(world.store.configuration, clock: world.clock,
                                                 eventLoopGroup: second.eventLoopGroup, threadPool: second.threadPool)
                second.lifecycle.use(StoreLifecycle(store: store))
                try configure(second, store: store)
                second.apiLimits = world.app.apiLimits
                let key = try await Self.key(world, .place(world.placeA), [.validate])
                let body = Self.checkJSON(world, world.serialsA[5])
                second.apiLimits = ApiLimits(perKey: 3, perAddress: 3, windowSeconds: 60)
                for app in [world.app, second, world.app] {
                    #expect(try await Self.call(app, .POST, "/api/v1/check-status", key: key, body: body).status == .ok)
                }
                let limited = try await Self.call(second, .POST, "/api/v1/check-status", key: key, body: body)
                #expect(limited.status == .tooManyRequests)
                #expect(try Self.problem(limited) == "rate-limited")
                let retry = Int(limited.headers.first(name: .retryAfter) ?? "") ?? 0
                #expect((1...60).contains(retry))
                // Another key from the same address is limited by the address.
                world.app.apiLimits = ApiLimits(perKey: 100, perAddress: 3, windowSeconds: 60)
                let other = try await Self.key(world, .place(world.placeA), [.validate])
                #expect(try await Self.call(world.app, .POST, "/api/v1/check-status", key: other, body: body).status == .tooManyRequests)
                // Failed authentications count against the address as well.
                for attempt in 1...4 {
                    let status = try await Self.call(second, .GET, "/api/v1/payouts", key: "pn_guess\(attempt)").status
                    #expect(status == (attempt <= 3 ? .unauthorized : .tooManyRequests))
                }
                world.clock.advance(seconds: Double(retry))
                #expect(try await Self.call(second, .POST, "/api/v1/check-status", key: key, body: body).status == .ok)
            } catch {
                try await second.asyncShutdown()
                throw error
            }
            try await second.asyncShutdown()
        }
    }

    static func count(_ store: Store, _ query: String) async throws -> Int {
        try await store.read { tx in Int(try await tx.sql.raw(.init(query)).first(decodingColumn: "n", as: Int64.self) ?? -1) }
    }
}
