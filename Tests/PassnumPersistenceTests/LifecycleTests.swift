import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Orders, issuance and distribution")
struct LifecycleTests {
    @Test("Fulfilling an order issues its booklets and checks with valid serials, and payment is journaled", arguments: TestDatabase.allCases)
    func fulfilmentIssuesChecks(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 7)
            let overview = try await store.overview()
            #expect(overview.booklets == 7)
            #expect(overview.checksByState[.issued] == 70)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM checks WHERE booklet_id IS NULL") == 0)
            // Every check's id makes a 12-digit serial whose check digit validates.
            let ids = try await store.read { tx in try await tx.sql.raw("SELECT id FROM checks ORDER BY id").all().map { try $0.int("id") } }
            for id in ids {
                let serial = try #require(CheckSerial(number: id))
                #expect(CheckSerial.parse(serial.grouped) == .success(serial))
            }
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM journal_transactions WHERE kind = 'order_payment'") == 1)
            #expect(try await count(store, "SELECT CAST(SUM(debit_cents) AS BIGINT) AS n FROM journal_lines WHERE account = 'bank'") == 70_000)
            #expect(try await store.order(territory.order).state == .fulfilled)
            try await expectInvariantsHold(store)
        }
    }

    @Test("An order cannot skip a state nor be fulfilled twice", arguments: TestDatabase.allCases)
    func orderTransitions(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let order = try await store.createOrder(programme: territory.programme, booklets: 2, actor: .system)
            await #expect(throws: DomainError.invalidTransition(entity: "order \(order)", from: "draft", to: "paid")) {
                try await store.moveOrder(order, to: .paid, actor: .system)
            }
            await #expect(throws: DomainError.self) { try await store.moveOrder(territory.order, to: .fulfilled, actor: .system) }
            try await store.moveOrder(order, to: .cancelled, actor: .system)
            await #expect(throws: DomainError.self) { try await store.moveOrder(order, to: .quoted, actor: .system) }
            #expect(try await store.overview().checks == 10)
            try await expectInvariantsHold(store)
        }
    }

    @Test("A programme whose co-funding shares do not add up to 100 % is refused", arguments: TestDatabase.allCases)
    func programmeSharesMustAddUp(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let funder = try await store.createFunder(name: "Commune de Roubaix")
            var terms = Territory.standardTerms
            terms.shares = [CoFundingShare(cofunder: "État", percent: 50), CoFundingShare(cofunder: "Commune", percent: 40)]
            await #expect(throws: DomainError.invalid(field: .shares, problem: .sharesTotal(basisPoints: 9_000))) {
                try await store.createProgramme(funder: funder, terms: terms)
            }
            #expect(try await store.overview().programmes == 0)
        }
    }

    @Test("Allocation respects the prescriber's quota and takes booklets from the funder's stock", arguments: TestDatabase.allCases)
    func allocationWithinQuota(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 10, quota: 3)
            let booklets = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 2, actor: .system)
            #expect(booklets.count == 2)
            #expect(try await store.overview().checksByState[.allocated] == 20)
            await #expect(throws: DomainError.quotaExceeded(quota: 3, held: 2, requested: 2)) {
                try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 2, actor: .system)
            }
            let other = try await store.createPrescriber(name: "France Services Tourcoing", commune: CommuneCode("59599")!)
            await #expect(throws: DomainError.noQuota(programme: territory.programme, prescriber: other)) {
                try await store.allocate(programme: territory.programme, prescriber: other, booklets: 1, actor: .system)
            }
            try await store.setQuota(programme: territory.programme, prescriber: other, booklets: 50, actor: .system)
            await #expect(throws: DomainError.insufficientStock(available: 8, requested: 9)) {
                try await store.allocate(programme: territory.programme, prescriber: other, booklets: 9, actor: .system)
            }
            try await expectInvariantsHold(store)
        }
    }

    @Test("Allocation takes the lowest-numbered booklets still in stock, returned ones included", arguments: TestDatabase.allCases)
    func allocationTakesLowestInStock(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 6)
            let first = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 3, actor: .system)
            try await store.returnBooklets([first[1]], from: territory.prescriber)
            let second = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 2, actor: .system)
            #expect(second == [first[1], BookletID(first[2].rawValue + 1)])
            let held = try await count(store, "SELECT COUNT(*) AS n FROM booklets WHERE prescriber_id IS NOT NULL")
            #expect(held == 4)
            #expect(try await store.overview().checksByState[.allocated] == 40)
            #expect(try await store.overview().checksByState[.issued] == 20)
            try await expectInvariantsHold(store)
        }
    }

    @Test("The allocation benchmark allocates what it is asked from the stock it made", arguments: TestDatabase.allCases)
    func allocationBenchmark(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let result = try await Benchmark.allocation(store, stock: 30, allocate: 20)
            #expect(result.operations == 20 && result.name == "allocate 20 booklets from a stock of 30")
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM booklets") == 30)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM booklets WHERE prescriber_id IS NOT NULL") == 20)
            try await expectInvariantsHold(store)
        }
    }

    @Test("One allocation can move more booklets than a statement can bind parameters", arguments: TestDatabase.allCases)
    func largeAllocation(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            // 33 000 booklets: past SQLite's 32 766 parameters, which a list of booklet ids would need.
            let territory = try await Territory.make(store, booklets: 33_000, quota: 40_000)
            let booklets = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 33_000, actor: .system)
            #expect(booklets.count == 33_000)
            #expect(try await store.overview().checksByState[.allocated] == 330_000)
            try await store.returnBooklets(booklets, from: territory.prescriber)
            #expect(try await store.overview().checksByState[.issued] == 330_000)
        }
    }

    @Test("Id ranges merge adjacent and overlapping ids and split long lists into bounded statements")
    func idRanges() {
        let ranges = IDRanges([7...9, 1...1, 2...3, 5...5, 8...12])
        #expect(ranges.ranges == [1...3, 5...5, 7...12])
        #expect(IDRanges(ids: [4, 2, 3, 10]).ranges == [2...4, 10...10])
        #expect(IDRanges(ids: [Int64]()).conditions(on: "id").isEmpty)
        #expect(IDRanges(ids: stride(from: Int64(0), to: 5_000, by: 2)).conditions(on: "id", chunk: 1_000).count == 3)
    }

    @Test("Returned booklets go back to the funder's stock, but not once a check was handed out", arguments: TestDatabase.allCases)
    func returnBooklets(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 3)
            let booklets = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 2, actor: .system)
            try await store.handOut(booklet: booklets[1], checks: 1, to: territory.beneficiary, by: territory.prescriber)
            await #expect(throws: DomainError.self) { try await store.returnBooklets([booklets[1]], from: territory.prescriber) }
            try await store.returnBooklets([booklets[0]], from: territory.prescriber)
            let overview = try await store.overview()
            #expect(overview.checksByState[.issued] == 20)
            #expect(overview.checksByState[.allocated] == 9)
            #expect(overview.checksByState[.distributed] == 1)
            try await expectInvariantsHold(store)
        }
    }

    @Test("Handing out gives the beneficiary a whole booklet or some checks, within the programme's maximum", arguments: TestDatabase.allCases)
    func handOut(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            var terms = Territory.standardTerms
            terms.maxChecksPerBeneficiary = 12
            let territory = try await Territory.make(store, booklets: 3, terms: terms)
            let whole = try await territory.handOut(store)
            #expect(whole.count == 10)
            let booklet = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 1, actor: .system)[0]
            await #expect(throws: DomainError.beneficiaryLimit(maximum: 12, held: 10, requested: 3)) {
                try await store.handOut(booklet: booklet, checks: 3, to: territory.beneficiary, by: territory.prescriber)
            }
            let two = try await store.handOut(booklet: booklet, checks: 2, to: territory.beneficiary, by: territory.prescriber)
            #expect(two.count == 2)
            #expect(try await store.overview().checksByState[.distributed] == 12)
            // Another prescriber cannot hand out this prescriber's booklet.
            let other = try await store.createPrescriber(name: "Autre", commune: CommuneCode("59350")!)
            let person = try await store.createBeneficiary(NewBeneficiary(
                firstName: "Jean", lastName: "Dupont", birthYear: nil, commune: CommuneCode("59350")!,
                consentDate: CivilDate(store.clock.now)), prescriber: other)
            await #expect(throws: DomainError.self) {
                try await store.handOut(booklet: booklet, checks: 1, to: person, by: other)
            }
            try await expectInvariantsHold(store)
        }
    }

    @Test("Hand-out stops 15 days before the end; allocation at the end", arguments: TestDatabase.allCases)
    func handOutStops(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 3)
            let booklet = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 1, actor: .system)[0]
            // The programme ends on 2026-06-30: hand-outs stop on 2026-06-15.
            clock.set(CivilDate("2026-06-14")!.start.addingTimeInterval(3600 * 20))
            #expect(try await store.handOut(booklet: booklet, checks: 1, to: territory.beneficiary, by: territory.prescriber).count == 1)
            clock.set(CivilDate("2026-06-15")!.start.addingTimeInterval(3600))
            await #expect(throws: DomainError.programmeClosed(programme: territory.programme, since: CivilDate("2026-06-15")!)) {
                try await store.handOut(booklet: booklet, checks: 1, to: territory.beneficiary, by: territory.prescriber)
            }
            #expect(try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 1, actor: .system).count == 1)
            clock.set(CivilDate("2026-07-01")!.start.addingTimeInterval(3600))
            await #expect(throws: DomainError.programmeClosed(programme: territory.programme, since: CivilDate("2026-07-01")!)) {
                try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 1, actor: .system)
            }
        }
    }

    @Test("Opposing voids checks before redemption, all or nothing", arguments: TestDatabase.allCases)
    func opposition(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 2)
            let serials = try await territory.handOut(store)
            let outcome = try await store.validate(territory.request(store, [serials[0]]))
            #expect(outcome.accepted)
            await #expect(throws: DomainError.self) { try await store.oppose([serials[1], serials[0]], reason: .stolen, actor: .system) }
            #expect(try await store.overview().checksByState[.voided] == nil)
            try await store.oppose([serials[1]], reason: .lost, actor: .system)
            let booklet = BookletID(try await store.read { tx in
                try await tx.sql.raw("SELECT booklet_id FROM checks WHERE id = \(bind: serials[2].number)").first(decodingColumn: "booklet_id", as: Int64.self)!
            })
            // Only the prescriber holding the booklet (or the operator) opposes it or its checks; another does not see it.
            let other = Actor("autre", organisation: .prescriber(try await store.createPrescriber(name: "Autre CCAS", commune: CommuneCode("59350")!)))
            await #expect(throws: DomainError.notFound("booklet \(booklet)")) { try await store.opposeBooklet(booklet, reason: .stolen, actor: other) }
            await #expect(throws: DomainError.self) { try await store.oppose([serials[2]], reason: .stolen, actor: other) }
            await #expect(throws: DomainError.self) { try await store.opposeBooklet(booklet, reason: .stolen, actor: Actor("oubli")) }
            #expect(try await store.opposeBooklet(booklet, reason: .stolen, actor: Actor("ccas", organisation: .prescriber(territory.prescriber))) == 8)
            let overview = try await store.overview()
            #expect(overview.checksByState[.voided] == 9)
            #expect(overview.checksByState[.redeemed] == 1)
            let refused = try await store.validate(territory.request(store, [serials[1]]))
            #expect(refused.items[0].refusal == .voided)
            try await expectInvariantsHold(store)
        }
    }

    @Test("Place qualification follows its states and affiliation needs a qualified place", arguments: TestDatabase.allCases)
    func placeStates(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let funder = try await store.createFunder(name: "CAF du Nord")
            let place = try await store.createPlace(NewPlace(name: "EPN", siret: "35600000000048", commune: CommuneCode("59350")!, postcode: "59000"))
            await #expect(throws: DomainError.self) {
                try await store.createPlace(NewPlace(name: "Doublon", siret: "35600000000048", commune: CommuneCode("59350")!, postcode: "59000"))
            }
            try await store.requestAffiliation(place: place, funder: funder)
            await #expect(throws: DomainError.invalidTransition(entity: "place \(place)", from: "submitted", to: "affiliated")) {
                try await store.decideAffiliation(place: place, funder: funder, approve: true)
            }
            try await store.changePlaceState(place, to: .qualified)
            try await store.decideAffiliation(place: place, funder: funder, approve: true)
            await #expect(throws: DomainError.invalid(field: .reason, problem: .empty)) {
                try await store.changePlaceState(place, to: .suspended)
            }
            try await store.changePlaceState(place, to: .suspended, reason: "Contrôle")
            try await store.changePlaceState(place, to: .qualified)
            try await store.changePlaceState(place, to: .disqualified, reason: "Fraude")
            await #expect(throws: DomainError.self) { try await store.changePlaceState(place, to: .qualified) }
            #expect(try await store.placeState(place) == .disqualified)
        }
    }
}

