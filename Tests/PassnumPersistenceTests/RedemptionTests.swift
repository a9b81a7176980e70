import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Validation of checks at a place")
struct RedemptionTests {
    @Test("Validating several checks redeems them all and owes the place their face value", arguments: TestDatabase.allCases)
    func validateSeveral(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 2)
            let serials = try await territory.handOut(store)
            let outcome = try await store.validate(territory.request(store, Array(serials.prefix(3))))
            #expect(outcome.accepted)
            #expect(outcome.total == Money(cents: 3000))
            #expect(outcome.items.allSatisfy { $0.refusal == nil && $0.amount == Money(cents: 1000) })
            #expect(try await store.overview().checksByState[.redeemed] == 3)
            #expect(try await count(store, "SELECT CAST(SUM(credit_cents) AS BIGINT) AS n FROM journal_lines WHERE account = 'place_payable'") == 3000)
            try await expectInvariantsHold(store)
        }
    }

    @Test("The public check status says when a check was used and which prescriber structure handed it out", arguments: TestDatabase.allCases)
    func publicStatus(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let serials = try await territory.handOut(store)
            let before = try #require(try await store.publicStatus(serial: serials[0], code: store.secret.securityCode(for: serials[0])))
            #expect(before.state == .distributed && before.redeemedOn == nil && before.voidReason == nil)
            let prescriber = try await store.read { tx in
                try await tx.sql.raw("SELECT name FROM prescribers WHERE id = \(bind: territory.prescriber.rawValue)").first(decodingColumn: "name", as: String.self)
            }
            #expect(before.prescriberName != nil && before.prescriberName == prescriber)
            #expect(try await store.validate(territory.request(store, [serials[0]])).accepted)
            let after = try #require(try await store.publicStatus(serial: serials[0], code: store.secret.securityCode(for: serials[0])))
            #expect(after.state == .redeemed && after.redeemedOn == CivilDate(store.clock.now))
        }
    }

    @Test("One refused check refuses the whole request, and each refused check has its own reason", arguments: TestDatabase.allCases)
    func allOrNothing(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 2)
            let serials = try await territory.handOut(store)
            var request = territory.request(store, [serials[0], serials[1]])
            request.checks.append(PresentedCheck(serial: serials[2].grouped, code: "0000 0000 0000 0"))
            request.checks.append(PresentedCheck(serial: "1234 5678 9012", code: "AAAA AAAA AAAA A"))
            let outcome = try await store.validate(request)
            #expect(!outcome.accepted)
            #expect(outcome.items.map(\.refusal) == [nil, nil, .wrongCode, .badCheckDigit])
            #expect(try await store.overview().checksByState[.redeemed] == nil)
            try await expectInvariantsHold(store)
        }
    }

    /// Builds a situation for one refusal reason and returns the request that must be refused for it.
    static func situation(_ reason: RefusalReason, store: Store, clock: ManualClock, territory: Territory) async throws -> ValidationRequest {
        let serials = try await territory.handOut(store)
        switch reason {
        case .unknownSerial:
            let unknown = CheckSerial(number: 99_999_999_000)!
            return territory.request(store, [unknown])
        case .badCheckDigit:
            var typed = Array(serials[0].compact)
            typed[11] = typed[11] == "0" ? "1" : "0"
            return ValidationRequest(place: territory.place, checks: [PresentedCheck(serial: String(typed), code: "AAAAAAAAAAAAA")],
                                     category: .everydayTools, key: "k")
        case .wrongCode:
            let other = store.secret.securityCode(for: serials[1])
            return ValidationRequest(place: territory.place, checks: [PresentedCheck(serial: serials[0].compact, code: other.canonical)],
                                     category: .everydayTools, key: "k")
        case .notDistributed:
            let booklet = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 1, actor: .system)[0]
            let id = try await store.read { tx in
                try await tx.sql.raw("SELECT MIN(id) AS id FROM checks WHERE booklet_id = \(bind: booklet.rawValue)").first(decodingColumn: "id", as: Int64.self)!
            }
            return territory.request(store, [CheckSerial(number: id)!])
        case .alreadyRedeemed:
            #expect(try await store.validate(territory.request(store, [serials[0]])).accepted)
            return territory.request(store, [serials[0]])
        case .voided:
            try await store.oppose([serials[0]], reason: .stolen, actor: .system)
            return territory.request(store, [serials[0]])
        case .expired:
            clock.set(CivilDate("2026-08-01")!.start.addingTimeInterval(3600 * 10))
            return territory.request(store, [serials[0]])
        case .beforeValidity:
            clock.set(CivilDate("2026-02-27")!.start.addingTimeInterval(3600 * 10))
            return territory.request(store, [serials[0]])
        case .outsidePerimeter:
            let paris = try await territory.place(store, commune: "75056", postcode: "75001")
            return territory.request(store, [serials[0]], at: paris)
        case .placeNotQualified:
            let place = try await store.createPlace(NewPlace(name: "Nouveau lieu", commune: CommuneCode("59350")!, postcode: "59000"))
            return territory.request(store, [serials[0]], at: place)
        case .placeSuspended:
            try await store.changePlaceState(territory.place, to: .suspended, reason: "Contrôle")
            return territory.request(store, [serials[0]])
        case .placeNotAffiliated:
            let place = try await territory.place(store, affiliated: false)
            return territory.request(store, [serials[0]], at: place)
        case .categoryNotAllowed:
            return territory.request(store, [serials[0]], category: .leisure)
        case .duplicateInRequest:
            return territory.request(store, [serials[0], serials[0]])
        }
    }

    @Test("Each refusal reason is given for its own situation", arguments: TestDatabase.allCases, RefusalReason.allCases)
    func refusalReasons(database: TestDatabase, reason: RefusalReason) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 3)
            let request = try await Self.situation(reason, store: store, clock: clock, territory: territory)
            let outcome = try await store.validate(request)
            #expect(!outcome.accepted)
            #expect(outcome.items.compactMap(\.refusal) == [reason])
            try await expectInvariantsHold(store)
        }
    }

    @Test("The same request key returns the first answer and never redeems twice, even after an undo", arguments: TestDatabase.allCases)
    func idempotency(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let serials = try await territory.handOut(store)
            let request = territory.request(store, [serials[0]], key: "caisse-1-0001")
            let first = try await store.validate(request)
            try await store.undoValidation(of: serials[0], at: territory.place)
            let second = try await store.validate(request)
            #expect(first.accepted && second == first)
            #expect(try await store.overview().checksByState[.redeemed] == nil)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM redemptions") == 1)
            var changed = request
            changed.checks = [territory.presented(store, serials[1])]
            await #expect(throws: DomainError.idempotencyKeyReused) { try await store.validate(changed) }
            try await expectInvariantsHold(store)
        }
    }

    @Test("The key is stored trimmed, and the same key with spaces around it is the same request", arguments: TestDatabase.allCases)
    func keyIsTrimmed(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let serials = try await territory.handOut(store)
            let first = try await store.validate(territory.request(store, [serials[0]], key: "  caisse-2  "))
            #expect(try await store.validate(territory.request(store, [serials[0]], key: "caisse-2")) == first)
            let keys = try await store.read { tx in
                try await tx.sql.raw("SELECT request_key FROM redemptions UNION ALL SELECT request_key FROM validation_requests").all()
                    .map { try $0.decode(column: "request_key", as: String.self) }
            }
            #expect(keys == ["caisse-2", "caisse-2"])
        }
    }

    @Test("A refusal is also remembered under its key", arguments: TestDatabase.allCases)
    func refusalIsRemembered(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 2)
            let booklet = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 1, actor: .system)[0]
            let first = try await store.read { tx in
                try await tx.sql.raw("SELECT MIN(id) AS id FROM checks WHERE booklet_id = \(bind: booklet.rawValue)").first(decodingColumn: "id", as: Int64.self)!
            }
            let request = territory.request(store, [CheckSerial(number: first)!], key: "retry")
            #expect(try await store.validate(request).items[0].refusal == .notDistributed)
            try await store.handOut(booklet: booklet, to: territory.beneficiary, by: territory.prescriber)
            #expect(try await store.validate(request).items[0].refusal == .notDistributed)
            #expect(try await store.validate(territory.request(store, [CheckSerial(number: first)!], key: "new")).accepted)
        }
    }

    @Test("A place can undo its own validation the same day, not another place's, not the next day", arguments: TestDatabase.allCases)
    func undo(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store, booklets: 1)
            let serials = try await territory.handOut(store)
            #expect(try await store.validate(territory.request(store, [serials[0], serials[1]])).accepted)
            let other = try await territory.place(store)
            await #expect(throws: DomainError.undoRefused(.notRedeemedHere)) {
                try await store.undoValidation(of: serials[0], at: other)
            }
            try await store.undoValidation(of: serials[0], at: territory.place)
            await #expect(throws: DomainError.undoRefused(.notRedeemedHere)) {
                try await store.undoValidation(of: serials[0], at: territory.place)
            }
            clock.advance(seconds: 24 * 3600)
            await #expect(throws: DomainError.undoRefused(.notToday)) {
                try await store.undoValidation(of: serials[1], at: territory.place)
            }
            // The undone check can be used again.
            #expect(try await store.validate(territory.request(store, [serials[0]])).accepted)
            try await expectInvariantsHold(store)
        }
    }
}
