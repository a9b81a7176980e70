import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

/// The messages people expect are queued with their event, in its transaction, to the people who answer for it.
@Suite("Notices queued with their events")
struct NoticeTests {
    struct Queued: Equatable, CustomStringConvertible {
        let recipient: String
        let kind: String
        let notice: Notice
        var description: String { "\(recipient) \(notice)" }
    }

    /// The outbox, oldest first, each notice decoded.
    static func outbox(_ store: Store) async throws -> [Queued] {
        try await store.read { tx in
            try await tx.sql.raw("SELECT recipient, kind, notice FROM outbox ORDER BY id").all().map {
                Queued(recipient: try $0.string("recipient"), kind: try $0.string("kind"),
                       notice: try JSONDecoder().decode(Notice.self, from: Data(try $0.string("notice").utf8)))
            }
        }
    }

    /// What was queued since `before` (a count of rows), with its recipient.
    static func queued(_ store: Store, since before: Int) async throws -> [Queued] {
        Array(try await outbox(store).dropFirst(before))
    }

    @discardableResult
    static func user(_ store: Store, _ email: String, _ role: Role, _ organisation: Organisation) async throws -> UserID {
        try await store.createUser(email: email, name: "Test", passwordHash: "x", role: role, organisation: organisation)
    }

    static func deactivate(_ store: Store, _ email: String) async throws {
        try await tamper(store, "UPDATE users SET deactivated_at = 1 WHERE email = '\(email)'")
    }

    /// A place in draft with a manager, an agent and a manager who left: only the active manager is told.
    static func placeWithStaff(_ store: Store, name: String = "Médiathèque <b>&") async throws -> PlaceID {
        let place = try await store.signUpPlace(email: "responsable@lieu.fr", name: "Responsable", passwordHash: "x", placeName: name).place
        try await user(store, "agent@lieu.fr", .placeAgent, .place(place))
        try await user(store, "parti@lieu.fr", .placeManager, .place(place))
        try await deactivate(store, "parti@lieu.fr")
        return place
    }

