import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A realistic demo territory, replayed over the last two months with a manual clock: one département
/// funder with a programme co-funded by the State over two départements, 3 prescribers, 5 places (one not
/// affiliated, one suspended), 500 booklets ordered and fulfilled, 200 handed out, a few hundred validations
/// over two months and the payout run of last month. Deterministic: the same seed gives the same data.
public struct DemoScenario: Sendable {
    public struct Report: Sendable {
        public var overview: Overview
        public var validations = 0
        public var refusals = 0
        public var undone = 0
        public var payout: PayoutRunResult?
        public var violations: [InvariantViolation] = []
        /// One account per role, two operator admins: (role, email). They all share `DemoScenario.password`.
        public var logins: [(role: Role, email: String)] = []

        public var summary: String {
            var lines = [
                "Demo data:",
                "  funders \(overview.funders), prescribers \(overview.prescribers), places \(overview.places), programmes \(overview.programmes)",
                "  orders \(overview.orders), booklets \(overview.booklets), checks \(overview.checks), beneficiaries \(overview.beneficiaries)",
            ]
            let states = CheckState.allCases.compactMap { state in overview.checksByState[state].map { "\(state.rawValue) \($0)" } }
            lines.append("  checks by state: " + states.joined(separator: ", "))
            lines.append("  validation requests accepted \(validations), refused \(refusals), undone the same day \(undone)")
            if let payout {
                lines.append("  payout run \(payout.month): \(payout.payouts) payouts, \(payout.checks) checks, \(payout.total)")
            }
            lines.append(violations.isEmpty ? "  verify: all \(LedgerInvariant.allCases.count) invariants hold" : "  verify: \(violations.map(\.description).joined(separator: "; "))")
            if !logins.isEmpty {
                lines.append("Demo logins (password \(DemoScenario.password)):")
                lines += logins.map { "  \($0.role.rawValue): \($0.email)" }
            }
            return lines.joined(separator: "\n")
        }
    }

    let store: Store
    let seed: UInt64
    let hashPassword: @Sendable (String) throws -> String

    /// The demo accounts' password: printed by `passnum demo`, never to be used outside a demo.
    public static let password = "demo-passnum-2026"
    static let operatorEmail = "operateur@demo.passnum.fr"
    /// A second operator admin: a bank details change typed by one admin is verified by another (four eyes).
    static let secondOperatorEmail = "operateur2@demo.passnum.fr"
    static let funderEmail = "financeur@demo.passnum.fr"

    public init(store: Store, seed: UInt64 = 2019, hashPassword: @escaping @Sendable (String) throws -> String = { try Bcrypt.hash($0) }) {
        self.store = store
        self.seed = seed
        self.hashPassword = hashPassword
    }

