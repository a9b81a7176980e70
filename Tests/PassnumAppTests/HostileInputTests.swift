import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// Every GET route the application registers, visited by every role (and anonymously, and with every kind of API
/// key) with hostile path segments and query values: no answer is a 5xx, and the server answers normally afterwards.
/// Routes come from `app.routes.all`, so a new route is covered without editing this file.
@Suite("Hostile input")
struct HostileInputTests {
    /// Values as they appear in an address (already percent-encoded where needed).
    static let hostileValues: [String] = [
        "9999-12", "0000-00", "-1-01", "2026-13", "2026-02-30", "9999-12-31", "0000-00-00", "10000-01",
        "99999999999999999999", "-9223372036854775808", "9223372036854775807", "-1", "0", "1e400", "NaN",
        "", String(repeating: "9", count: 10_000), String(repeating: "a", count: 10_000),
        "%00", "%0A", "%0D", "%1B", "a%0D%0Ab", "%C3%A9t%C3%A9%20%E2%82%AC%F0%9F%92%A5", "%EF%BF%BF", "%FF%FE",
        "%25", "%", "%G1", "..%2f..%2fetc%2fpasswd", "..", "%2e%2e", "'%20OR%201=1--", "%3Cscript%3E",
    ]

    /// Every query parameter the handlers read (grep `request.query`), names they might read one day, and names
    /// with array and object syntax.
    static let readNames = ["etat", "mois", "q", "commune", "departement", "categorie", "category", "suite", "telecharger", "limit", "cursor", "apres", "avoirs",
                            "financeurs", "programmes", "periode", "programme", "serial", "reason", "state", "annee", "refaire", "etape", "date", "du", "au",
                            "amount", "valueDate", "bankReference"]
    static let queryNames = readNames + ["page", "id", "ok", "format", "mois[]", "limit[x]"]

    enum Visitor: CustomStringConvertible {
        case anonymous
        case user(Role, cookie: String)
        case key(String, bearer: String)

        var description: String {
            switch self {
            case .anonymous: "anonymous"
            case .user(let role, _): role.rawValue
            case .key(let kind, _): "API key of a \(kind)"
            }
        }

        var headers: HTTPHeaders {
            switch self {
            case .anonymous: [:]
            case .user(_, let cookie): ["Cookie": cookie]
            case .key(_, let bearer): ["Authorization": "Bearer " + bearer]
            }
        }
    }

    /// A valid-looking value for each route parameter, so that the other segments reach the handler.
    static func normalValue(_ parameter: String, world: WebWorld) -> String? {
        switch parameter {
        case "id", "document": "1"
        case "code":
            world.serialsA[0].compact + "-" + world.store.secret.securityCode(for: world.serialsA[0]).canonical
        case "token": "jeton"
        case "step": ApplicationStep.allCases[0].rawValue
        case "serial": world.serialsA[0].compact
        default: nil
        }
    }

