import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// The funder's printable report (`/financeur/rapport`) and the dashboard's chart.
@Suite("The funder's report for elected officials")
struct FunderReportWebTests {
    /// People of prescriber A in `commune`, born in `birthYear`, each handed one check of programme A.
    static func reach(_ world: WebWorld, _ count: Int, commune: String, birthYear: Int?) async throws {
        let order = try await world.store.createOrder(programme: world.programmeA, booklets: count, actor: .system)
        try await world.store.carry(order, to: .fulfilled)
        try await world.store.setQuota(programme: world.programmeA, prescriber: world.prescriberA, booklets: 100, actor: .system)
        for index in 0..<count {
            let booklet = try await world.store.allocate(programme: world.programmeA, prescriber: world.prescriberA, booklets: 1, actor: .system)[0]
            let person = try await world.store.createBeneficiary(NewBeneficiary(
                firstName: "Personne", lastName: "\(commune)-\(index)", birthYear: birthYear, commune: CommuneCode(commune)!,
                consentDate: CivilDate("2026-03-02")!), prescriber: world.prescriberA)
            _ = try await world.store.handOut(booklet: booklet, checks: 1, to: person, by: world.prescriberA)
        }
    }

    /// A table's row as the page writes it.
    static func row(_ cells: String...) -> String { "<tr>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>" }

    @Test("The report shows the key figures, hides counts under 5 and the cell that would give them back under one word, and keeps the total",
          arguments: WebWorld.Database.allCases)
    func figuresAndSecrecy(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var funder = try await Browser.signedIn(world.app, as: try #require(world.a[.funderManager]))
            // One person reached (A's, in Lille, born 1950): under 5, never written as a number.
            var html = try await funder.get("/financeur/rapport").body.string
            #expect(html.contains("Rapport d’activité – Financeur A") && html.contains("Programme secret A") && !html.contains("Programme secret B"))
            #expect(html.contains("<strong>moins de 5</strong>personnes accompagnées pour la première fois"))
            #expect(html.contains(Self.row("Commune 59350", "masqué")) && html.contains(Self.row("65 ans et plus", "masqué")))
            #expect(!html.contains(Self.row("Commune 59350", "1")))
            #expect(!html.contains("code INSEE)") && !html.contains("viendront plus tard"))

            // Sixteen people in four communes: 7 and 6 in two, 1 and 2 in the others. The 1 and the 2 are small; together they
            // make 3, which the total would give back, so the 6 is hidden too, under the same word: nothing tells the 6 from
            // the 1 and the 2. A commune the platform knows shows by its name.
            try await world.store.transaction { tx in
                try await tx.sql.raw("INSERT INTO communes (code, name, name_key) VALUES ('59009', 'Villeneuve-d’Ascq', 'villeneuvedascq')").run()
            }
            try await Self.reach(world, 7, commune: "59009", birthYear: 1990)
            try await Self.reach(world, 6, commune: "59183", birthYear: 1970)
            try await Self.reach(world, 2, commune: "62041", birthYear: nil)
            let response = try await funder.get("/financeur/rapport")
            #expect(response.status == .ok)
            html = response.body.string
            #expect(html.contains("<strong>16</strong>personnes accompagnées pour la première fois"))
            #expect(html.contains("<strong>25</strong>chèques remis"), "10 for A's first person and one each for the 15 others")
            #expect(html.contains(Self.row("Villeneuve-d’Ascq", "7")) && html.contains(Self.row("Commune 59183", "masqué")))
            #expect(html.contains(Self.row("Commune 59350", "masqué")) && html.contains(Self.row("Commune 62041", "masqué")))
            #expect(html.contains(Self.row("25 à 44 ans", "7")) && html.contains(Self.row("45 à 64 ans", "masqué")))
            #expect(html.contains(Self.row("65 ans et plus", "masqué")) && html.contains(Self.row("âge non renseigné", "masqué")))
            #expect(!html.contains("caché") && !html.contains("<td>moins de 5</td>"), "one word for every hidden cell")
            #expect(html.contains("un nombre de 1 à 4 personnes n’est pas affiché, ni un nombre qui permettrait de le retrouver à partir du total") && html.contains("on lit"))
            #expect(html.contains(Self.row("Pas de diagnostic", "16")))
            #expect(html.contains("<tr><td><strong>Total</strong></td><td><strong>16</strong></td></tr>"))
            // The chart and its table: months with their year, this month marked in words.
            #expect(html.contains("Chèques utilisés par mois") && html.contains(">en cours</text>"))
            #expect(html.contains(Self.row("mars 2026 (en cours)", "25", "0", money(.zero))))

            // Another funder's report says nothing of these people.
            var other = try await Browser.signedIn(world.app, as: try #require(world.b[.funderManager]))
            let b = try await other.get("/financeur/rapport").body.string
            #expect(b.contains("Financeur B") && b.contains("<strong>moins de 5</strong>personnes") && !b.contains("59009"))
        }
    }

    @Test("Filters by programme and months are read with bounds and refused in French", arguments: WebWorld.Database.allCases)
    func filters(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            var funder = try await Browser.signedIn(world.app, as: try #require(world.a[.funderManager]))
            let chosen = try await funder.get("/financeur/rapport?programme=\(world.programmeA)&du=2026-01&au=2026-03")
            #expect(chosen.status == .ok)
            let html = chosen.body.string
            #expect(html.contains("de janvier 2026 à mars 2026 (mois en cours compris)"))
            #expect(html.contains(Self.row("janvier 2026", "0", "0", money(.zero))) && html.contains(Self.row("mars 2026 (en cours)", "10", "0", money(.zero))))
            #expect(html.contains("value=\"2026-01\"") && html.contains("<option value=\"\(world.programmeA)\" selected"))

            let refusals: [(String, String)] = [
                ("?programme=\(world.programmeB)", "Choisissez un de vos programmes."),
                ("?programme=abc", "Choisissez un de vos programmes."),
                ("?du=2026-13", "Écrivez un mois passé ou le mois en cours, comme 2026-03."),
                ("?au=2026-04", "Écrivez un mois passé ou le mois en cours, comme 2026-03."),
                ("?du=2026-03&au=2026-02", "Le dernier mois doit venir après le premier."),
                ("?du=2016-03", "Choisissez une période de 10 ans au plus."),
                ("?du=" + String(repeating: "9", count: 5_000), "Écrivez un mois passé"),
            ]
            for (query, message) in refusals {
                let response = try await funder.get("/financeur/rapport" + query)
                #expect(response.status == .unprocessableEntity, "\(query)")
                let body = response.body.string
                #expect(body.contains(message), "\(query)")
                #expect(!body.contains("Programme secret B") && !body.contains("chèques remis"), "\(query): no figures with a refused filter")
            }
            let file = try await funder.get("/financeur/rapport?du=2026-03&telecharger=1")
            #expect(file.headers.first(name: .contentDisposition) == "attachment; filename=\"rapport-2026-03-2026-03.html\"")
            #expect(!file.body.string.contains("<form method=\"get\""))
        }
    }

    @Test("The dashboard links to the report and its chart starts at the programme's start, the month under way in words",
          arguments: WebWorld.Database.allCases)
    func dashboardChart(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            world.clock.set(CivilDate("2026-05-10")!.start)
            var funder = try await Browser.signedIn(world.app, as: try #require(world.a[.funderManager]))
            let html = try await funder.get("/financeur").body.string
            #expect(html.contains("href=\"/financeur/rapport\""))
            #expect(html.contains(Self.row("mars 2026", "0", money(.zero))) && html.contains(Self.row("mai 2026 (en cours)", "0", money(.zero))))
            #expect(!html.contains("févr. 2026"), "nothing before the programme's start")
            #expect(html.contains(">en cours</text>"))
        }
    }

    @Test("A funder whose every programme starts next year gets its report, with this year's link alone", arguments: WebWorld.Database.allCases)
    func programmeStartingNextYear(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            let later = try await world.store.createFunder(name: "Financeur C")
            _ = try await world.store.createProgramme(funder: later, terms: ProgrammeTerms(
                name: "Programme de l’an prochain", validFrom: CivilDate("2027-01-01")!, validUntil: CivilDate("2027-12-31")!,
                perimeter: Perimeter(departements: [DepartementCode("59")!]), shares: [CoFundingShare(cofunder: "État", percent: 100)]))
            _ = try await world.store.createUser(email: "financeur-c@test.fr", name: "Financeur C", passwordHash: try Bcrypt.hash(WebWorld.password, cost: 4),
                                                 role: .funderManager, organisation: .funder(later))
            var funder = try await Browser.signedIn(world.app, as: "financeur-c@test.fr")
            let response = try await funder.get("/financeur/rapport")
            #expect(response.status == .ok)
            let html = response.body.string
            #expect(html.contains("Rapport d’activité – Financeur C") && html.contains(">année 2026</a>"))
            #expect(!html.contains("année 2027") && !html.contains("année 2025"))
        }
    }