@Suite("Programme edits")
struct ProgrammeEditTests {
    @Test("A programme can be edited by its funder until its first order, not after", arguments: TestDatabase.allCases)
    func editBeforeFirstOrder(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let funder = try await store.createFunder(name: "Département du Nord")
            let other = try await store.createFunder(name: "Autre")
            let programme = try await store.createProgramme(funder: funder, terms: Territory.standardTerms)
            var terms = Territory.standardTerms
            terms.name = "Pass numérique Nord 2026"
            terms.faceValue = Money(cents: 2000)
            terms.shares = [CoFundingShare(cofunder: "État", percent: 65), CoFundingShare(cofunder: "Département", percent: 35)]
            await #expect(throws: DomainError.notFound("programme \(programme)")) {
                try await store.updateProgramme(programme, of: other, terms: terms)
            }
            try await store.updateProgramme(programme, of: funder, terms: terms)
            let saved = try await store.programme(programme)
            #expect(saved.terms.name == "Pass numérique Nord 2026" && saved.terms.faceValue == Money(cents: 2000))
            #expect(saved.terms.shares == terms.shares)
            _ = try await store.createOrder(programme: programme, booklets: 1, actor: .system)
            terms.faceValue = Money(cents: 500)
            await #expect(throws: DomainError.invalidTransition(entity: "programme \(programme)", from: "ordered", to: "edited")) {
                try await store.updateProgramme(programme, of: funder, terms: terms)
            }
            #expect(try await store.programme(programme).terms.faceValue == Money(cents: 2000))
        }
    }
}

