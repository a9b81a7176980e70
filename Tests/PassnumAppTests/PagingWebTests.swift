import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// Paged lists on the pages and in the API: the pager's links, a bad link's first page, the API's cursors.
@Suite("Paged lists: the pager, the pages' links and the API's cursors")
struct PagingWebTests {
    static let token = Cursor(listing: .journal, keys: [], id: 12).token

    @Test("The pager links to the next page and back to the first, keeps the search, and says when a link was not valid")
    func pagerComponent() {
        #expect(pager(.single, path: "/operateur/journal").rendered.isEmpty)

        let first = pager(PagePosition(next: Self.token), path: "/operateur/journal").rendered
        #expect(first.contains("<nav class=\"pager\" aria-label=\"Pages de la liste\">"))
        #expect(first.contains("<a href=\"/operateur/journal?apres=\(Self.token)\" rel=\"next\">Suivants →</a>"))
        #expect(!first.contains("Première page") && !first.contains("plus valable"))

        let last = pager(PagePosition(next: nil, isFirst: false), path: "/prescripteur", parameters: [("q", "Zoé & co")]).rendered
        #expect(last.contains("<a href=\"/prescripteur?q=Zo%C3%A9%20%26%20co\" rel=\"first\">← Première page</a>"))
        #expect(!last.contains("Suivants"))

        let middle = pager(PagePosition(next: "abc", isFirst: false, parameter: "avoirs"), path: "/financeur/factures",
                           parameters: [("q", "")]).rendered
        #expect(middle.contains("href=\"/financeur/factures?avoirs=abc\" rel=\"next\"") && middle.contains("href=\"/financeur/factures\" rel=\"first\""))

        let refused = pager(PagePosition(next: Self.token, refused: true), path: "/operateur/journal").rendered
        #expect(refused.contains("<p class=\"notice\" role=\"status\">Ce lien vers la suite n’est plus valable\u{00A0}: voici la première page.</p>"))
    }

    @Test("A page's link reads its list's cursor; an unreadable or another list's cursor gives the first page with a notice")
    func linkQuery() async throws {
        let app = try await Application.make(.testing)
        let query = { (target: String, listing: Listing) in Self.query(app, target, listing) }
        #expect(query("/operateur/journal", .journal) == ListingPageQuery())
        #expect(query("/operateur/journal?apres=", .journal) == ListingPageQuery())
        let read = query("/operateur/journal?apres=\(Self.token)", .journal)
        #expect(read.page.after == Cursor(listing: .journal, keys: [], id: 12) && !read.refused && read.page.limit == PageRequest.defaultLimit)
        for hostile in ["nope", String(repeating: "A", count: 5_000), "%00", "%C3%A9"] {
            let refused = query("/operateur/journal?apres=\(hostile)", .journal)
            #expect(refused.page == .first && refused.refused)
        }
        #expect(query("/operateur/commandes?apres=\(Self.token)", .orders).refused)
        try await app.asyncShutdown()
    }