    @Test("Each decision on a place's application reaches its active managers only, with the reason", arguments: TestDatabase.allCases)
    func applicationDecisions(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let place = try await Self.placeWithStaff(store)
            let name = "Médiathèque <b>&"
            try await store.changePlaceState(place, to: .submitted)
            try await store.changePlaceState(place, to: .qualified, actor: Actor("admin@operateur.fr", organisation: .operator))
            try await store.changePlaceState(place, to: .suspended, reason: "Contrôle en cours")
            try await store.changePlaceState(place, to: .qualified)
            try await store.changePlaceState(place, to: .disqualified, reason: "Fermé")
            let told: [Notice] = [
                .applicationReceived(place: place, placeName: name),
                .applicationQualified(place: place, placeName: name),
                .placeSuspended(place: place, placeName: name, reason: "Contrôle en cours"),
                .applicationQualified(place: place, placeName: name),
            ]
            #expect(try await Self.outbox(store) == told.map { Queued(recipient: "responsable@lieu.fr", kind: $0.kind, notice: $0) })

            let other = try await store.signUpPlace(email: "direction@centre.fr", name: "Direction", passwordHash: "x", placeName: "Centre social").place
            try await store.changePlaceState(other, to: .submitted)
            let before = try await Self.outbox(store).count
            try await store.changePlaceState(other, to: .rejected, reason: "Pas de médiation numérique")
            #expect(try await Self.queued(store, since: before) == [Queued(
                recipient: "direction@centre.fr", kind: "application-rejected",
                notice: .applicationRejected(place: other, placeName: "Centre social", reason: "Pas de médiation numérique"))])
        }
    }

    @Test("A refused or impossible decision queues nothing", arguments: TestDatabase.allCases)
    func refusedDecisionQueuesNothing(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let place = try await Self.placeWithStaff(store)
            try await store.changePlaceState(place, to: .submitted)
            let before = try await Self.outbox(store).count
            await #expect(throws: DomainError.invalid(field: .reason, problem: .empty)) {
                try await store.changePlaceState(place, to: .rejected, reason: "  ")
            }
            await #expect(throws: DomainError.self) { try await store.changePlaceState(place, to: .suspended, reason: "pas encore habilité") }
            #expect(try await Self.outbox(store).count == before)
            #expect(before == 1)
        }
    }

    @Test("A notice queued in a transaction that then fails is never written", arguments: TestDatabase.allCases)
    func rolledBackTransactionQueuesNothing(database: TestDatabase) async throws {
        struct Refused: Error {}
        try await withStore(database) { store, clock in
            let place = try await Self.placeWithStaff(store)
            await #expect(throws: Refused.self) {
                try await store.transaction { tx in
                    try await tx.noticePlaceMove(place, to: .submitted, reason: nil, at: clock.now)
                    #expect(try await tx.sql.raw("SELECT id FROM outbox").all().count == 1)
                    throw Refused()
                }
            }
            #expect(try await Self.outbox(store).isEmpty)
        }
    }

    @Test("An affiliation request reaches the funder's managers; the answer reaches the place's managers", arguments: TestDatabase.allCases)
    func affiliation(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            try await Self.user(store, "financeur@nord.fr", .funderManager, .funder(territory.funder))
            try await Self.user(store, "agent@ccas.fr", .prescriberAgent, .prescriber(territory.prescriber))
            let place = try await Self.placeWithStaff(store, name: "Centre « Lien »")
            try await store.changePlaceState(place, to: .submitted)
            let before = try await Self.outbox(store).count
            try await store.requestAffiliation(place: place, funder: territory.funder)
            // Refused: the place is not qualified yet. Nothing is queued for it.
            await #expect(throws: DomainError.self) { try await store.decideAffiliation(place: place, funder: territory.funder, approve: true) }
            try await store.decideAffiliation(place: place, funder: territory.funder, approve: false, reason: "Hors territoire")
            try await store.changePlaceState(place, to: .qualified)
            try await store.requestAffiliation(place: place, funder: territory.funder)
            try await store.decideAffiliation(place: place, funder: territory.funder, approve: true)
            let requested = Notice.affiliationRequested(place: place, placeName: "Centre « Lien »", funderName: "Département du Nord")
            #expect(try await Self.queued(store, since: before) == [
                Queued(recipient: "financeur@nord.fr", kind: "affiliation-requested", notice: requested),
                Queued(recipient: "responsable@lieu.fr", kind: "affiliation-decided", notice: .affiliationDecided(
                    place: place, placeName: "Centre « Lien »", funderName: "Département du Nord", accepted: false, reason: "Hors territoire")),
                Queued(recipient: "responsable@lieu.fr", kind: "application-qualified",
                       notice: .applicationQualified(place: place, placeName: "Centre « Lien »")),
                Queued(recipient: "financeur@nord.fr", kind: "affiliation-requested", notice: requested),
                Queued(recipient: "responsable@lieu.fr", kind: "affiliation-decided", notice: .affiliationDecided(
                    place: place, placeName: "Centre « Lien »", funderName: "Département du Nord", accepted: true, reason: nil)),
            ])
        }
    }

    @Test("Invoices reach who they bill, credit notes the funder, pending bank details the operator's admins",
          arguments: TestDatabase.allCases)
    func documentsAndBankDetails(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 1)
            try await Self.user(store, "financeur@nord.fr", .funderManager, .funder(territory.funder))
            try await Self.user(store, "admin@operateur.fr", .operatorAdmin, .operator)
            try await Self.user(store, "lieu@lille.fr", .placeManager, .place(territory.place))

            var before = try await Self.outbox(store).count
            let order = try await store.createOrder(programme: territory.programme, booklets: 2, actor: .system)
            try await store.carry(order, to: .invoiced)
            let invoice = try #require(try await store.invoices(funder: territory.funder).rows.first)
            #expect(invoice.order == order)
            #expect(try await Self.queued(store, since: before) == [Queued(
                recipient: "financeur@nord.fr", kind: "invoice-issued",
                notice: .invoiceIssued(invoice: invoice.id, number: invoice.number, amountCents: invoice.amounts.total.cents))])

            before = try await Self.outbox(store).count
            try await store.setFeeSchedule(FeeSchedule(placeSubscription: .euros(12)), actor: Actor("operateur"))
            let subscription = try #require(try await store.chargeSubscriptions().first)
            #expect(try await Self.queued(store, since: before) == [Queued(
                recipient: "lieu@lille.fr", kind: "invoice-issued",
                notice: .invoiceIssued(invoice: subscription.id, number: subscription.number, amountCents: subscription.amounts.total.cents))])
            #expect(subscription.amounts.total > .euros(12))  // VAT included

            before = try await Self.outbox(store).count
            try await store.proposeBankDetails(Territory.bank("Médiathèque de Lille"), place: territory.place, reason: "nouveau compte",
                                               actor: Actor("lieu@lille.fr", organisation: .place(territory.place)))
            // Refused (a malformed IBAN): nothing queued.
            await #expect(throws: DomainError.self) {
                try await store.proposeBankDetails(ApplicationData.Bank(holder: "X", iban: "FR00", bic: "AGRIFRPP"), place: territory.place,
                                                   reason: "erreur", actor: Actor("lieu@lille.fr", organisation: .place(territory.place)))
            }
            #expect(try await Self.queued(store, since: before) == [Queued(
                recipient: "admin@operateur.fr", kind: "bank-details-pending",
                notice: .bankDetailsPending(place: territory.place, placeName: "Médiathèque de Lille"))])

            before = try await Self.outbox(store).count
            clock.set(territory.terms.expiryDay.start.addingTimeInterval(3600))
            let notes = try await store.expireProgrammes()
            let note = try #require(try await store.creditNotes(funder: territory.funder).rows.first)
            #expect(notes.map(\.number) == [note.number])
            #expect(note.amount > .zero)
            #expect(try await Self.queued(store, since: before) == [Queued(
                recipient: "financeur@nord.fr", kind: "credit-note-issued",
                notice: .creditNoteIssued(creditNote: note.id, number: note.number, amountCents: note.amount.cents,
                                          programmeName: "Pass numérique Nord"))])
            #expect(try await store.expireProgrammes().isEmpty)
            #expect(try await Self.outbox(store).count == before + 1)
        }
    }

    @Test("A payout run tells each paid place's managers, with the payout to link its statement", arguments: TestDatabase.allCases)
    func payoutsSent(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 2)
            let second = try await territory.place(store)
            try await Self.user(store, "lieu@lille.fr", .placeManager, .place(territory.place))
            try await Self.user(store, "autre@lille.fr", .placeManager, .place(territory.place))
            try await Self.user(store, "agent@lille.fr", .placeAgent, .place(territory.place))
            try await Self.user(store, "centre@lille.fr", .placeManager, .place(second))
            let serials = try await territory.handOut(store)
            #expect(try await store.validate(territory.request(store, Array(serials.prefix(3)))).accepted)
            #expect(try await store.validate(territory.request(store, [serials[3]], at: second)).accepted)
            clock.set(CivilDate("2026-04-02")!.start.addingTimeInterval(9 * 3600))
            let before = try await Self.outbox(store).count
            let run = try await store.runPayouts(for: Month("2026-03")!)
            #expect(run.payouts == 2)
            let payouts = try await store.read { tx in
                try await tx.sql.raw("SELECT id, place_id FROM payouts ORDER BY id").all().map { (try $0.id("id") as PayoutID, try $0.id("place_id") as PlaceID) }
            }
            let first = try #require(payouts.first { $0.1 == territory.place }?.0)
            let other = try #require(payouts.first { $0.1 == second }?.0)
            #expect(first.rawValue < other.rawValue)  // paid in the order of the places
            let face = Territory.standardTerms.faceValue.cents
            let lille = Notice.payoutSent(payout: first, placeName: "Médiathèque de Lille", month: "2026-03", amountCents: 3 * face)
            #expect(try await Self.queued(store, since: before) == [
                Queued(recipient: "lieu@lille.fr", kind: "payout-sent", notice: lille),
                Queued(recipient: "autre@lille.fr", kind: "payout-sent", notice: lille),
                Queued(recipient: "centre@lille.fr", kind: "payout-sent",
                       notice: .payoutSent(payout: other, placeName: "Centre social", month: "2026-03", amountCents: face)),
            ])
            // A second run of the month pays nothing and tells nobody.
            #expect(!(try await store.runPayouts(for: Month("2026-03")!)).ran)
            #expect(try await Self.outbox(store).count == before + 3)
        }
    }

    @Test("The programme alerts go at end − 30 and end − 15 days, once each, to the funder and the prescribers holding its stock",
          arguments: TestDatabase.allCases)
    func programmeAlerts(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 2)
            // A prescriber with booklets but no quota row left, one with neither.
            let holder = try await store.createPrescriber(name: "France Services", commune: CommuneCode("59350")!)
            try await store.setQuota(programme: territory.programme, prescriber: holder, booklets: 1, actor: .system)
            _ = try await store.allocate(programme: territory.programme, prescriber: holder, booklets: 1, actor: .system)
            try await tamper(store, "DELETE FROM prescriber_quotas WHERE prescriber_id = \(holder.rawValue)")
            let stranger = try await store.createPrescriber(name: "Mairie", commune: CommuneCode("59350")!)
            try await Self.user(store, "financeur@nord.fr", .funderManager, .funder(territory.funder))
            try await Self.user(store, "agent@ccas.fr", .prescriberAgent, .prescriber(territory.prescriber))
            try await Self.user(store, "agent@fs.fr", .prescriberAgent, .prescriber(holder))
            try await Self.user(store, "agent@mairie.fr", .prescriberAgent, .prescriber(stranger))
            try await Self.user(store, "parti@ccas.fr", .prescriberAgent, .prescriber(territory.prescriber))
            try await Self.deactivate(store, "parti@ccas.fr")
            let terms = territory.terms

            func alert(_ days: Int, toPrescribers: Bool) -> Notice {
                .programmeEnding(programme: territory.programme, programmeName: "Pass numérique Nord", endsOn: "2026-06-30", daysLeft: days,
                                 lastRedemptionDay: "2026-07-31", toPrescribers: toPrescribers)
            }
            func expected(_ days: Int) -> [Queued] {
                [Queued(recipient: "financeur@nord.fr", kind: "programme-ending", notice: alert(days, toPrescribers: false)),
                 Queued(recipient: "agent@ccas.fr", kind: "programme-ending", notice: alert(days, toPrescribers: true)),
                 Queued(recipient: "agent@fs.fr", kind: "programme-ending", notice: alert(days, toPrescribers: true))]
            }

            clock.set(terms.alertDay.adding(days: -1).start.addingTimeInterval(10 * 3600))
            #expect(try await store.queueProgrammeAlerts(now: clock.now) == 0)
            let before = try await Self.outbox(store).count

            clock.set(terms.alertDay.start.addingTimeInterval(10 * 3600))
            #expect(try await store.queueProgrammeAlerts(now: clock.now) == 3)
            #expect(try await store.queueProgrammeAlerts(now: clock.now) == 0)
            clock.set(terms.alertDay.adding(days: 3).start)
            #expect(try await store.queueProgrammeAlerts(now: clock.now) == 0)
            #expect(try await Self.queued(store, since: before) == expected(30))

            clock.set(terms.handOutStopDay.start.addingTimeInterval(8 * 3600))
            #expect(try await store.queueProgrammeAlerts(now: clock.now) == 3)
            #expect(try await store.queueProgrammeAlerts(now: clock.now) == 0)
            #expect(try await Self.queued(store, since: before) == expected(30) + expected(15))

            // After the end, nothing more.
            clock.set(terms.validUntil.adding(days: 1).start)
            #expect(try await store.queueProgrammeAlerts(now: clock.now) == 0)
        }
    }

    @Test("A first run after end − 15 days sends only the later alert, with the days really left", arguments: TestDatabase.allCases)
    func lateFirstRun(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 1)
            try await Self.user(store, "financeur@nord.fr", .funderManager, .funder(territory.funder))
            let before = try await Self.outbox(store).count
            clock.set(territory.terms.validUntil.adding(days: -10).start.addingTimeInterval(23 * 3600))
            #expect(try await store.queueProgrammeAlerts(now: clock.now) == 1)
            clock.set(territory.terms.validUntil.adding(days: -9).start)
            #expect(try await store.queueProgrammeAlerts(now: clock.now) == 0)
            #expect(try await Self.queued(store, since: before).map(\.notice) == [.programmeEnding(
                programme: territory.programme, programmeName: "Pass numérique Nord", endsOn: "2026-06-30", daysLeft: 10,
                lastRedemptionDay: "2026-07-31", toPrescribers: false)])
        }
    }
}
