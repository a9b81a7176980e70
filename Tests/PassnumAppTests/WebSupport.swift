import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// Two of every kind of organisation, each with its users, on a fresh SQLite store behind the web app.
struct WebWorld {
    let app: Application
    let store: Store
    let clock: ManualClock
    /// Users by role, for organisation A and organisation B.
    var a: [Role: String] = [:]
    var b: [Role: String] = [:]
    var funderA = FunderID(0), funderB = FunderID(0)
    var programmeA = ProgrammeID(0), programmeB = ProgrammeID(0)
    var prescriberA = PrescriberID(0), prescriberB = PrescriberID(0)
    var placeA = PlaceID(0), placeB = PlaceID(0)
    var beneficiaryA = BeneficiaryID(0), beneficiaryB = BeneficiaryID(0)
    var orderA = OrderID(0), orderB = OrderID(0)
    var serialsA: [CheckSerial] = []
    var serviceB = ServiceID(0)
    var invoiceB = InvoiceID(0)
    /// Place B's API key and its pending bank details change: real records the isolation matrix aims at.
    var apiKeyB = ApiKeyID(0)
    var bankChangeB = BankDetailsChangeID(0)
    /// Place B's manager's account: the team and account pages' matrix aims at it.
    var managerB = UserID(0)

    static let password = "mot-de-passe-de-test"

    /// The database a web test runs on: SQLite by default, or a scratch PostgreSQL database on the server scripts/test starts.
    enum Database: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// Runs `body` with a configured application on a temporary data directory (and a scratch PostgreSQL database).
    static func with(_ database: Database = .sqlite, _ body: (inout WebWorld) async throws -> Void) async throws {
        let clock = ManualClock(CivilDate("2026-03-02")!.start.addingTimeInterval(10 * 3600))
        try await withApp(database, name: "web", clock: clock) { app, store in
            var world = WebWorld(app: app, store: store, clock: clock)
            try await world.populate()
            try await body(&world)
        }
    }

    /// A configured application on a fresh store of `database` in a temporary data directory (for `.postgres`, a scratch
    /// database named after `name`), shut down, removed and dropped once `body` returns or throws.
    static func withApp<T>(_ database: Database, name: String, clock: any PassnumClock = SystemClock(), logLevel: Logger.Level = .warning,
                           _ body: (Application, Store) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-\(name)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var location: DatabaseLocation?
        var scratch: (name: String, server: String)?
        if database == .postgres {
            let server = try #require(ProcessInfo.processInfo.environment["PASSNUM_POSTGRES_SERVER_URL"],
                                      "PASSNUM_POSTGRES_SERVER_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
            let name = "passnum_\(name)_\(ProcessInfo.processInfo.processIdentifier)_\(UInt32.random(in: 0...UInt32.max))"
            location = .postgres(url: try await PostgresScratch.create(name, on: server))
            scratch = (name, server)
        }
        let app = try await Application.make(.testing)
        let result: T
        do {
            var logger = Logger(label: "test")
            logger.logLevel = logLevel
            app.logger.logLevel = logLevel
            var configuration = StoreConfiguration(dataDirectory: directory, location: location)
            configuration.statementFile = StatementWording.csv
            let store = try await Store.open(configuration, clock: clock,
                                             eventLoopGroup: app.eventLoopGroup, threadPool: app.threadPool, logger: logger)
            app.lifecycle.use(StoreLifecycle(store: store))
            try configure(app, store: store)
            result = try await body(app, store)
        } catch {
            try await app.asyncShutdown()
            if let scratch { try? await PostgresScratch.drop(scratch.name, on: scratch.server) }
            throw error
        }
        try await app.asyncShutdown()
        if let scratch { try await PostgresScratch.drop(scratch.name, on: scratch.server) }
        return result
    }

