import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Bank details: four eyes, and payouts that pay what was approved")
struct BankDetailsTests {
    static let adminA = Actor("admin-a@operateur.fr", organisation: .operator)
    static let adminB = Actor("admin-b@operateur.fr", organisation: .operator)
    static let firstIBAN = "FR7630006000011234567890189"
    static let secondIBAN = "FR7630001007941234567890185"

    /// The territory plus a qualified, affiliated place with no bank details and one check validated there in March.
    static func unbankedPlaceWithACheck(_ store: Store) async throws -> (territory: Territory, place: PlaceID) {
        let territory = try await Territory.make(store, booklets: 1)
        let place = try await store.createPlace(NewPlace(name: "Espace numérique", commune: CommuneCode("59350")!, postcode: "59000"))
        try await store.changePlaceState(place, to: .qualified)
        try await store.requestAffiliation(place: place, funder: territory.funder)
        try await store.decideAffiliation(place: place, funder: territory.funder, approve: true)
        let serials = try await territory.handOut(store, checks: 2)
        #expect(try await store.validate(territory.request(store, [serials[0]], at: place)).accepted)
        return (territory, place)
    }

    static func bank(_ iban: String) -> ApplicationData.Bank { ApplicationData.Bank(holder: "Espace numérique", iban: iban, bic: "AGRIFRPP") }