    public func run() async throws -> Report {
        let realNow = store.clock.now
        let today = CivilDate(realNow)
        let currentMonth = today.calendarMonth
        let clock = ManualClock(currentMonth.previous.previous.firstDay.start.addingTimeInterval(9 * 3600))
        let store = self.store.with(clock: clock)
        var random = SplitMix64(seed: seed)
        var report = Report(overview: Overview())

        // Organisations.
        let funder = try await store.createFunder(name: "Département de la Gironde")
        let programme = try await store.createProgramme(funder: funder, terms: ProgrammeTerms(
            name: "Pass numérique Gironde – Dordogne",
            validFrom: CivilDate(clock.now), validUntil: today.adding(days: 300),
            perimeter: Perimeter(departements: [DepartementCode("33")!, DepartementCode("24")!]),
            categories: ServiceCategory.allCases.filter { $0 != .equipment },
            shares: [CoFundingShare(cofunder: "État", percent: 50), CoFundingShare(cofunder: "Département de la Gironde", percent: 50)],
            minChecksPerBeneficiary: 2, maxChecksPerBeneficiary: 10,
            bookletText: "Offert par le Département de la Gironde et l’État pour vous aider avec le numérique."))
        let prescribers = [
            try await store.createPrescriber(name: "CCAS de Bordeaux", commune: CommuneCode("33063")!),
            try await store.createPrescriber(name: "France Services de Libourne", commune: CommuneCode("33243")!),
            try await store.createPrescriber(name: "Maison des solidarités de Périgueux", commune: CommuneCode("24322")!),
        ]
        // Five places that applied through the real application, step by step, then were qualified.
        let placeSpecs: [(name: String, insee: String, postcode: String, commune: String, address: String, latitude: Double, longitude: Double)] = [
            ("Médiathèque Flora Tristan", "33063", "33000", "Bordeaux", "8 place de la Bourse", 44.8417, -0.5700),
            ("Centre social Bastide Benauge", "33063", "33100", "Bordeaux", "1 rue Raymond Poincaré", 44.8436, -0.5538),
            ("Espace public numérique de Libourne", "33243", "33500", "Libourne", "45 allée Robert Boulin", 44.9153, -0.2437),
            ("Association Les Connectés", "24322", "24000", "Périgueux", "12 rue Wilson", 45.1846, 0.7214),
            ("Fab lab du Bergeracois", "24037", "24100", "Bergerac", "5 rue du Marché", 44.8533, 0.4833),
        ]
        let hash = try hashPassword(Self.password)
        var places: [PlaceID] = []
        for (index, spec) in placeSpecs.enumerated() {
            let email = index == 0 ? "lieu@demo.passnum.fr" : "lieu\(index + 1)@demo.passnum.fr"
            let (_, place) = try await store.signUpPlace(email: email, name: "Responsable \(index + 1)", passwordHash: hash, placeName: spec.name)
            try await store.submit(.organisation(ApplicationData.Organisation(
                name: spec.name, siret: Self.demoSiret(index), phone: "+3355600000\(index)", email: "contact\(index + 1)@demo.passnum.fr",
                summary: "Ateliers et accompagnement individuel pour apprendre à utiliser le numérique.")), place: place)
            try await store.submit(.sites([ApplicationData.Site(
                name: spec.name, address: spec.address, postcode: spec.postcode, communeCode: spec.insee, communeName: spec.commune,
                latitude: spec.latitude, longitude: spec.longitude, access: "Accessible en fauteuil roulant. Arrêt de bus à 100 m.")]), place: place)
            try await store.submit(.representative(ApplicationData.Representative(
                firstName: "Dominique", lastName: "Martin", role: "Directrice", email: "direction\(index + 1)@demo.passnum.fr")), place: place)
            try await store.submit(.eligibility([true, true, true, true]), place: place)
            try await store.submit(.services(ApplicationData.Services(
                categories: [.administrativeProcedures, .everydayTools, .safeUse], accessibility: index == 0 ? ["Surdité"] : [])), place: place)
            try await store.submit(.hours(ApplicationData.Hours(openingHours: "Mo-Fr 09:00-12:00,14:00-18:00; Sa 09:00-12:00")), place: place)
            try await store.submit(.bank(ApplicationData.Bank(holder: spec.name, iban: Self.demoIBAN(index), bic: "AGRIFRPP")), place: place,
                                       actor: Actor(email, organisation: .place(place)))
            try await store.addDocument(place: place, filename: "statuts.pdf", bytes: Array("%PDF-1.4\n% statuts de démonstration\n".utf8))
            try await store.submit(.documents, place: place)
            try await store.submitApplication(place: place, actor: Actor(email))
            try await store.changePlaceState(place, to: .qualified, actor: Actor(Self.operatorEmail, organisation: .operator))
            // The bank step was the place's proposal: the operator verifies it with the application (four eyes: the place
            // proposed, the operator checked).
            for change in try await store.bankDetailsChanges(of: place) where change.state == .pending {
                try await store.decideBankDetails(change: change.id, verify: true, reason: "RIB joint à la demande",
                                                  actor: Actor(Self.operatorEmail, organisation: .operator))
            }
            try await store.addService(NewService(category: .everydayTools, title: "Atelier « Mon smartphone »",
                                                  description: "Apprendre à se servir de son téléphone : appels, photos, messages.",
                                                  durationMinutes: 90, priceChecks: 1), place: place)
            try await store.requestAffiliation(place: place, funder: funder)
            // The fourth place asked to join but the funder has not answered yet.
            if index != 3 { try await store.decideAffiliation(place: place, funder: funder, approve: true) }
            places.append(place)
        }

        // The operator's management fee: 2 % of the face value, with VAT on the fee only (on the invoices).
        try await store.setFeeSchedule(FeeSchedule(managementFee: .rate(basisPoints: 200)), actor: Actor(.demo), reason: "tarif de la démonstration")
        // 500 booklets in two orders, carried from draft to fulfilled: the funder orders and signs the quotes, the
        // operator quotes, invoices, records the bank transfers and fulfils.
        let funderManager = Actor(Self.funderEmail, organisation: .funder(funder))
        let operatorAdmin = Actor(Self.operatorEmail, organisation: .operator)
        for booklets in [300, 200] {
            let order = try await store.createOrder(programme: programme, booklets: booklets, actor: funderManager)
            try await store.carryOrder(order, to: .fulfilled, funder: funderManager, operator: operatorAdmin, bankReference: "VIR-GIRONDE")
        }

        // Stock to prescribers, then 200 booklets handed out over the first month.
        var stock: [(PrescriberID, BookletID)] = []
        for (prescriber, count) in zip(prescribers, [110, 80, 60]) {
            try await store.setQuota(programme: programme, prescriber: prescriber, booklets: 150, actor: .system)
            stock += try await store.allocate(programme: programme, prescriber: prescriber, booklets: count, actor: .system).map { (prescriber, $0) }
        }
        var handed: [(serial: CheckSerial, place: Int)] = []
        let firstMonthSeconds = Double(currentMonth.previous.firstDay.start.timeIntervalSince(clock.now))
        let handOutTimes = (0..<200).map { _ in Double(random.next() % 1000) / 1000 * firstMonthSeconds * 0.9 }.sorted()
        for (index, (prescriber, booklet)) in stock.prefix(200).enumerated() {
            clock.set(currentMonth.previous.previous.firstDay.start.addingTimeInterval(9 * 3600 + handOutTimes[index]))
            let commune = ["33063", "33243", "24322"][prescribers.firstIndex(of: prescriber)!]
            let person = try await store.createBeneficiary(NewBeneficiary(
                firstName: Self.firstNames[index % Self.firstNames.count],
                lastName: Self.lastNames[(index * 7) % Self.lastNames.count],
                birthYear: 1940 + Int(random.next() % 60), commune: CommuneCode(commune)!, consentDate: CivilDate(clock.now)),
                prescriber: prescriber)
            let answers = (0..<Diagnostic.questions.count).map { _ in Diagnostic.Answer(rawValue: Int(random.next() % 3))! }
            let level = try await store.recordDiagnostic(beneficiary: person, prescriber: prescriber, answers: answers)
            let count = Diagnostic.recommendedChecks(level: level, minimum: 2, maximum: 10)
            let serials = try await store.handOut(booklet: booklet, checks: count, to: person, by: prescriber)
            // People go to a place near them.
            let nearby = prescribers.firstIndex(of: prescriber)! == 2 ? [3, 4] : (prescribers.firstIndex(of: prescriber)! == 1 ? [2] : [0, 1])
            handed += serials.map { ($0, nearby[Int(random.next() % UInt64(nearby.count))]) }
        }
        // One person lost a booklet's remaining checks.
        try await store.opposeBooklet(stock[199].1, reason: .lost, actor: Actor(Self.operatorEmail, organisation: .operator))

        // A few hundred validations over last month and this month, in time order.
        let windowStart = currentMonth.previous.firstDay.start
        let window = realNow.timeIntervalSince(windowStart)
        var queue = handed.filter { _ in random.next() % 100 < 45 }
        queue.shuffle(using: &random)
        let times = queue.map { _ in windowStart.addingTimeInterval(Double(random.next() % 1_000_000) / 1_000_000 * window) }.sorted()
        let suspension = windowStart.addingTimeInterval(window * 0.6)
        var suspended = false
        for (index, check) in queue.enumerated() {
            clock.set(times[index])
            if !suspended && times[index] >= suspension {
                try await store.changePlaceState(places[4], to: .suspended, reason: "Contrôle en cours")
                suspended = true
            }
            let code = store.secret.securityCode(for: check.serial)
            let category = [ServiceCategory.administrativeProcedures, .everydayTools, .safeUse, .employment][Int(random.next() % 4)]
            let outcome = try await store.validate(ValidationRequest(
                place: places[check.place], checks: [PresentedCheck(serial: check.serial.grouped, code: code.grouped)],
                category: category, key: "demo-\(index)"), actor: Actor(.demo))
            if outcome.accepted {
                report.validations += 1
                // Now and then a place validated by mistake and undoes it the same day.
                if random.next() % 40 == 0 {
                    try await store.undoValidation(of: check.serial, at: places[check.place], actor: Actor(.demo))
                    report.undone += 1
                }
            } else {
                report.refusals += 1
            }
            // Some people try to use a check twice.
            if random.next() % 25 == 0 {
                let again = try await store.validate(ValidationRequest(
                    place: places[check.place], checks: [PresentedCheck(serial: check.serial.compact, code: code.canonical)],
                    category: category, key: "demo-\(index)-again"), actor: Actor(.demo))
                if !again.accepted { report.refusals += 1 }
            }
        }

        clock.set(realNow)
        report.payout = try await store.runPayouts(for: currentMonth.previous, actor: Actor(.demo))

        let accounts: [(Role, String, String, Organisation)] = [
            (.operatorAdmin, Self.operatorEmail, "Camille Opérateur", .operator),
            (.operatorAdmin, Self.secondOperatorEmail, "Alex Contrôleur", .operator),
            (.funderManager, Self.funderEmail, "Dominique Financeur", .funder(funder)),
            (.prescriberAgent, "prescripteur@demo.passnum.fr", "Sacha Prescripteur", .prescriber(prescribers[0])),
            (.placeAgent, "agent@demo.passnum.fr", "Charlie Agent", .place(places[0])),
        ]
        for (role, email, name, organisation) in accounts {
            try await store.createUser(email: email, name: name, passwordHash: hash, role: role, organisation: organisation)
        }
        report.logins = [(.operatorAdmin, Self.operatorEmail), (.operatorAdmin, Self.secondOperatorEmail), (.funderManager, Self.funderEmail),
                         (.prescriberAgent, "prescripteur@demo.passnum.fr"), (.placeManager, "lieu@demo.passnum.fr"),
                         (.placeAgent, "agent@demo.passnum.fr")]
        report.overview = try await store.overview()
        report.violations = try await store.verify()
        return report
    }