    mutating func populate() async throws {
        let hash = try Bcrypt.hash(Self.password, cost: 4)
        for side in ["a", "b"] {
            let funder = try await store.createFunder(name: "Financeur \(side.uppercased())")
            let programme = try await store.createProgramme(funder: funder, terms: ProgrammeTerms(
                name: "Programme secret \(side.uppercased())", validFrom: CivilDate("2026-03-01")!, validUntil: CivilDate("2026-06-30")!,
                perimeter: Perimeter(departements: [DepartementCode("59")!]), shares: [CoFundingShare(cofunder: "État", percent: 100)]))
            let prescriber = try await store.createPrescriber(name: "Prescripteur \(side.uppercased())", commune: CommuneCode("59350")!)
            try await store.setQuota(programme: programme, prescriber: prescriber, booklets: 10, actor: .system)
            let place = try await store.createPlace(NewPlace(name: "Lieu \(side.uppercased())", commune: CommuneCode("59350")!, postcode: "59000"))
            try await store.changePlaceState(place, to: .qualified)
            try await store.requestAffiliation(place: place, funder: funder)
            try await store.decideAffiliation(place: place, funder: funder, approve: true)
            let order = try await store.createOrder(programme: programme, booklets: 2, actor: .system)
            try await store.carry(order, to: .fulfilled)
            let booklet = try await store.allocate(programme: programme, prescriber: prescriber, booklets: 1, actor: .system)[0]
            let person = try await store.createBeneficiary(NewBeneficiary(
                firstName: "Personne", lastName: "Secrète \(side.uppercased())", birthYear: 1950, commune: CommuneCode("59350")!,
                consentDate: CivilDate("2026-03-02")!), prescriber: prescriber)
            let serials = try await store.handOut(booklet: booklet, to: person, by: prescriber)
            var users: [Role: String] = [:]
            for (role, organisation) in [(Role.operatorAdmin, Organisation.operator), (.funderManager, .funder(funder)),
                                         (.prescriberAgent, .prescriber(prescriber)), (.placeManager, .place(place)), (.placeAgent, .place(place))] {
                let email = "\(role.rawValue)-\(side)@test.fr"
                let id = try await store.createUser(email: email, name: "\(role.rawValue) \(side)", passwordHash: hash, role: role, organisation: organisation)
                users[role] = email
                if side == "b" && role == .placeManager { managerB = id }
            }
            if side == "a" {
                (a, funderA, programmeA, prescriberA, placeA, beneficiaryA, orderA, serialsA) = (users, funder, programme, prescriber, place, person, order, serials)
            } else {
                (b, funderB, programmeB, prescriberB, placeB, beneficiaryB, orderB) = (users, funder, programme, prescriber, place, person, order)
                invoiceB = try await store.invoices(funder: funder).rows.first?.id ?? 0
                serviceB = try await store.addService(NewService(category: .everydayTools, title: "Service secret B", description: "B",
                                                                 durationMinutes: 60, priceChecks: 1), place: place)
                let placeStaff = Actor(users[.placeManager] ?? "", organisation: .place(place))
                apiKeyB = try await store.createApiKey(name: "Caisse B", scopes: [.validate], organisation: .place(place), actor: placeStaff).key.id
                bankChangeB = try await store.proposeBankDetails(ApplicationData.Bank(holder: "Lieu B", iban: "FR7630001007941234567890185", bic: "AGRIFRPP"),
                                                                 place: place, reason: "compte de B", actor: placeStaff).id
            }
        }
    }
}

/// A browser-like client: keeps cookies, finds the CSRF token in the last page.
struct Browser {
    let app: Application
    var cookies: [String: String] = [:]
    var lastBody = ""

    init(_ app: Application) { self.app = app }

    var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

    mutating func remember(_ response: TestingHTTPResponse) {
        for (name, value) in response.headers.setCookie?.all ?? [:] {
            if value.expires.map({ $0 < Date() }) == true || value.string.isEmpty { cookies[name] = nil } else { cookies[name] = value.string }
        }
        lastBody = response.body.string
    }

    /// The CSRF token of the last page's forms.
    var csrf: String {
        guard let range = lastBody.range(of: "name=\"_csrf\" value=\"") else { return "" }
        return String(lastBody[range.upperBound...].prefix { $0 != "\"" })
    }