    @Test("The commune breakdown lists the 30 largest communes by name and sums the others on one line, hidden like any cell")
    func communesCapped() throws {
        func report(_ counts: [(code: String, people: Int64)], names: [String: String] = [:]) -> FunderReport {
            FunderReport(funderName: "F", programmes: [], programme: nil, months: Month("2026-03")!...Month("2026-03")!, byMonth: [],
                         byCommune: counts.map { .init(key: $0.code, people: $0.people) }, byAge: [], byLevel: [], communeNames: names)
        }
        // 30 communes of 10 to 39 people, then three of 1, 2 and 3: the three are summed as 6, shown.
        let large = (0..<30).map { (code: String(format: "590%02d", $0), people: Int64(10 + $0)) }
        var lines = FunderReportPage.Model.published(FunderReportPage.Model.communes(report(large + [("62001", 1), ("62002", 2), ("62003", 3)],
                                                                                               names: ["59029": "Zuydcoote", "62001": "Achicourt"])))
        #expect(lines.count == 31 && lines.last == FunderReportPage.Line(label: "Autres communes", people: 6))
        #expect(lines.contains(FunderReportPage.Line(label: "Zuydcoote", people: 39)) && !lines.contains { $0.label == "Achicourt" })
        #expect(lines.first?.label == "Commune 59000" && lines[29].label == "Zuydcoote", "the communes listed by name")
        // Two others of 1 and 2: their sum of 3 is hidden, and so is the smallest listed commune, which would give it back.
        lines = FunderReportPage.Model.published(FunderReportPage.Model.communes(report(large + [("62001", 1), ("62002", 2)])))
        #expect(lines.last == FunderReportPage.Line(label: "Autres communes", people: nil))
        #expect(lines.filter { $0.people == nil }.count == 2 && lines.contains(FunderReportPage.Line(label: "Commune 59000", people: nil)))
        // Two listed communes of the same name are told apart by their code.
        let homonyms = FunderReportPage.Model.communes(report([("93066", 8), ("97411", 9)], names: ["93066": "Saint-Denis", "97411": "Saint-Denis"]))
        #expect(homonyms.map(\.label) == ["Saint-Denis (93066)", "Saint-Denis (97411)"])
        // 30 communes or fewer: no "Autres communes" line.
        #expect(!FunderReportPage.Model.communes(report(large)).contains { $0.label == "Autres communes" })
    }
}