    @Test("A place's own proposal is paid only after an operator admin verifies it; the journal has who and why, with IBANs masked",
          arguments: TestDatabase.allCases)
    func placeProposalVerifiedByOperator(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let (_, place) = try await Self.unbankedPlaceWithACheck(store)
            let manager = Actor("responsable@lieu.fr", organisation: .place(place))
            let change = try await store.proposeBankDetails(Self.bank(" fr76 3000 6000 0112 3456 7890 189 "), place: place,
                                                            reason: "premier compte", actor: manager)
            #expect(change.state == .pending && change.iban == Self.firstIBAN && change.previousIBAN == nil && change.proposerKind == .place)
            #expect(try await store.verifiedBankDetails(of: place) == nil)

            clock.set(CivilDate("2026-04-01")!.start.addingTimeInterval(9 * 3600))
            let held = try await store.runPayouts(for: Month("2026-03")!)
            #expect(held.heldBack.map(\.place) == [place])

            // Neither the place itself nor another organisation decides.
            await #expect(throws: DomainError.notAllowed(action: "only an operator admin verifies bank details")) {
                try await store.decideBankDetails(change: change.id, verify: true, reason: nil, actor: manager)
            }
            await #expect(throws: DomainError.self) {
                try await store.decideBankDetails(change: change.id, verify: true, reason: nil, actor: Actor("someone"))
            }
            try await store.decideBankDetails(change: change.id, verify: true, reason: "RIB conforme", actor: Self.adminA)
            #expect(try await store.verifiedBankDetails(of: place)?.decidedBy == Self.adminA.name)

            let paid = try await store.runPayouts(for: Month("2026-03")!)
            #expect(paid.ran && paid.heldBack.isEmpty)

            let journal = try await store.journal(limit: 50)
            let ofPlace = journal.filter { $0.reference.hasPrefix("place:\(place):") }
            let proposed = ofPlace.filter { $0.kind == EntryKind.bankDetailsProposed.rawValue }
            let decided = ofPlace.filter { $0.kind == EntryKind.bankDetailsDecided.rawValue }
            #expect(proposed.count == 1 && proposed[0].actor == manager.name)
            #expect(proposed[0].reference == "place:\(place):bank-change:\(change.id) none -> FR76 **** **** 0189")
            #expect(decided.count == 1 && decided[0].actor == Self.adminA.name)
            #expect(!journal.contains { $0.reference.contains(Self.firstIBAN) })
            try await expectInvariantsHold(store)
        }
    }

    @Test("A change made by an operator admin needs a second, different operator admin; a rejection needs a reason and changes nothing",
          arguments: TestDatabase.allCases)
    func operatorChangeNeedsASecondAdmin(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let (_, place) = try await Self.unbankedPlaceWithACheck(store)
            let first = try await store.proposeBankDetails(Self.bank(Self.firstIBAN), place: place, reason: "RIB reçu par courrier", actor: Self.adminA)
            for sameAdmin in [Self.adminA, Actor("ADMIN-A@operateur.fr", organisation: .operator)] {
                await #expect(throws: DomainError.notAllowed(action: "a bank details change must be decided by someone other than its proposer")) {
                    try await store.decideBankDetails(change: first.id, verify: true, reason: nil, actor: sameAdmin)
                }
            }
            #expect(try await store.bankDetailsChanges(of: place).first?.state == .pending)
            try await store.decideBankDetails(change: first.id, verify: true, reason: nil, actor: Self.adminB)
            await #expect(throws: DomainError.invalidTransition(entity: "bank details change \(first.id)", from: "verified", to: "rejected")) {
                try await store.decideBankDetails(change: first.id, verify: false, reason: "erreur", actor: Self.adminB)
            }

            let second = try await store.proposeBankDetails(Self.bank(Self.secondIBAN), place: place, reason: "changement de banque", actor: Self.adminB)
            #expect(second.previousIBAN == Self.firstIBAN)
            await #expect(throws: DomainError.invalid(field: .reason, problem: .empty)) {
                try await store.decideBankDetails(change: second.id, verify: false, reason: "  ", actor: Self.adminA)
            }
            try await store.decideBankDetails(change: second.id, verify: false, reason: "RIB illisible", actor: Self.adminA)
            #expect(try await store.verifiedBankDetails(of: place)?.iban == Self.firstIBAN)
            let history = try await store.bankDetailsChanges(of: place)
            #expect(history.map(\.state) == [.rejected, .verified])
            #expect(history[0].decisionReason == "RIB illisible" && history[0].decidedBy == Self.adminA.name)
            let references = try await store.journal(limit: 50).filter { $0.kind.hasPrefix("bank_details_") }.map(\.reference)
            #expect(references.contains("place:\(place):bank-change:\(second.id) FR76 **** **** 0189 -> FR76 **** **** 0185"))
        }
    }

    @Test("Only the place itself or the operator proposes; bad details are refused; a new proposal replaces the pending one, journaled",
          arguments: TestDatabase.allCases)
    func proposalsAreScopedAndChecked(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let (territory, place) = try await Self.unbankedPlaceWithACheck(store)
            for stranger in [Actor("autre@lieu.fr", organisation: .place(territory.place)), Actor("financeur", organisation: .funder(territory.funder)),
                             Actor("inconnu")] {
                await #expect(throws: DomainError.notAllowed(action: "propose bank details for place \(place)")) {
                    try await store.proposeBankDetails(Self.bank(Self.firstIBAN), place: place, reason: "fraude", actor: stranger)
                }
            }
            let manager = Actor("responsable@lieu.fr", organisation: .place(place))
            await #expect(throws: DomainError.invalid(field: .iban, problem: .malformed)) {
                try await store.proposeBankDetails(Self.bank("FR7630006000011234567890188"), place: place, reason: "x", actor: manager)
            }
            await #expect(throws: DomainError.invalid(field: .reason, problem: .empty)) {
                try await store.proposeBankDetails(Self.bank(Self.firstIBAN), place: place, reason: " ", actor: manager)
            }
            // The store itself keeps control characters out of typed text (`requiredText`), whoever calls it.
            await #expect(throws: DomainError.invalid(field: .reason, problem: .malformed)) {
                try await store.proposeBankDetails(Self.bank(Self.firstIBAN), place: place, reason: "nouveau\u{0}", actor: manager)
            }
            await #expect(throws: DomainError.invalid(field: .name, problem: .malformed)) {
                try await store.createApiKey(name: "caisse\u{1}", scopes: [.validate], organisation: .place(place), actor: Self.adminA)
            }
            let first = try await store.proposeBankDetails(Self.bank(Self.firstIBAN), place: place, reason: "premier", actor: manager)
            clock.advance(seconds: 60)
            let second = try await store.proposeBankDetails(Self.bank(Self.secondIBAN), place: place, reason: "corrigé", actor: Self.adminA)
            let history = try await store.bankDetailsChanges(of: place)
            #expect(history.map(\.id) == [second.id, first.id] && history.map(\.state) == [.pending, .superseded])
            #expect(history[1].decidedBy == Self.adminA.name && history[1].decidedAt?.millis == clock.now.millis)
            // The supersession is journaled like a decision: who, when, which change, for which, IBANs masked.
            let superseded = try await store.read { tx in
                try await tx.sql.raw("""
                    SELECT reference, actor, occurred_at, reason FROM journal_transactions
                    WHERE kind = \(bind: EntryKind.bankDetailsDecided.rawValue) AND reference LIKE \(bind: "place:\(place):%") ORDER BY id
                    """).all().map { [try $0.string("reference"), try $0.string("actor"), String(try $0.int("occurred_at")), try $0.string("reason")] }
            }
            #expect(superseded == [["place:\(place):bank-change:\(first.id) none -> FR76 **** **** 0189", Self.adminA.name,
                                    String(clock.now.millis), "superseded: replaced by bank-change:\(second.id)"]])
            await #expect(throws: DomainError.invalidTransition(entity: "bank details change \(first.id)", from: "superseded", to: "verified")) {
                try await store.decideBankDetails(change: first.id, verify: true, reason: nil, actor: Self.adminB)
            }
            await #expect(throws: DomainError.notFound("bank details change 999999")) {
                try await store.decideBankDetails(change: 999_999, verify: true, reason: nil, actor: Self.adminB)
            }
            #expect(try await store.pendingBankDetailsChanges().map(\.change.id) == [second.id])
        }
    }

    @Test("The SEPA file pays the details verified at the run, its SHA-256 is journaled; a lost file comes back byte for byte, a changed one is refused",
          arguments: TestDatabase.allCases)
    func payoutFilePaysWhatWasApproved(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let (_, place) = try await Self.unbankedPlaceWithACheck(store)
            let manager = Actor("responsable@lieu.fr", organisation: .place(place))
            let first = try await store.proposeBankDetails(Self.bank(Self.firstIBAN), place: place, reason: "premier", actor: manager)
            try await store.decideBankDetails(change: first.id, verify: true, reason: nil, actor: Self.adminA)
            clock.set(CivilDate("2026-04-01")!.start.addingTimeInterval(9 * 3600))
            let run = try await store.runPayouts(for: Month("2026-03")!)
            let batch = try #require(run.batch)
            let url = store.configuration.dataDirectory.appendingPathComponent(Store.sepaFileName(month: Month("2026-03")!, batch: batch))
            let written = try Data(contentsOf: url)
            let hash = sha256Hex(written)
            #expect(try await store.sepaFileHash(batch: batch) == hash)
            let entry = try await store.journal(limit: 50).first { $0.kind == EntryKind.payoutFileWritten.rawValue }
            #expect(entry?.reference == "batch:\(batch):sha256:\(hash)")
            #expect(String(decoding: written, as: UTF8.self).contains("<IBAN>\(Self.firstIBAN)</IBAN>"))

            // New details verified after the run: the batch's file still pays the account approved at the run.
            let second = try await store.proposeBankDetails(Self.bank(Self.secondIBAN), place: place, reason: "nouvelle banque", actor: manager)
            try await store.decideBankDetails(change: second.id, verify: true, reason: nil, actor: Self.adminB)
            #expect(try await store.sepaFile(batch: batch)?.data == written)

            try FileManager.default.removeItem(at: url)
            #expect(try await store.sepaFile(batch: batch)?.data == written)
            #expect(try Data(contentsOf: url) == written)

            var tampered = written
            tampered.append(contentsOf: Array(" ".utf8))
            try tampered.write(to: url)
            await #expect(throws: PayoutFileError.hashMismatch(batch: batch, recorded: hash, found: sha256Hex(tampered))) {
                try await store.sepaFile(batch: batch)
            }
            try await expectInvariantsHold(store)
        }
    }

    @Test("Migrations 50 and 51 turn details recorded before the four-eyes rule into pending proposals and copy them to earlier payouts",
          arguments: TestDatabase.allCases)
    func migrationOfRecordedDetails(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let place = try await store.createPlace(NewPlace(name: "Ancien lieu", commune: CommuneCode("59350")!, postcode: "59000"))
            let json = #"{"bic":"AGRIFRPP","holder":"Ancien lieu","iban":"FR7630006000011234567890189"}"#
            try await store.transaction { tx in
                try await tx.sql.raw("INSERT INTO place_steps (place_id, step, data, submitted_at) VALUES (\(bind: place.rawValue), 'bank', \(bind: json), 1)").run()
                try await tx.sql.raw("""
                    INSERT INTO payouts (place_id, period, checks, amount_cents, created_at) VALUES (\(bind: place.rawValue), '2026-01', 0, 0, 1)
                    """).run()
                try await BankDetailsMigration.proposeRecordedDetails(tx)
                try await BankDetailsMigration.copyCreditorsToPayouts(tx)
            }
            let changes = try await store.bankDetailsChanges(of: place)
            #expect(changes.count == 1 && changes[0].state == .pending && changes[0].iban == Self.firstIBAN && changes[0].proposedBy == "migration")
            let creditor = try await store.read { tx in
                try await tx.sql.raw("SELECT creditor_iban FROM payouts WHERE place_id = \(bind: place.rawValue)").first(decodingColumn: "creditor_iban", as: String.self)
            }
            #expect(creditor == Self.firstIBAN)
        }
    }

    @Test("Bank details review rules: only the operator, never the proposer; IBANs masked")
    func reviewRules() {
        #expect(BankDetailsReview.refusal(proposer: "a@x.fr", decider: "b@x.fr", deciderIsOperator: true) == nil)
        #expect(BankDetailsReview.refusal(proposer: "a@x.fr", decider: "A@X.FR", deciderIsOperator: true) != nil)
        #expect(BankDetailsReview.refusal(proposer: "a@x.fr", decider: "b@x.fr", deciderIsOperator: false) != nil)
        #expect(BankDetailsReview.masked("FR76 3000 6000 0112 3456 7890 189") == "FR76 **** **** 0189")
        #expect(BankDetailsReview.masked("FR7") == "****")
    }
}