    @discardableResult
    mutating func get(_ path: String) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse!
        try await app.testing().test(.GET, path, headers: ["Cookie": cookieHeader]) { result = $0 }
        remember(result)
        return result
    }

    /// Posts a form; the CSRF token is the last page's unless `csrf` is given.
    @discardableResult
    mutating func post(_ path: String, _ fields: [(String, String)], csrf: String? = nil) async throws -> TestingHTTPResponse {
        let token = csrf ?? self.csrf
        let body = (fields + [("_csrf", token)]).map { key, value in
            "\(key.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        }.joined(separator: "&")
        var result: TestingHTTPResponse!
        try await app.testing().test(.POST, path, headers: ["Cookie": cookieHeader, "Content-Type": "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: body)) { result = $0 }
        remember(result)
        return result
    }

    /// Posts a multipart form with one file.
    @discardableResult
    mutating func upload(_ path: String, field: String, filename: String, bytes: [UInt8]) async throws -> TestingHTTPResponse {
        let boundary = "passnum-test-boundary"
        var body = ByteBuffer()
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n")
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\n")
        body.writeString("Content-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var result: TestingHTTPResponse!
        try await app.testing().test(.POST, path, headers: ["Cookie": cookieHeader, "Content-Type": "multipart/form-data; boundary=\(boundary)"],
                                     body: body) { result = $0 }
        remember(result)
        return result
    }

    /// Signs in and returns the browser with its session.
    static func signedIn(_ app: Application, as email: String) async throws -> Browser {
        var browser = Browser(app)
        try await browser.get("/connexion")
        let response = try await browser.post("/connexion", [("email", email), ("password", WebWorld.password)])
        #expect(response.status == .seeOther, "sign-in of \(email) failed: \(response.body.string.prefix(300))")
        return browser
    }
}

extension Store {
    /// Carries an order to `target` playing both parties: the funder's steps as its funder, the operator's as the
    /// operator, one payment of the invoice total.
    func carry(_ order: OrderID, to target: OrderState) async throws {
        let funder = try await programme(try await self.order(order).programme).funder
        try await carryOrder(order, to: target, funder: Actor("funder \(funder)", organisation: .funder(funder)), operator: .system)
    }
}

extension WebWorld {
    /// What a route's path parameter is an id of, told by the path segment before it, and organisation B's record
    /// of that kind (or an id that exists nowhere). `directory` is true where the record is not B's own data but
    /// a directory entry anyone of the role may act on (a place asks any funder to accept it).
    func foreignValue(after segment: String, parameter: String) -> (value: String, directory: Bool)? {
        switch (segment, parameter) {
        case ("commandes", "id"): (String(orderB.rawValue), false)
        case ("lieux", "id"): (String(placeB.rawValue), false)
        case ("programmes", "id"): (String(programmeB.rawValue), false)
        case ("beneficiaires", "id"): (String(beneficiaryB.rawValue), false)
        case ("catalogue", "id"): (serviceB.description, false)
        case ("factures", "id"): (invoiceB.description, false)
        case ("financeurs", "id"): (String(funderB.rawValue), true)
        case ("cles-api", "id"): (apiKeyB.description, false)
        case ("banque", "id"): (bankChangeB.description, false)
        case ("avoirs", "id"), ("virements", "id"), ("releves", "id"), ("documents", "document"), ("courriels", "id"):
            ("999999", false)
        case ("c", "code"): ("00000000000-AAAAAAAAAAAAA", false)
        case ("mot-de-passe", "token"), ("invitation", "token"): ("jeton-inconnu", false)
        case ("equipe", "id"), ("comptes", "id"): (managerB.description, false)
        case ("candidature", "step"): ("organisation", false)
        default: nil
        }
    }

    /// The route's path with its parameters filled by `foreignValue`, or nil (and a recorded issue) when a
    /// parameter is of a kind the table above does not know yet.
    func foreignPath(_ route: Vapor.Route) -> (path: String, directory: Bool)? {
        var segments: [String] = []
        var directory = false
        for component in route.path {
            switch component {
            case .constant(let text): segments.append(text)
            case .parameter(let name):
                guard let value = foreignValue(after: segments.last ?? "", parameter: name) else {
                    Issue.record("\(route): add the kind of :\(name) after \"\(segments.last ?? "")\" to WebWorld.foreignValue")
                    return nil
                }
                segments.append(value.value)
                directory = directory || value.directory
            default:
                Issue.record("\(route): unexpected path component \(component)")
                return nil
            }
        }
        return ("/" + segments.joined(separator: "/"), directory)
    }
}