    static func get(_ app: Application, _ path: String, _ visitor: Visitor) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse!
        try await app.testing().test(.GET, path, headers: visitor.headers) { result = $0 }
        return result
    }

    @Test("Every registered GET route, for every role, with hostile path segments and query values, never answers 5xx")
    func everyRoute() async throws {
        try await WebWorld.with { world in
            // The API's and the public pages' limits would answer 429 before the handlers read anything.
            world.app.apiLimits = ApiLimits(perKey: 1_000_000, perAddress: 1_000_000, windowSeconds: 60)
            var publicLimits = PublicLimits()
            for kind in PublicLimits.Kind.allCases { publicLimits.perWindow[kind] = 1_000_000 }
            publicLimits.loginFailuresPerAddress = 1_000_000
            world.app.publicLimits = publicLimits
            var webVisitors: [Visitor] = [.anonymous]
            for role in Role.allCases {
                let email = try #require(world.a[role], "no user for \(role)")
                let browser = try await Browser.signedIn(world.app, as: email)
                webVisitors.append(.user(role, cookie: browser.cookieHeader))
            }
            let apiVisitors: [Visitor] = [
                .anonymous,
                .key("place", bearer: try await ApiTests.key(world, .place(world.placeA), [.validate])),
                .key("prescriber", bearer: try await ApiTests.key(world, .prescriber(world.prescriberA), [.readStock, .handOut])),
                .key("funder", bearer: try await ApiTests.key(world, .funder(world.funderA), [.readStatistics])),
            ]

            let routes = world.app.routes.all.filter { $0.method == .GET }
            var visited = Set<String>()
            var reached = Set<String>()
            var requests = 0
            var failures: [String] = []
            var throttled: [String] = []
            for route in routes {
                let pattern = "/" + route.path.map(\.description).joined(separator: "/")
                // Segments of the path: constants as they are, parameters with a normal value.
                var segments: [(text: String, parameter: String?)] = []
                var usable = true
                for component in route.path {
                    switch component {
                    case .constant(let text): segments.append((text, nil))
                    case .parameter(let name):
                        guard let value = Self.normalValue(name, world: world) else {
                            Issue.record("route \(pattern): no test value for the parameter :\(name); add it to normalValue")
                            usable = false
                            break
                        }
                        segments.append((value, name))
                    case .anything, .catchall: segments.append(("x", "*"))
                    }
                }
                guard usable else { continue }
                func path(replacing index: Int? = nil, with value: String = "") -> String {
                    "/" + segments.enumerated().map { $0.offset == index ? value : $0.element.text }.joined(separator: "/")
                }
                let visitors = pattern.hasPrefix("/api/") ? apiVisitors : webVisitors
                for visitor in visitors {
                    var paths = [path()]
                    // Each parameter in turn gets every hostile value.
                    for (index, segment) in segments.enumerated() where segment.parameter != nil {
                        paths += Self.hostileValues.filter { !$0.isEmpty }.map { path(replacing: index, with: $0) }
                    }
                    // Every query name at once with each hostile value, then each name alone.
                    let base = path()
                    for value in Self.hostileValues {
                        paths.append(base + "?" + Self.queryNames.map { "\($0)=\(value)" }.joined(separator: "&"))
                    }
                    let normal = try await Self.get(world.app, base, visitor)
                    if (200..<300).contains(normal.status.code) && !reached.contains(pattern) {
                        // Once per route, by the first visitor that reaches the handler: each name the handlers read
                        // alone, so that one refused parameter does not hide the next.
                        reached.insert(pattern)
                        for name in Self.readNames {
                            paths += Self.hostileValues.map { base + "?\(name)=\($0)" }
                        }
                    }
                    for target in paths {
                        let response = try await Self.get(world.app, target, visitor)
                        requests += 1
                        if response.status == .tooManyRequests { throttled.append("GET \(target.prefix(100))") }
                        if response.status.code >= 500 {
                            failures.append("\(response.status.code) for \(visitor) on GET \(target.prefix(200)): \(response.body.string.prefix(200))")
                        }
                    }
                }
                visited.insert("GET " + pattern)
            }
            #expect(failures.isEmpty, "\(failures.count) answers were 5xx, for example:\n\(failures.prefix(20).joined(separator: "\n"))")
            // A limit answering 429 would stop the hostile values before the handlers: they must all have reached them.
            #expect(throttled.isEmpty, "\(throttled.count) answers were 429, for example: \(throttled.prefix(5))")
            // Nothing was skipped: every registered GET route was walked (a new route is covered automatically).
            #expect(visited.count == Set(routes.map { "GET /" + $0.path.map(\.description).joined(separator: "/") }).count)
            #expect(visited.count == routes.count)
            #expect(requests > routes.count * 40)

            // The server still answers normally.
            #expect(try await Self.get(world.app, "/", .anonymous).status == .ok)
            let operatorCookie = webVisitors.compactMap { visitor -> String? in
                if case .user(.operatorAdmin, let cookie) = visitor { return cookie } else { return nil }
            }.first ?? ""
            let payouts = try await Self.get(world.app, SiteURL.operatorPayouts.path, .user(.operatorAdmin, cookie: operatorCookie))
            #expect(payouts.status == .ok)
            #expect(try await Self.get(world.app, "/api/v1/places", .anonymous).status == .ok)
        }
    }

    @Test("An out-of-range month is refused with a French message, in the page and when posted; a valid one is shown")
    func monthBounds() async throws {
        try await WebWorld.with { world in
            var operatorBrowser = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            for month in ["9999-12", "1999-12", "2101-01", "2026-13", "-001-01", "+202-01", "2026-1"] {
                let page = try await operatorBrowser.get(SiteURL.operatorPayouts.path + "?mois=" + month)
                #expect(page.status == .badRequest, "mois=\(month)")
                #expect(page.body.string.contains("Ce mois n’est pas valable"), "mois=\(month)")
            }
            let valid = try await operatorBrowser.get(SiteURL.operatorPayouts.path + "?mois=2100-12")
            #expect(valid.status == .ok)
            #expect(valid.body.string.contains("décembre 2100"))
            let posted = try await operatorBrowser.post(SiteURL.operatorPayouts.path, [("mois", "9999-12")])
            #expect(posted.status == .badRequest)
            #expect(posted.body.string.contains("Ce mois n’est pas valable"))
            #expect(try await world.store.payoutRuns().isEmpty)
        }
    }

    @Test("Months and days outside 2000–2100 are refused by their constructors; arithmetic at the edges does not trap")
    func calendarBounds() throws {
        #expect(Month("9999-12") == nil && Month("1999-12") == nil && Month("2101-01") == nil && Month("0000-00") == nil)
        #expect(Month("+202-01") == nil && Month(" 2026-01") == nil && Month(year: Int.max, month: 1) == nil)
        let last = try #require(Month("2100-12"))
        #expect(last.next.description == "2101-01" && last.interval.end > last.interval.start)
        let first = try #require(Month("2000-01"))
        #expect(first.previous.description == "1999-12" && first.previous.interval.end == first.firstDay.start)
        #expect(CivilDate("9999-12-31") == nil && CivilDate("2101-01-01") == nil && CivilDate("1999-12-31") == nil)
        #expect(CivilDate(year: 2026, month: 1, day: Int.max) == nil && CivilDate(year: Int.min, month: 1, day: 1) == nil)
        let end = try #require(CivilDate("2100-12-31"))
        #expect(end.adding(days: 366).description == "2102-01-01")
        #expect(end.adding(days: 1).calendarMonth.description == "2101-01")
        #expect(end.adding(days: -1).description == "2100-12-30")
        // Daylight saving changes (Paris: 2026-03-29 and 2026-10-25) do not shift a day.
        #expect(CivilDate("2026-03-28")!.adding(days: 2) == CivilDate("2026-03-30"))
        #expect(CivilDate("2026-10-24")!.adding(days: 2) == CivilDate("2026-10-26"))
    }
}
