import Foundation
@testable import PassnumApp
import PassnumDomain
import PassnumPersistence
import SnapshotTesting
import Testing

/// Recording is explicit: `SNAPSHOT_TESTING_RECORD=missing swift test --filter PageSnapshotTests` writes the missing
/// files (`all` rewrites them). Otherwise, and always in CI (`CI=true`), a missing or different snapshot fails: the
/// library's own default (`missing`) would write it and pass on the next run, hiding a page nobody looked at.
let snapshotRecordMode: SnapshotTestingConfiguration.Record = {
    let environment = ProcessInfo.processInfo.environment
    if environment["CI"] == "true" { return .never }
    return environment["SNAPSHOT_TESTING_RECORD"].flatMap(SnapshotTestingConfiguration.Record.init(rawValue:)) ?? .never
}()

/// One tag a line, so a snapshot's diff shows what changed.
func snapshotLines(_ page: Node) -> String {
    page.rendered.replacingOccurrences(of: "><", with: ">\n<")
}

@Suite("The main page of each role, pinned as HTML from a fixed model")
struct PageSnapshotTests {
    /// A fixed token: the pages must hold no random or time-dependent value.
    static let csrf = "jeton-csrf-fixe"

    static func context(_ name: String, _ role: Role, notice: String? = nil) -> PageContext {
        PageContext(csrfToken: csrf, notice: notice, viewer: .init(name: name, role: role))
    }

    static func day(_ text: String) -> CivilDate {
        guard let date = CivilDate(text) else { preconditionFailure("bad fixture date \(text)") }
        return date
    }

    static func month(_ text: String) -> Month {
        guard let month = Month(text) else { preconditionFailure("bad fixture month \(text)") }
        return month
    }

    static func serial(_ number: Int64) -> CheckSerial {
        guard let serial = CheckSerial(number: number) else { preconditionFailure("bad fixture serial \(number)") }
        return serial
    }

    @Test("The public home page, for a visitor")
    func publicHome() {
        let page = PublicHomePage.View(context: PageContext(csrfToken: Self.csrf)).document
        assertSnapshot(of: snapshotLines(page), as: .lines, record: snapshotRecordMode)
    }

    @Test("The funder's dashboard, with a programme ending soon")
    func funderDashboard() {
        let line = FunderDashboard.Line.init
        let model = FunderDashboardPage.Model(
            funderName: "Département du Nord",
            alerts: [ExpiryAlert(programme: "Pass numérique 2026", validUntil: Self.day("2026-12-31"), handOutStopDay: Self.day("2026-12-01"),
                                 lastRedemptionDay: Self.day("2027-01-31"), handOutStopped: false)],
            bookletsIssued: 100, bookletsHandedOut: 40, bookletsNotHandedOut: 60, bookletsStarted: 25, checksValidated: 123,
            amountValidated: Money(cents: 123_000), usagePerMille: 307,
            byMonth: [.init(month: Self.month("2026-09"), checks: 20, amount: Money(cents: 20_000)),
                      .init(month: Self.month("2026-10"), checks: 45, amount: Money(cents: 45_000)),
                      .init(month: Self.month("2026-11"), checks: 58, amount: Money(cents: 58_000))],
            byShare: [line("État", 0, Money(cents: 61_500)), line("Département du Nord", 0, Money(cents: 61_500))],
            byPrescriber: [line("France Services Lille", 123, Money(cents: 123_000))],
            byPlace: [line("Médiathèque de Roubaix", 80, Money(cents: 80_000)), line("Espace numérique & Co", 43, Money(cents: 43_000))],
            byCategory: [line(ServiceCategory.allCases[0].code, 123, Money(cents: 123_000))], thisMonth: Self.month("2026-11"))
        let page = FunderDashboardPage.View(model: model, context: Self.context("Claire Martin", .funderManager, notice: "Programme créé.")).document
        assertSnapshot(of: snapshotLines(page), as: .lines, record: snapshotRecordMode)
    }

