import Foundation
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing

/// The dashboards and the overview read maintained tallies; these tests hold them to a from-scratch computation over
/// the rows (the queries the dashboard ran before the tallies, kept here as the oracle).
@Suite("Tallies: dashboards from maintained counters")
struct TallyTests {
    static let operatorActor = Actor("operateur@example.fr", organisation: .operator)

    @Test("After a whole story the dashboard and the overview equal a count over the rows, and verify holds", arguments: TestDatabase.allCases)
    func story(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let world = try await StoryWorld.play(store, clock) { step in
                try await Self.expectTalliesMatchRows(store, step)
            }
            // The story touched every counter the dashboard shows.
            let board = try await store.dashboard(of: world.territory.funder)
            #expect(board.bookletsStarted >= 2 && board.byPlace.count == 2 && board.byPrescriber.count == 2 && board.byCategory.count == 2)
            #expect(board.byMonth.filter { $0.checks > 0 }.map(\.month) == [Month("2026-03")!, Month("2026-04")!, Month("2026-05")!])
            #expect(board.byShare.map(\.label) == ["État", "Département du Nord", "CAF"])
            let overview = try await store.overview()
            #expect(Set(overview.checksByState.keys) == [.issued, .allocated, .distributed, .redeemed, .paid, .voided, .expired])
        }
    }

    @Test("verify names a tally, a booklet's count or a payout run changed behind the operations' back", arguments: TestDatabase.allCases)
    func tamperingIsCaught(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let world = try await StoryWorld.play(store, clock)
            try await expectInvariantsHold(store)
            let place = world.territory.place.rawValue, programme = world.territory.programme.rawValue
            // The change, what verify must name, and how to mend it (nil: rebuild the tallies from the rows).
            let tamperings: [(String, String, String?)] = [
                ("UPDATE tallies SET checks = checks + 1 WHERE dimension = 'place' AND ref = \(place) AND programme_id = \(programme) "
                    + "AND lane = (SELECT MIN(lane) FROM tallies WHERE dimension = 'place' AND ref = \(place) AND programme_id = \(programme))",
                 "programme \(programme) place \(place) is ", nil),
                ("INSERT INTO tallies (dimension, programme_id, ref, code, lane, checks) VALUES ('month', \(programme), 0, '2025-01', 3, 2)",
                 "programme \(programme) month 2025-01 is 2, the rows say 0", nil),
                ("DELETE FROM tallies WHERE dimension = 'booklets_started'", "programme \(programme) booklets_started is 0", nil),
                ("INSERT INTO tallies (dimension, programme_id, ref, code, lane, checks) VALUES ('checks_paid_month', \(programme), 0, '2026-03', 99, 1)",
                 "programme \(programme) checks_paid_month 2026-03 is ", nil),
                ("UPDATE booklets SET validated_checks = validated_checks + 1 WHERE id = (SELECT MIN(id) FROM booklets)", "booklet ", nil),
                ("UPDATE payout_runs SET total_cents = total_cents + 100", "payout run 2026-03 counts",
                 "UPDATE payout_runs SET total_cents = total_cents - 100"),
            ]
            for (statement, named, mend) in tamperings {
                let before = try await Self.snapshot(store)
                try await tamper(store, statement)
                let violations = try await store.verify()
                #expect(violations.map(\.invariant) == [.maintainedTallies], "\(statement): \(violations)")
                #expect(violations.first?.detail.contains(named) == true, "\(statement): \(violations)")
                // Rebuilding from the rows mends the counters: they go back to what the operations had kept.
                if let mend { try await tamper(store, mend) } else { try await store.rebuildTallies() }
                try await expectInvariantsHold(store)
                #expect(try await Self.snapshot(store) == before)
            }
        }
    }

    @Test("The recounts' month of an instant, in SQL, is its Europe/Paris month, across 30 months and their clock changes",
          arguments: TestDatabase.allCases)
    func monthCodeInSQL(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let first = try #require(Month("2025-01")), last = try #require(Month("2027-06"))
            // Each month's first and last milliseconds, the one after its first, and its middle.
            var instants: [Int64] = []
            var month = first
            while month <= last {
                let (starts, ends) = (month.interval.start.millis, month.interval.end.millis)
                instants += [starts, starts + 1, (starts + ends) / 2, ends - 1]
                month = month.next
            }
            let expression = try #require(Transaction.monthCode(of: "x.t", from: instants[0], to: instants[instants.count - 1]))
            #expect(expression.starts == first.interval.start.millis && expression.ends == last.interval.end.millis)
            let rows: [SQLQueryString] = instants.map { "SELECT \(bind: $0) AS t" }
            let found = try await store.read { tx in
                try await tx.sql.raw("SELECT x.t, \(expression.code) AS code FROM (\(rows.joined(separator: " UNION ALL "))) x ORDER BY x.t")
                    .all().map { (try $0.int("t"), try $0.string("code")) }
            }
            #expect(found.map(\.0) == instants)
            for (instant, code) in found {
                #expect(code == CivilDate(Date(millis: instant)).calendarMonth.description, "\(instant)")
            }
            // One month is its code; instants in no month of the calendar, none.
            let june = try #require(Transaction.monthCode(of: "x.t", from: instants[instants.count - 2], to: instants[instants.count - 1]))
            #expect(june.starts == last.interval.start.millis && june.ends == last.interval.end.millis)
            #expect(Transaction.monthCode(of: "x.t", from: instants[instants.count - 1], to: instants[0]) == nil)
        }
    }

    @Test("The migration's fill and a rebuild give the counters the operations keep", arguments: TestDatabase.allCases)
    func refillEqualsMaintained(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let world = try await StoryWorld.play(store, clock)
            let kept = try await Self.snapshot(store)
            try await store.transaction { tx in try await tx.refillTallies() }
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM tallies WHERE lane <> 0") == 0)
            #expect(try await Self.snapshot(store) == kept)
            try await expectInvariantsHold(store)
            _ = world
        }
    }

    @Test("The dashboard and the overview run as many statements on a small and on a larger territory", arguments: TestDatabase.allCases)
    func statementCountDoesNotGrow(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 8)
            let serials = try await territory.handOut(store)
            _ = try await store.validate(territory.request(store, [serials[0]]))
            func statements(_ read: () async throws -> Void) async throws -> Int {
                let before = store.statementsExecuted
                try await read()
                return store.statementsExecuted - before
            }
            let small = (try await statements { _ = try await store.dashboard(of: territory.funder) },
                         try await statements { _ = try await store.overview() })
            // More programmes, places, prescribers, months and booklets.
            let world = try await StoryWorld.play(store, clock, territory: territory)
            #expect(try await store.dashboard(of: world.territory.funder).byPlace.count == 2)
            let large = (try await statements { _ = try await store.dashboard(of: territory.funder) },
                         try await statements { _ = try await store.overview() })
            #expect(small == large)
        }
    }

    @Test("Concurrent validations of one booklet's checks start it once", arguments: TestDatabase.allCases)
    func concurrentValidationsStartABookletOnce(database: TestDatabase) async throws {
        try await withStore(database, connections: 8) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let serials = try await territory.handOut(store)
            let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for serial in serials {
                    group.addTask { try await store.validate(territory.request(store, [serial], key: "one-\(serial.compact)")).accepted }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(accepted == 10)
            let board = try await store.dashboard(of: territory.funder)
            #expect(board.bookletsStarted == 1 && board.checksValidated == 10)
            try await expectInvariantsHold(store)
        }
    }

    // MARK: The oracle

    /// The dashboard and the overview against the rows, and verify.
    static func expectTalliesMatchRows(_ store: Store, _ step: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let funders = try await store.read { tx in try await tx.sql.raw("SELECT id FROM funders ORDER BY id").all().map { FunderID(try $0.int("id")) } }
        for funder in funders {
            for months in [12, 2] {
                let kept = try await store.dashboard(of: funder, months: months), counted = try await oracleDashboard(store, funder, months: months)
                #expect(Board(kept) == Board(counted), "\(step): dashboard of funder \(funder)", sourceLocation: sourceLocation)
            }
        }
        #expect(try await store.overview() == oracleOverview(store), "\(step): overview", sourceLocation: sourceLocation)
        for month in ["2026-03", "2026-04", "2026-05"].compactMap(Month.init) {
            let kept = try await store.payoutPreviewTotals(for: month), places = try await store.payoutPlaces(for: month)
            let counted = try await oraclePayoutTotals(store, month)
            #expect(kept.checks == counted.checks && kept.amount == counted.amount && kept.net == counted.net && places == counted.places,
                    "\(step): payout totals of \(month): \(kept), \(places) places, the rows say \(counted)", sourceLocation: sourceLocation)
        }
        let violations = try await store.verify()
        #expect(violations.isEmpty, "\(step): \(violations)", sourceLocation: sourceLocation)
    }

    /// The payout preview's totals from the month's redeemed checks (the query they ran before the tallies), and what the
    /// run would transfer from the per-place preview lines.
    static func oraclePayoutTotals(_ store: Store, _ month: Month) async throws -> (checks: Int, amount: Money, net: Money, places: Int) {
        let row = try await store.read { tx in
            try await tx.sql.raw("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n, CAST(COALESCE(SUM(p.face_value_cents), 0) AS BIGINT) AS amount,
                  CAST(COUNT(DISTINCT c.place_id) AS BIGINT) AS places
                FROM checks c JOIN programmes p ON p.id = c.programme_id
                WHERE \(PayoutSQL.payable("c", in: month))
                """).first()
        }
        let lines = try await PagingTests.walk(limit: 50) { try await store.payoutPreview(for: month, $0) }
        let net = lines.reduce(Money.zero) { $0 + Deductions.take([(id: 0, remaining: $1.owed)], from: $1.amount).net }
        return (Int(try row?.int("n") ?? -1), Money(cents: try row?.int("amount") ?? -1), net, Int(try row?.int("places") ?? -1))
    }

    /// Every number the dashboards and the overview show, comparable.
    static func snapshot(_ store: Store) async throws -> Snapshot {
        let funders = try await store.read { tx in try await tx.sql.raw("SELECT id FROM funders ORDER BY id").all().map { FunderID(try $0.int("id")) } }
        var boards: [Board] = []
        for funder in funders { boards.append(Board(try await store.dashboard(of: funder))) }
        return Snapshot(overview: try await store.overview(), boards: boards)
    }

    struct Snapshot: Equatable {
        var overview: Overview
        var boards: [Board]
    }

    struct Board: Equatable, CustomStringConvertible {
        var numbers: [Int]
        var amount: Money
        var lines: [[FunderDashboard.Line]]
        var months: [String]

        init(_ board: FunderDashboard) {
            numbers = [board.bookletsIssued, board.bookletsHandedOut, board.bookletsStarted, board.checksHandedOut, board.checksValidated]
            amount = board.amountValidated
            lines = [board.byShare, board.byPrescriber, board.byPlace, board.byCategory]
            months = board.byMonth.map { "\($0.month) \($0.checks) \($0.amount.cents)" }
        }

        var description: String { "\(numbers) \(amount.cents) \(lines) \(months)" }
    }

    /// The funder dashboard as it was computed before the tallies: from `checks`, `booklets` and `redemptions`.
    static func oracleDashboard(_ store: Store, _ funder: FunderID, months: Int) async throws -> FunderDashboard {
        let now = store.clock.now
        return try await store.read { tx in
            var board = FunderDashboard()
            let f = funder.rawValue
            func number(_ query: SQLQueryString) async throws -> Int {
                Int(try await tx.sql.raw(query).first(decodingColumn: "n", as: Int64.self) ?? 0)
            }
            board.bookletsIssued = try await number("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM booklets b JOIN programmes p ON p.id = b.programme_id WHERE p.funder_id = \(bind: f)
                """)
            board.bookletsHandedOut = try await number("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM booklets b JOIN programmes p ON p.id = b.programme_id WHERE p.funder_id = \(bind: f)
                  AND EXISTS (SELECT 1 FROM checks c WHERE c.id BETWEEN b.first_check_id AND b.last_check_id AND c.beneficiary_id IS NOT NULL)
                """)
            board.bookletsStarted = try await number("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM booklets b JOIN programmes p ON p.id = b.programme_id WHERE p.funder_id = \(bind: f)
                  AND EXISTS (SELECT 1 FROM checks c WHERE c.id BETWEEN b.first_check_id AND b.last_check_id
                    AND c.state IN (\(binds: CheckState.validated.binds)))
                """)
            board.checksHandedOut = try await number("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM checks c JOIN programmes p ON p.id = c.programme_id
                WHERE p.funder_id = \(bind: f) AND c.beneficiary_id IS NOT NULL
                """)
            func lines(_ query: SQLQueryString) async throws -> [FunderDashboard.Line] {
                try await tx.sql.raw(query).all().map {
                    FunderDashboard.Line(label: try $0.string("label"), checks: Int(try $0.int("checks")), amount: Money(cents: try $0.int("amount")))
                }
            }
            let validated: SQLQueryString = "p.funder_id = \(bind: f) AND c.state IN (\(binds: CheckState.validated.binds))"
            let perProgramme = try await tx.sql.raw("""
                SELECT p.id AS programme_id, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount
                FROM checks c JOIN programmes p ON p.id = c.programme_id WHERE \(validated) GROUP BY p.id ORDER BY p.id
                """).all()
            var shares: [String: Money] = [:]
            var shareOrder: [String] = []
            for row in perProgramme {
                let amount = Money(cents: try row.int("amount"))
                board.checksValidated += Int(try row.int("checks"))
                board.amountValidated += amount
                for part in try await tx.programme(ProgrammeID(try row.int("programme_id"))).terms.split(amount) {
                    if shares[part.cofunder] == nil { shareOrder.append(part.cofunder) }
                    shares[part.cofunder, default: .zero] += part.amount
                }
            }
            board.byShare = shareOrder.map { FunderDashboard.Line(label: $0, checks: 0, amount: shares[$0] ?? .zero) }
            board.byPrescriber = try await lines("""
                SELECT pr.name AS label, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN booklets b ON b.id = c.booklet_id
                JOIN prescribers pr ON pr.id = b.prescriber_id WHERE \(validated) GROUP BY pr.id, pr.name ORDER BY pr.name
                """)
            board.byPlace = try await lines("""
                SELECT pl.name AS label, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN places pl ON pl.id = c.place_id
                WHERE \(validated) GROUP BY pl.id, pl.name ORDER BY pl.name
                """)
            board.byCategory = try await lines("""
                SELECT r.category AS label, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount
                FROM redemptions r JOIN checks c ON c.id = r.check_id JOIN programmes p ON p.id = c.programme_id
                WHERE r.undone_at IS NULL AND \(validated) GROUP BY r.category ORDER BY r.category
                """)
            var month = CivilDate(now).calendarMonth
            var history: [(Month, Int, Money)] = []
            for _ in 0..<months {
                let (start, end) = month.interval
                let row = try await tx.sql.raw("""
                    SELECT CAST(COUNT(*) AS BIGINT) AS checks, CAST(COALESCE(SUM(p.face_value_cents), 0) AS BIGINT) AS amount
                    FROM checks c JOIN programmes p ON p.id = c.programme_id
                    WHERE \(validated) AND c.redeemed_at >= \(bind: start.millis) AND c.redeemed_at < \(bind: end.millis)
                    """).first()
                history.append((month, Int(try row?.int("checks") ?? 0), Money(cents: try row?.int("amount") ?? 0)))
                month = month.previous
            }
            board.byMonth = history.reversed().map { (month: $0.0, checks: $0.1, amount: $0.2) }
            return board
        }
    }

    /// The overview as it was computed before the tallies: counting the tables.
    static func oracleOverview(_ store: Store) async throws -> Overview {
        try await store.read { tx in
            func count(_ table: String) async throws -> Int {
                Int(try await tx.sql.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM \(ident: table)").first(decodingColumn: "n", as: Int64.self) ?? 0)
            }
            var overview = Overview()
            overview.funders = try await count("funders")
            overview.prescribers = try await count("prescribers")
            overview.places = try await count("places")
            overview.programmes = try await count("programmes")
            overview.orders = try await count("orders")
            overview.booklets = try await count("booklets")
            overview.beneficiaries = try await count("beneficiaries")
            overview.payouts = try await count("payouts")
            overview.creditNotes = try await count("credit_notes")
            overview.journalTransactions = try await count("journal_transactions")
            for row in try await tx.sql.raw("SELECT state, CAST(COUNT(*) AS BIGINT) AS n FROM checks GROUP BY state").all() {
                if let state = CheckState(rawValue: try row.string("state")) { overview.checksByState[state] = Int(try row.int("n")) }
            }
            overview.paidOut = Money(cents: try await tx.sql.raw("SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) AS n FROM payouts")
                .first(decodingColumn: "n", as: Int64.self) ?? 0)
            return overview
        }
    }
}

/// Every operation that changes a counter, on two programmes of one funder (different co-funders), two prescribers,
/// two places and two months; `checkpoint` runs after each step.
struct StoryWorld {
    let territory: Territory

    static func play(_ store: Store, _ clock: ManualClock, territory given: Territory? = nil,
                     checkpoint: (String) async throws -> Void = { _ in }) async throws -> StoryWorld {
        let territory: Territory
        if let given { territory = given } else { territory = try await Territory.make(store, booklets: 6) }
        try await checkpoint("issuance")
        // A second programme of the same funder, co-funded by the CAF, ending early (it expires at the end).
        var terms = Territory.standardTerms
        terms.name = "Pass numérique CAF"
        terms.validUntil = CivilDate("2026-04-20")!
        terms.graceDays = 5
        terms.shares = [CoFundingShare(cofunder: "État", percent: 65), CoFundingShare(cofunder: "CAF", percent: 35)]
        let second = try await store.createProgramme(funder: territory.funder, terms: terms)
        let other = try await store.createPrescriber(name: "France Services Roubaix", commune: CommuneCode("59512")!)
        let person = try await store.createBeneficiary(NewBeneficiary(
            firstName: "Paul", lastName: "Durand", birthYear: 1960, commune: CommuneCode("59512")!, consentDate: CivilDate(store.clock.now)),
            prescriber: other)
        for prescriber in [territory.prescriber, other] {
            try await store.setQuota(programme: second, prescriber: prescriber, booklets: 10, actor: .system)
        }
        try await store.setQuota(programme: territory.programme, prescriber: other, booklets: 10, actor: .system)
        let order = try await store.createOrder(programme: second, booklets: 3, actor: .system)
        try await store.carry(order, to: .fulfilled)
        try await checkpoint("second programme issued")
        let place2 = try await territory.place(store)

        // Allocation, a return, hand-outs (a whole booklet, part of another).
        let whole = try await territory.handOut(store)
        let part = try await territory.handOut(store, checks: 3)
        let returned = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 2, actor: .system)
        try await store.returnBooklets([returned[1]], from: territory.prescriber)
        try await checkpoint("allocation, return and hand-out")
        let secondBooklet = try await store.allocate(programme: second, prescriber: other, booklets: 2, actor: .system)
        let secondChecks = try await store.handOut(booklet: secondBooklet[0], checks: 4, to: person, by: other)
        try await checkpoint("hand-out in the second programme")

        // Validations in March at two places, for two categories, and an undo.
        #expect(try await store.validate(territory.request(store, Array(whole[0...2]))).accepted)
        #expect(try await store.validate(territory.request(store, [whole[3]], at: place2, category: .safeUse)).accepted)
        #expect(try await store.validate(territory.request(store, Array(secondChecks[0...1]), at: place2)).accepted)
        try await checkpoint("validations in March")
        try await store.undoValidation(of: whole[2], at: territory.place)
        try await checkpoint("undo")

        // April: more validations, the March payout, reversals of a paid and of a redeemed check.
        clock.set(CivilDate("2026-04-02")!.start.addingTimeInterval(10 * 3600))
        #expect(try await store.validate(territory.request(store, [whole[4], whole[5], part[0]])).accepted)
        #expect(try await store.validate(territory.request(store, [secondChecks[2]], category: .safeUse)).accepted)
        try await checkpoint("validations in April")
        _ = try await store.runPayouts(for: Month("2026-03")!)
        try await checkpoint("payout of March")
        _ = try await store.reverse(whole[0], reason: "Fraude", actor: TallyTests.operatorActor)
        _ = try await store.reverse(whole[4], reason: "Erreur de saisie", actor: TallyTests.operatorActor)
        try await checkpoint("reversals")

        // Oppositions: a distributed check, an allocated one, a whole booklet.
        try await store.oppose([whole[9], secondChecks[3]], reason: .lost, actor: .system)
        let allocated = try await store.read { tx in
            try await tx.sql.raw("SELECT MIN(id) AS id FROM checks WHERE state = 'allocated'").first(decodingColumn: "id", as: Int64.self)
        }
        if let allocated, let serial = CheckSerial(number: allocated) { try await store.oppose([serial], reason: .stolen, actor: .system) }
        try await store.opposeBooklet(secondBooklet[1], reason: .stolen, actor: .system)
        try await checkpoint("oppositions")

        // May: the April payout, then the second programme expires (its credit note).
        clock.set(CivilDate("2026-05-02")!.start.addingTimeInterval(10 * 3600))
        _ = try await store.runPayouts(for: Month("2026-04")!)
        try await checkpoint("payout of April")
        #expect(try await store.validate(territory.request(store, [whole[6]])).accepted)
        try await checkpoint("validation in May")
        #expect(try await store.expireProgrammes().count == 1)
        try await checkpoint("expiry")
        return StoryWorld(territory: territory)
    }
}
