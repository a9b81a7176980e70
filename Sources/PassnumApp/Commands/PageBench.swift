import Foundation
import NIOCore
import PassnumDomain
import PassnumPersistence
import Vapor

/// Every GET page and API read of every role, requested in this process through the application's whole responder
/// (middlewares, sessions, access, handlers, the body collected to its last byte), signed in as one account of each
/// role. For each request: its time, its size and the SQL statements it sent (the store's counter, read before and
/// after: requests run one at a time). `passnum bench-pages` prints the figures; a test compares statement counts on
/// two sizes of data.
struct PageBench {
    struct Target: Sendable {
        let role: String
        let path: String
        var headers: HTTPHeaders = [:]
        /// The status a working application answers.
        var expected: UInt = 200
        var label: String { path }
    }

    struct Measure: Sendable {
        let target: Target
        let status: UInt
        /// Milliseconds, sorted.
        let times: [Double]
        let statements: ClosedRange<Int>
        let bytes: Int

        func percentile(_ share: Double) -> Double {
            guard !times.isEmpty else { return 0 }
            return times[min(times.count - 1, max(0, Int((share * Double(times.count)).rounded(.up)) - 1))]
        }
    }

    /// The accounts signed in with: by default those `seed-national` creates.
    struct Logins: Sendable {
        var operatorAdmin = NationalSeed.operatorEmail
        var funder = NationalSeed.funderEmail(0)
        var prescriber = NationalSeed.agentEmail(0)
        var place = NationalSeed.placeEmail(0)
        var password = NationalSeed.password
    }

    let app: Application
    var store: Store { app.store }