@Suite("Place applications")
struct ApplicationTests {
    static let organisation = ApplicationData.Organisation(name: "Association Clic", siret: "732 829 320 00074", phone: "+33320000000")
    static let sites = [ApplicationData.Site(name: "Clic Lille", address: "1 rue Nationale", postcode: "59000", communeCode: "59350", communeName: "Lille",
                                             latitude: 50.63, longitude: 3.06)]

    @Test("Steps are locked once submitted, the SIRET must be valid and unique, and a complete application goes to review",
          arguments: TestDatabase.allCases)
    func stepsLockAndSubmit(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let (_, place) = try await store.signUpPlace(email: "clic@example.fr", name: "Claire", passwordHash: "x", placeName: "Clic")
            await #expect(throws: DomainError.invalid(field: .siret, problem: .malformed)) {
                try await store.submit(.organisation(ApplicationData.Organisation(name: "Clic", siret: "73282932000075")), place: place)
            }
            try await store.submit(.organisation(Self.organisation), place: place)
            await #expect(throws: DomainError.invalidTransition(entity: "step organisation", from: "submitted", to: "changed")) {
                try await store.submit(.organisation(ApplicationData.Organisation(name: "Autre nom", siret: "73282932000074")), place: place)
            }
            #expect(try await store.application(of: place).name == "Association Clic")
            // Another place cannot take the same SIRET.
            let (_, other) = try await store.signUpPlace(email: "autre@example.fr", name: "Paul", passwordHash: "x", placeName: "Autre")
            await #expect(throws: DomainError.invalid(field: .siret, problem: .alreadyUsed)) {
                try await store.submit(.organisation(Self.organisation), place: other)
            }
            await #expect(throws: DomainError.self) { try await store.submitApplication(place: place, actor: Actor("claire")) }
            try await store.submit(.sites(Self.sites), place: place)
            try await store.submit(.representative(ApplicationData.Representative(firstName: "Claire", lastName: "Dupont", role: "Présidente",
                                                                                       email: "claire@example.fr")), place: place)
            try await store.submit(.eligibility([true, true, true, true]), place: place)
            try await store.submit(.services(ApplicationData.Services(categories: [.everydayTools])), place: place)
            try await store.submit(.hours(ApplicationData.Hours(openingHours: "Mo-Fr 09:00-17:00")), place: place)
            try await store.submit(.bank(ApplicationData.Bank(holder: "Association Clic", iban: "FR7630006000011234567890189", bic: "AGRIFRPP")), place: place)
            await #expect(throws: DomainError.invalid(field: .documents, problem: .empty)) {
                try await store.submit(.documents, place: place)
            }
            await #expect(throws: DomainError.invalid(field: .document, problem: .fileType)) {
                try await store.addDocument(place: place, filename: "statuts.pdf", bytes: Array("MZ not a pdf".utf8))
            }
            // The browser's file name loses its path and its control characters (PostgreSQL refuses U+0000).
            try await store.addDocument(place: place, filename: "../../sta\u{0}tuts\u{1B}.pdf", bytes: Array("%PDF-1.4 statuts".utf8))
            try await store.submit(.documents, place: place)
            await #expect(throws: DomainError.self) {
                try await store.addDocument(place: place, filename: "rib.pdf", bytes: Array("%PDF-1.4 rib".utf8))
            }
            let application = try await store.application(of: place)
            #expect(application.nextStep == nil && application.documents.map(\.filename) == ["statuts.pdf"])
            #expect(try await store.document(application.documents[0].id, of: place)?.bytes == Data("%PDF-1.4 statuts".utf8))
            try await store.submitApplication(place: place, actor: Actor("claire@example.fr"))
            try await store.changePlaceState(place, to: .qualified, actor: Actor("operateur@example.fr"))
            let decisions = try await store.decisions(of: place)
            #expect(decisions.map(\.to) == [.submitted, .qualified])
            #expect(decisions.map(\.actor) == ["claire@example.fr", "operateur@example.fr"])
            await #expect(throws: DomainError.self) { try await store.submit(.hours(ApplicationData.Hours(openingHours: "24/7")), place: place) }
        }
    }

    @Test("A disqualified place cannot validate checks, ever", arguments: TestDatabase.allCases)
    func disqualifiedCannotValidate(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let serials = try await territory.handOut(store)
            try await store.changePlaceState(territory.place, to: .disqualified, reason: "Fraude")
            #expect(try await store.validate(territory.request(store, [serials[0]])).items[0].refusal == .placeNotQualified)
            await #expect(throws: DomainError.self) { try await store.changePlaceState(territory.place, to: .qualified) }
        }
    }

    @Test("A catalogue service paid with checks is recorded on the validation", arguments: TestDatabase.allCases)
    func serviceOnValidation(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let serials = try await territory.handOut(store)
            let service = try await store.addService(NewService(category: .everydayTools, title: "Atelier smartphone", description: "Bien utiliser son téléphone",
                                                                durationMinutes: 90, priceChecks: 2), place: territory.place)
            try await store.addSession(service: service, place: territory.place, startsAt: "2026-03-12T14:00", capacity: 8)
            await #expect(throws: DomainError.self) {
                try await store.addSession(service: service, place: territory.place, startsAt: "demain", capacity: 8)
            }
            var request = territory.request(store, [serials[0], serials[1]])
            request.service = service
            #expect(try await store.validate(request).accepted)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM redemptions WHERE service_id = \(service)") == 2)
            var wrongCategory = territory.request(store, [serials[2]], category: .safeUse)
            wrongCategory.service = service
            await #expect(throws: DomainError.self) { try await store.validate(wrongCategory) }
            #expect(try await store.services(of: territory.place).first?.sessions.map(\.startsAt) == ["2026-03-12T14:00"])
        }
    }
}
