import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// The lists paged in issue 13 on the pages: the operator's funders and programmes, a place's funders, a funder's
/// holdings by prescriber, the payout preview. Each shows 50 rows, links to the next ones, and reads its cursor with
/// bounds: a link that does not read gives the first page with a notice.
@Suite("Paged lists on the operator's, funder's and place's pages")
struct PagedPagesWebTests {
    @Test("The operator's funders and programmes, and a place's funders, show 50 at a time and the rest on the next page")
    func funderLists() async throws {
        try await WebWorld.with { world in
            for index in 0..<50 {
                let funder = try await world.store.createFunder(name: String(format: "Financeur essai %02d", index))
                if index < 49 { _ = try await world.store.createProgramme(funder: funder, terms: Self.terms(index)) }
            }
            var admin = try await Browser.signedIn(world.app, as: try #require(world.a[.operatorAdmin]))
            let home = try await admin.get("/operateur").body.string
            // 52 funders (A, B and 50), 51 programmes (A, B and 49), by name and newest first.
            #expect(Self.count("<td>Financeur essai", in: Self.section(home, "Financeurs")) == 48)
            #expect(Self.count("Programme essai", in: Self.section(home, "Programmes")) == 49)
            let funderNext = try #require(PagingWebTests.matches(#"<a href="(/operateur\?financeurs=[^"]+)" rel="next">"#, in: home).first)
            let programmeNext = try #require(PagingWebTests.matches(#"<a href="(/operateur\?programmes=[^"]+)" rel="next">"#, in: home).first)
            let funders = try await admin.get(funderNext).body.string
            #expect(Self.section(funders, "Financeurs").contains("Financeur essai 48") && Self.section(funders, "Financeurs").contains("Financeur essai 49"))
            #expect(Self.count("<td>Financeur essai", in: Self.section(funders, "Financeurs")) == 2 && funders.contains("rel=\"first\""))
            let programmes = try await admin.get(programmeNext).body.string
            #expect(Self.section(programmes, "Programmes").contains("Programme secret A") && !programmes.contains("Programme essai"))
            for link in ["/operateur?financeurs=nope", "/operateur?programmes=" + String(repeating: "z", count: 900),
                         "/operateur?financeurs=" + Cursor(listing: .journal, keys: [], id: 3).token] {
                let response = try await admin.get(link)
                #expect(response.status == .ok && response.body.string.contains("n’est plus valable"), "\(link)")
                #expect(Self.count("<td>Financeur essai", in: Self.section(response.body.string, "Financeurs")) == 48, "\(link)")
            }

            var place = try await Browser.signedIn(world.app, as: try #require(world.a[.placeManager]))
            let first = try await place.get("/lieu/financeurs").body.string
            #expect(Self.count("<td>Financeur essai", in: first) == 48 && first.contains("Accepté"))
            let next = try #require(PagingWebTests.matches(#"<a href="(/lieu/financeurs\?apres=[^"]+)" rel="next">"#, in: first).first)
            let second = try await place.get(next).body.string
            #expect(Self.count("<td>Financeur essai", in: second) == 2 && second.contains("Financeur essai 49"))
            #expect(try await place.get("/lieu/financeurs?apres=%00").body.string.contains("n’est plus valable"))
            // Asking a funder that does not exist is refused (the check no longer reads every funder).
            #expect(try await place.post("/lieu/financeurs/999999", []).status == .notFound)
        }
    }

    @Test("A funder's holdings by prescriber show 50 at a time, by programme then prescriber number, with the allocation form")
    func holdings() async throws {
        try await WebWorld.with { world in
            for index in 0..<50 {
                let prescriber = try await world.store.createPrescriber(name: String(format: "Prescripteur essai %02d", index), commune: CommuneCode("59350")!)
                try await world.store.setQuota(programme: world.programmeA, prescriber: prescriber, booklets: 3, actor: .system)
            }
            var funder = try await Browser.signedIn(world.app, as: try #require(world.a[.funderManager]))
            let first = try await funder.get("/financeur/stock").body.string
            let table = Self.section(first, "Carnets chez les prescripteurs")
            // Prescriber A (1 booklet, quota 10) then the first 49 new ones; never funder B's.
            #expect(table.contains("<td>Prescripteur A</td><td>\(world.prescriberA)</td><td>1</td><td>10</td>"))
            #expect(Self.count("Prescripteur essai", in: table) == 49 && !first.contains("Programme secret B"))
            #expect(first.contains("name=\"prescriber\"") && first.contains("Attribuer"))
            let next = try #require(PagingWebTests.matches(#"<a href="(/financeur/stock\?apres=[^"]+)" rel="next">"#, in: first).first)
            let second = Self.section(try await funder.get(next).body.string, "Carnets chez les prescripteurs")
            #expect(Self.count("Prescripteur essai", in: second) == 1 && second.contains("Prescripteur essai 49"))
            let stale = try await funder.get("/financeur/stock?apres=abc")
            #expect(stale.status == .ok && stale.body.string.contains("n’est plus valable"))
        }
    }

    @Test("The payout preview keeps the month on its links, and a link that does not read shows the first page")
    func payoutPreview() async throws {
        try await WebWorld.with { world in
            var admin = try await Browser.signedIn(world.app, as: try #require(world.a[.operatorAdmin]))
            let stale = try await admin.get("/operateur/remboursements?mois=2026-03&apres=n-importe-quoi")
            #expect(stale.status == .ok && stale.body.string.contains("n’est plus valable") && stale.body.string.contains("Total à virer\u{00A0}: 0,00"))
            let view = OperatorPayoutsPage.View(model: .init(month: PageSnapshotTests.month("2026-03"), preview: [],
                                                             position: PagePosition(next: "abc", isFirst: false), total: .zero, runs: [], batches: []),
                                                context: OperatorPageViewTests.admin).document.rendered
            #expect(view.contains("href=\"/operateur/remboursements?mois=2026%2D03&amp;apres=abc\" rel=\"next\"")
                    && view.contains("href=\"/operateur/remboursements?mois=2026%2D03\" rel=\"first\""))
        }
    }

    static func terms(_ index: Int) -> ProgrammeTerms {
        ProgrammeTerms(name: String(format: "Programme essai %02d", index), validFrom: CivilDate("2026-03-01")!, validUntil: CivilDate("2026-06-30")!,
                       perimeter: Perimeter(departements: [DepartementCode("59")!]), shares: [CoFundingShare(cofunder: "État", percent: 100)])
    }

    /// The part of a page from its heading `title` to the next heading.
    static func section(_ page: String, _ title: String) -> String {
        guard let start = page.range(of: "<h2>" + title + "</h2>") else { return "" }
        let rest = page[start.upperBound...]
        return String(rest[..<(rest.range(of: "<h2>")?.lowerBound ?? rest.endIndex)])
    }

    static func count(_ text: String, in page: String) -> Int { page.components(separatedBy: text).count - 1 }
}