    /// What the benchmark and the test request, each with its role's session or API key. Raises the public and API
    /// rate limits of this application (the benchmark is one client asking fast), signs in, creates one API key per
    /// organisation (a row and a journal event each).
    func targets(_ logins: Logins = Logins(), includePrintFiles: Bool = false) async throws -> [Target] {
        app.apiLimits.perKey = 1_000_000_000
        app.apiLimits.perAddress = 1_000_000_000
        for kind in app.publicLimits.perWindow.keys { app.publicLimits.perWindow[kind] = 1_000_000_000 }
        guard let ids = try await store.pageTargets(funderUser: logins.funder, prescriberUser: logins.prescriber, placeUser: logins.place) else {
            throw BenchError("the accounts \(logins.funder), \(logins.prescriber) and \(logins.place) are not all in this database: run seed-national first")
        }
        var targets: [Target] = []
        func add(_ role: String, _ urls: [SiteURL?], cookie: String) {
            targets += urls.compactMap { url in
                url.map { url in
                    // Signed in, the space redirects to the role's home; a reset link nobody asked for is not found.
                    let expected: UInt = switch url { case .space: 303; case .resetPassword: 404; default: 200 }
                    return Target(role: role, path: url.path, headers: cookie.isEmpty ? [:] : ["Cookie": cookie], expected: expected)
                }
            }
        }
        let check = ids.check.map { "\($0.compact)-\(store.secret.securityCode(for: $0).canonical)" }
        add("public", [.home, .checkStatus, check.map(SiteURL.qr), .places, .place(ids.place), .openDataCSV, .openDataJSON, .signUp, .login,
                       .forgotPassword, .resetPassword("0000"), .accessibility, .legalNotice, .termsOfUse,
                       .statistics, .statisticsCSV, .statisticsJSON, .statisticsSchema, .witnessesCSV], cookie: "")
        if let departement = ids.departement { targets.append(Target(role: "public", path: SiteURL.statistics.path + "?departement=\(departement)")) }
        // The finder and the places API by postcode (nearest first when the postcode's places have coordinates) and by
        // département: the parameters their forms and the OpenAPI document name.
        let searches = [ids.postcode.map { "?commune=\($0)" }, ids.departement.map { "?departement=\($0)" }].compactMap { $0 }
        targets += searches.map { Target(role: "public", path: SiteURL.places.path + $0) }
        targets += ["/api/v1/openapi.json", "/api/v1/places"].map { Target(role: "public", path: $0) }
        targets += searches.map { Target(role: "public", path: "/api/v1/places" + $0) }
        // The load balancer's probes and Prometheus' scrape, with a token of this run's own when none is set.
        if app.metricsSettings.token == nil { app.metricsSettings.token = [UInt8].random(count: 24).base64URL }
        targets += [SiteURL.healthz, .readyz].map { Target(role: "probe", path: $0.path) }
        targets.append(Target(role: "probe", path: SiteURL.metrics.path, headers: ["Authorization": "Bearer " + (app.metricsSettings.token ?? "")]))

        let operatorCookie = try await signIn(logins.operatorAdmin, logins.password)
        add("operator", [.space, .operatorHome, .operatorApplications, .operatorPlace(ids.place), .operatorBankChanges, .operatorOrders,
                         ids.order.map(SiteURL.operatorOrder), .operatorPayouts, ids.batch.map(SiteURL.operatorSEPA), .operatorFees,
                         .operatorBilling, .operatorJournal, ids.invoice.map(SiteURL.invoice), ids.creditNote.map(SiteURL.creditNote),
                         .operatorAccounts, .team, .operatorCoFunding],
            cookie: operatorCookie)
        targets.append(Target(role: "operator", path: SiteURL.operatorAccounts.path + "?q=a", headers: ["Cookie": operatorCookie]))
        // The payouts page and the run's confirmation on the month with checks to pay (the seed leaves its last month),
        // else last month. The confirmation pages of irreversible actions: what would happen, read without doing it.
        let payoutMonth = ids.payoutMonth ?? CivilDate(store.clock.now).calendarMonth.previous
        targets.append(Target(role: "operator", path: SiteURL.operatorPayouts.path + "?mois=\(payoutMonth)", headers: ["Cookie": operatorCookie]))
        targets += [SiteURL.operatorPayoutsRun.path + "?mois=\(payoutMonth)", SiteURL.operatorExpiry.path,
                    ids.check.map { SiteURL.operatorReversal.path + "?serial=\($0.compact)&reason=bench" },
                    SiteURL.operatorPlaceState(ids.place).path + "?state=disqualified",
                    ids.batch.map { SiteURL.operatorBatchExported($0).path },
                    ids.batch.map { SiteURL.operatorBatchSettled($0).path + "?date=\(CivilDate(store.clock.now))" },
                    ids.order.map { SiteURL.operatorOrderStep($0).path + "?etape=cancelled" },
                    ids.order.map { SiteURL.operatorOrderPayment($0).path + "?amount=100&valueDate=\(CivilDate(store.clock.now))&bankReference=bench" }]
            .compactMap { $0 }.map { Target(role: "operator", path: $0, headers: ["Cookie": operatorCookie]) }
        let funderCookie = try await signIn(logins.funder, logins.password)
        add("funder", [.funderHome, .funderExport, .funderProgrammes, ids.programme.map(SiteURL.funderProgramme), .funderOrders,
                       includePrintFiles ? ids.order.map(SiteURL.funderBookletsCSV) : nil,
                       includePrintFiles ? ids.order.map(SiteURL.funderBookletsPDF) : nil, .funderStock,
                       .funderPlaces, .funderDocuments, ids.invoice.map(SiteURL.invoice), ids.creditNote.map(SiteURL.creditNote), .apiKeys,
                       ids.invoice.map(SiteURL.invoiceXML), ids.creditNote.map(SiteURL.creditNoteXML), .funderOrganisation,
                       .team, .funderCoFunding, .funderCoFundingCSV, ids.programme.map(SiteURL.funderDiagnosticGrid),
                       ids.programme.map(SiteURL.funderTargetPublics), .funderReport],
            cookie: funderCookie)
        if let order = ids.order {
            targets.append(Target(role: "funder", path: SiteURL.funderOrderStep(order).path + "?etape=cancelled", headers: ["Cookie": funderCookie]))
        }
        // The report filtered by programme and period, as a funder prints it for a year.
        if let programme = ids.programme {
            let year = CivilDate(store.clock.now).year
            targets.append(Target(role: "funder", path: SiteURL.funderReport.path + "?programme=\(programme)&du=\(year)-01&au=\(year)-\(String(format: "%02d", CivilDate(store.clock.now).month))",
                                  headers: ["Cookie": funderCookie]))
        }
        let prescriberCookie = try await signIn(logins.prescriber, logins.password)
        add("prescriber", [.prescriberHome, ids.beneficiary.map(SiteURL.prescriberBeneficiary), .prescriberOpposition, .prescriberHistory,
                           .apiKeys, .team, ids.beneficiary.map(SiteURL.prescriberSheet)], cookie: prescriberCookie)
        if let check = ids.check {
            targets.append(Target(role: "prescriber", path: SiteURL.prescriberOppositionConfirm.path + "?serial=\(check.compact)&reason=lost",
                                  headers: ["Cookie": prescriberCookie]))
        }
        if let beneficiary = ids.beneficiary {
            targets.append(Target(role: "prescriber", path: SiteURL.prescriberErasure(beneficiary).path, headers: ["Cookie": prescriberCookie]))
        }
        let placeCookie = try await signIn(logins.place, logins.password)
        add("place", [.placeHome, .placeHistory, .placePayouts, ids.payout.map(SiteURL.placeStatement), ids.payout.map(SiteURL.placeStatementCSV),
                      .placeApplication, .placeStep("organisation"), .placeFunders, .placeCatalogue, .placeBank, .apiKeys, .team], cookie: placeCookie)

        for (role, organisation, scopes, paths) in [
            ("place", Organisation.place(ids.place), [ApiScope.validate], ["/api/v1/validations", "/api/v1/payouts"]),
            ("prescriber", .prescriber(ids.prescriber), [.readStock], ["/api/v1/stock"]),
            ("funder", .funder(ids.funder), [.readStatistics], ["/api/v1/statistics", "/api/v1/check-states"]),
        ] {
            let key = try await store.createApiKey(name: "bench-pages", scopes: scopes, organisation: organisation,
                                                   actor: Actor("bench-pages", organisation: organisation)).secret
            targets += paths.map { Target(role: "\(role) API", path: $0, headers: ["Authorization": "Bearer \(key)"]) }
        }
        return targets
    }