    @Test("The operator's journal pages through every entry once, newest first; an old link shows the first page and says so")
    func journalPages() async throws {
        try await WebWorld.with { world in
            // More entries than a page holds: each change of the fees is journaled.
            for index in 0..<60 {
                try await world.store.setFeeSchedule(FeeSchedule(managementFee: .none), actor: Actor("test"), reason: "essai \(index)")
            }
            var browser = try await Browser.signedIn(world.app, as: try #require(world.a[.operatorAdmin]))
            let all = try await world.store.read { tx in
                try await tx.sql.raw("SELECT id FROM journal_transactions ORDER BY id DESC").all().map { try $0.decode(column: "id", as: Int64.self) }
            }
            #expect(all.count > PageRequest.defaultLimit, "the world should need more than one page")
            var seen: [Int64] = []
            var path: String? = "/operateur/journal"
            var pages = 0
            while let current = path, pages < 20 {
                let response = try await browser.get(current)
                #expect(response.status == .ok)
                let body = response.body.string
                seen += Self.matches(#"<tr><td>(\d+)</td>"#, in: body).compactMap { Int64($0) }
                path = Self.matches(#"<a href="([^"]+)" rel="next">"#, in: body).first
                #expect(pages == 0 || body.contains("rel=\"first\""))
                pages += 1
            }
            #expect(seen == all && pages == (all.count + PageRequest.defaultLimit - 1) / PageRequest.defaultLimit)

            for link in ["/operateur/journal?apres=nope", "/operateur/journal?apres=\(String(repeating: "z", count: 900))",
                         "/operateur/commandes?apres=\(Self.token)", "/operateur/candidatures?apres=\(Self.token)",
                         "/operateur/factures?apres=\(Self.token)&avoirs=x"] {
                let response = try await browser.get(link)
                #expect(response.status == .ok, "\(link)")
                #expect(response.body.string.contains("Ce lien vers la suite n’est plus valable"), "\(link)")
            }
            let firstPage = try await browser.get("/operateur/journal?apres=nope").body.string
            #expect(Self.matches(#"<tr><td>(\d+)</td>"#, in: firstPage).compactMap { Int64($0) } == Array(all.prefix(PageRequest.defaultLimit)))
        }
    }

    @Test("The API's lists page with opaque cursors: every booklet once; a bad or another list's cursor is a 400, a limit out of range a 422")
    func apiCursors() async throws {
        try await WebWorld.with { world in
            let order = try await world.store.createOrder(programme: world.programmeA, booklets: 4, actor: .system)
            try await world.store.carry(order, to: .fulfilled)
            let booklets = try await world.store.allocate(programme: world.programmeA, prescriber: world.prescriberA, booklets: 4, actor: .system)
            let prescriber = try await ApiTests.key(world, .prescriber(world.prescriberA), [.readStock])
            var seen: [Int] = []
            var target: String? = "/api/v1/stock?limit=2"
            var pages = 0
            while let current = target, pages < 10 {
                let page = try ApiTests.json(try await ApiTests.call(world.app, .GET, current, key: prescriber))
                seen += (page["booklets"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                target = (page["next_cursor"] as? String).map { "/api/v1/stock?limit=2&cursor=" + $0 }
                pages += 1
            }
            // The booklet handed out at setup, then the four allocated here, in id order.
            #expect(seen.count == 5 && seen == seen.sorted() && Set(seen).isSuperset(of: booklets.map { Int($0.rawValue) }) && pages == 3)

            let place = try await ApiTests.key(world, .place(world.placeA), [.validate])
            let funder = try await ApiTests.key(world, .funder(world.funderA), [.readStatistics])
            let checkStates = try ApiTests.json(try await ApiTests.call(world.app, .GET, "/api/v1/check-states?limit=1", key: funder))
            let foreign = try #require(checkStates["next_cursor"] as? String)
            let lists = [("/api/v1/stock", prescriber, true), ("/api/v1/payouts", place, true), ("/api/v1/validations", place, true),
                         ("/api/v1/check-states", funder, false)]
            for (path, key, foreignIsBad) in lists {
                let bad = ["nope", String(repeating: "A", count: 401), "%00"] + (foreignIsBad ? [foreign] : [])
                for cursor in bad {
                    let response = try await ApiTests.call(world.app, .GET, path + "?cursor=" + cursor, key: key)
                    let problem = try ApiTests.problem(response)
                    #expect(response.status == .badRequest && problem == "invalid-request", "\(path) cursor \(cursor.prefix(20))")
                }
                for limit in ["0", "101", "-1", "dix", "99999999999999999999"] {
                    let status = try await ApiTests.call(world.app, .GET, path + "?limit=" + limit, key: key).status
                    #expect(status == .unprocessableEntity, "\(path) limit \(limit)")
                }
                let status = try await ApiTests.call(world.app, .GET, path + "?limit=100", key: key).status
                #expect(status == .ok)
            }
        }
    }

    static func query(_ app: Application, _ target: String, _ listing: Listing) -> ListingPageQuery {
        ListingPageQuery(Request(application: app, url: URI(string: target), on: app.eventLoopGroup.next()), listing)
    }

    static func matches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