    /// Fictitious French IBANs whose check digits are right (ISO 7064 mod 97-10).
    static func demoIBAN(_ index: Int) -> String {
        let bban = String(format: "3000600001%011d00", index + 1)
        let numeric = (bban + "FR00").map { $0.isLetter ? String(Int($0.asciiValue!) - 55) : String($0) }.joined()
        let remainder = numeric.reduce(0) { ($0 * 10 + Int(String($1))!) % 97 }
        return String(format: "FR%02d", 98 - remainder) + bban
    }

    /// Fictitious SIRETs that pass the Luhn check.
    static func demoSiret(_ index: Int) -> String {
        let body = String(format: "9990000%06d", index + 1)
        let digits = body.compactMap { $0.wholeNumberValue }
        for last in 0...9 {
            let all = digits + [last]
            let sum = all.reversed().enumerated().reduce(0) { total, pair in
                let doubled = pair.offset % 2 == 1 ? pair.element * 2 : pair.element
                return total + (doubled > 9 ? doubled - 9 : doubled)
            }
            if sum % 10 == 0 { return body + String(last) }
        }
        return body + "0"
    }

    static let firstNames = ["Marie", "Jean", "Fatima", "Michel", "Nathalie", "Ahmed", "Monique", "Pierre", "Sylvie", "Karim",
                             "Josiane", "Bernard", "Aïcha", "Gérard", "Chantal", "Mamadou", "Odette", "Thierry"]
    static let lastNames = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
                            "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Benali", "Diallo", "Fournier", "Girard"]
}