    @Test("The operator's home, with places in several states")
    func operatorHome() {
        let model = OperatorHomePage.Model(
            funders: ["Département du Nord", "Métropole européenne de Lille"],
            programmes: [.init(name: "Pass numérique 2026", funderName: "Département du Nord", validFrom: Self.day("2026-01-01"),
                               validUntil: Self.day("2026-12-31"), orders: 3, expired: false),
                         .init(name: "Pass 2025", funderName: "Métropole européenne de Lille", validFrom: Self.day("2025-01-01"),
                               validUntil: Self.day("2025-12-31"), orders: 1, expired: true)],
            places: [.init(id: PlaceID(1), name: "Médiathèque de Roubaix", postcode: "59100", state: .submitted, reason: nil),
                     .init(id: PlaceID(2), name: "Espace numérique & Co", postcode: "59000", state: .qualified, reason: nil),
                     .init(id: PlaceID(3), name: "Club <informatique>", postcode: "62000", state: .rejected, reason: "Pas de SIRET")])
        let page = OperatorHomePage.View(model: model, context: Self.context("Opératrice", .operatorAdmin)).document
        assertSnapshot(of: snapshotLines(page), as: .lines, record: snapshotRecordMode)
    }

    @Test("The prescriber's home, with the new person's form shown again with an error")
    func prescriberHome() {
        let model = PrescriberHomePage.Model(
            alerts: [], bookletsAvailable: 3, checksAvailable: 27, search: nil,
            people: [.init(id: BeneficiaryID(7), firstName: "Anne", lastName: "Durand", birthYear: 1950, level: 2, checks: 10,
                             diagnosticAt: Date(timeIntervalSince1970: 1_772_442_000)),
                     .init(id: BeneficiaryID(8), firstName: "Jean", lastName: "Petit", birthYear: nil, level: nil, checks: 0)])
        var errors = FormErrors()
        errors.add("commune", "Commune inconnue : tapez son nom, son code postal (5 chiffres) ou son code INSEE.")
        let form = PrescriberController.PersonForm(firstName: "Marie", lastName: "Leroy", birthYear: nil, commune: "59", consent: "oui")
        let page = PrescriberHomePage.View(model: model, context: Self.context("Paul Agent", .prescriberAgent), form: form, errors: errors).document
        assertSnapshot(of: snapshotLines(page), as: .lines, record: snapshotRecordMode)
    }

    @Test("The place's validation page, not yet qualified, with today's validations")
    func placeHome() {
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        let model = PlaceHomePage.Model(
            name: "Médiathèque de Roubaix", state: .submitted,
            services: [.init(id: 4, title: "Atelier courriel", category: ServiceCategory.allCases[0])],
            validationsToday: [
                .init(serial: Self.serial(10_000_000_001), state: .redeemed, at: at, category: ServiceCategory.allCases[0],
                      amount: Money(cents: 1_000), undone: false),
                .init(serial: Self.serial(10_000_000_002), state: .distributed, at: at, category: nil, amount: Money(cents: 1_000), undone: true),
                .init(serial: Self.serial(10_000_000_003), state: .paid, at: at, category: nil, amount: Money(cents: 1_000), undone: false),
            ])
        let page = PlaceHomePage.View(model: model, context: Self.context("Lina Lieu", .placeManager), key: "cle-fixe",
                                      prefill: [PresentedCheck(serial: "1000 0000 0017", code: "")]).document
        assertSnapshot(of: snapshotLines(page), as: .lines, record: snapshotRecordMode)
    }

    @Test("Without explicit recording, a missing snapshot fails and is not written")
    func missingSnapshotFails() {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("__Snapshots__/PageSnapshotTests/missingSnapshotFails.never-recorded.txt")
        withKnownIssue {
            assertSnapshot(of: "nothing", as: .lines, named: "never-recorded", record: .never)
        }
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }
}