    /// The static style sheet: the same path through the same responder, without the database.
    static let baseline = Target(role: "baseline", path: SiteURL.style.path)

    /// Requests `target` `iterations` times after one unmeasured request.
    func measure(_ target: Target, iterations: Int) async throws -> Measure {
        _ = try await send(.GET, target.path, headers: target.headers)
        var times: [Double] = []
        var statements: [Int] = []
        var last: (status: HTTPStatus, body: ByteBuffer)?
        for _ in 0..<max(1, iterations) {
            let before = store.statementsExecuted
            let start = ContinuousClock.now
            let response = try await send(.GET, target.path, headers: target.headers)
            let elapsed = ContinuousClock.now - start
            statements.append(store.statementsExecuted - before)
            times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            last = (response.status, response.body)
        }
        return Measure(target: target, status: last?.status.code ?? 0, times: times.sorted(),
                       statements: (statements.min() ?? 0)...(statements.max() ?? 0), bytes: last?.body.readableBytes ?? 0)
    }

    /// Signs in through the sign-in form (its CSRF cookie and token, then the password) and returns the session cookie.
    func signIn(_ email: String, _ password: String) async throws -> String {
        let form = try await send(.GET, SiteURL.login.path)
        var cookies = Self.cookies(form.headers)
        let page = form.body.getString(at: form.body.readerIndex, length: form.body.readableBytes) ?? ""
        guard let range = page.range(of: "name=\"_csrf\" value=\"") else { throw BenchError("the sign-in page has no CSRF token") }
        let token = String(page[range.upperBound...].prefix { $0 != "\"" })
        let body = [("email", email), ("password", password), ("_csrf", token)]
            .map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        let answer = try await send(.POST, SiteURL.login.path, headers: [
            "Cookie": Self.cookieHeader(cookies), "Content-Type": "application/x-www-form-urlencoded",
        ], body: body)
        cookies.merge(Self.cookies(answer.headers)) { $1 }
        guard answer.status == .seeOther || answer.status == .found, cookies["passnum_session"] != nil else {
            throw BenchError("signing in as \(email) failed (\(answer.status.code))")
        }
        return Self.cookieHeader(cookies)
    }

    /// One request through the application's responder, its body collected.
    func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: String? = nil) async throws
        -> (status: HTTPStatus, headers: HTTPHeaders, body: ByteBuffer) {
        let request = Request(application: app, method: method, url: URI(string: path), headers: headers,
                              collectedBody: body.map { ByteBuffer(string: $0) },
                              remoteAddress: try? SocketAddress(ipAddress: "127.0.0.1", port: 40_000), on: app.eventLoopGroup.any())
        let response = try await app.responder.current.respond(to: request).get()
        let collected = try await response.body.collect(on: request.eventLoop).get() ?? ByteBuffer()
        return (response.status, response.headers, collected)
    }

    static func cookies(_ headers: HTTPHeaders) -> [String: String] {
        (headers.setCookie?.all ?? [:]).reduce(into: [:]) { cookies, pair in cookies[pair.key] = pair.value.string }
    }

    static func cookieHeader(_ cookies: [String: String]) -> String {
        cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
    }

    /// The GET routes of the application that `targets` does not request (the print files unless asked, a place's
    /// uploaded documents…).
    func unmeasured(_ targets: [Target]) -> [String] {
        let measured = Set(targets.map { $0.path.split(separator: "?")[0].split(separator: "/").map { $0.allSatisfy(\.isNumber) ? ":" : String($0) } })
        return app.routes.all.filter { $0.method == .GET }.compactMap { route in
            let pattern = route.path.map { component -> String in
                if case .constant(let value) = component { return value }
                return ":"
            }
            let covered = measured.contains { path in
                path.count == pattern.count && zip(path, pattern).allSatisfy { $0 == $1 || $1 == ":" || $0 == ":" }
            }
            return covered ? nil : "/" + route.path.map(\.description).joined(separator: "/")
        }.sorted()
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
