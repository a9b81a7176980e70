import Foundation
import PassnumDomain
import SQLKit

/// One proposed change of a place's bank details and what became of it. The full IBANs stay here (operator and
/// place only); the journal gets them masked.
public struct BankDetailsChange: Sendable, Equatable {
    public let id: BankDetailsChangeID
    public let place: PlaceID
    public let holder: String
    public let iban: String
    public let bic: String
    /// The verified IBAN when the change was proposed, nil for a place's first details.
    public let previousIBAN: String?
    public let reason: String
    public let proposedBy: String
    /// Who proposed: the place itself, or the operator.
    public let proposerKind: OrganisationKind
    public let proposedAt: Date
    public let state: BankDetailsReview.State
    public let decidedBy: String?
    public let decidedAt: Date?
    public let decisionReason: String?

    public var bank: ApplicationData.Bank { ApplicationData.Bank(holder: holder, iban: iban, bic: bic) }
}

extension Store {
    /// Proposes new bank details for a place, by its own staff or by an operator admin. Nothing is paid to them until
    /// an operator admin other than the proposer verifies them (`decideBankDetails`). A pending proposal of the place
    /// is replaced (superseded), so there is only ever one to decide. Journaled with who, why, and the old and new IBAN
    /// masked.
    @discardableResult
    public func proposeBankDetails(_ bank: ApplicationData.Bank, place: PlaceID, reason: String, actor: Actor) async throws -> BankDetailsChange {
        let now = clock.now
        return try await transaction { tx in
            try await tx.proposeBankDetails(bank, place: place, reason: reason, actor: actor, at: now)
        }
    }

    /// Verifies (`verify: true`) or rejects a pending change. Only an operator admin decides, never the one who
    /// proposed it; a rejection needs a reason. Verified details are what the next payouts pay. Returns the change
    /// as decided.
    @discardableResult
    public func decideBankDetails(change id: BankDetailsChangeID, verify: Bool, reason: String?, actor: Actor) async throws -> BankDetailsChange {
        let reason = reason.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        if let reason, reason.count > 500 { throw DomainError.invalid(field: .reason, problem: .tooLong(max: 500)) }
        if !verify, reason == nil { throw DomainError.invalid(field: .reason, problem: .empty) }
        let now = clock.now
        return try await transaction { tx in
            // The change's place row orders this with its payout runs and proposals (a run pays either the old or the
            // new details, whole), so the change is read once, after the lock: its state cannot move under us.
            try await tx.lockPlace(ofBankChange: id)
            guard let change = try await tx.sql.raw("SELECT * FROM bank_detail_changes WHERE id = \(bind: id.rawValue)").first()
                .map(BankDetailsChange.init(row:)) else {
                throw DomainError.notFound("bank details change \(id)")
            }
            let target: BankDetailsReview.State = verify ? .verified : .rejected
            guard change.state.canMove(to: target) else {
                throw DomainError.invalidTransition(entity: "bank details change \(change.id)", from: change.state.rawValue, to: target.rawValue)
            }
            if let refusal = BankDetailsReview.refusal(proposer: change.proposedBy, decider: actor.name,
                                                       deciderIsOperator: actor.organisation == .operator) {
                throw refusal
            }
            let current = try await tx.bankDetails(of: change.place)
            let moved = try await tx.sql.raw("""
                UPDATE bank_detail_changes SET state = \(bind: target.rawValue), decided_by = \(bind: actor.name), decided_at = \(bind: now.millis),
                  decision_reason = \(bind: reason)
                WHERE id = \(bind: change.id.rawValue) AND state IN (\(binds: Transition(to: target).from.binds)) RETURNING id
                """).all()
            // Cannot happen while every writer of changes locks the place first; refused rather than journaled twice.
            guard moved.count == 1 else {
                throw DomainError.invalidTransition(entity: "bank details change \(change.id)", from: "decided", to: target.rawValue)
            }
            try await tx.post(.event(.bankDetailsDecided, reference: Self.bankChangeReference(change, from: current?.iban),
                                     reason: target.rawValue + (reason.map { ": " + $0 } ?? "")),
                              actor: actor, at: now)
            return BankDetailsChange(id: change.id, place: change.place, holder: change.holder, iban: change.iban, bic: change.bic,
                                     previousIBAN: change.previousIBAN, reason: change.reason, proposedBy: change.proposedBy,
                                     proposerKind: change.proposerKind, proposedAt: change.proposedAt, state: target,
                                     decidedBy: actor.name, decidedAt: now, decisionReason: reason)
        }
    }

    /// A place's bank detail changes, newest first.
    public func bankDetailsChanges(of place: PlaceID) async throws -> [BankDetailsChange] {
        try await read { tx in try await tx.bankDetailsChanges(of: place) }
    }

    /// One change, whatever its place (for the operator, who sees every place).
    public func bankDetailsChange(_ id: BankDetailsChangeID) async throws -> BankDetailsChange? {
        try await read { tx in
            try await tx.sql.raw("SELECT * FROM bank_detail_changes WHERE id = \(bind: id.rawValue)").first().map(BankDetailsChange.init(row:))
        }
    }

    /// The details payouts pay: the place's latest verified change, nil when it has none.
    public func verifiedBankDetails(of place: PlaceID) async throws -> BankDetailsChange? {
        try await read { tx in try await tx.verifiedBankDetailsChange(of: place) }
    }

    /// Every change waiting for an operator admin, oldest first, with the place's name.
    public func pendingBankDetailsChanges() async throws -> [(change: BankDetailsChange, placeName: String)] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT c.*, pl.name AS place_name FROM bank_detail_changes c JOIN places pl ON pl.id = c.place_id
                WHERE c.state = \(bind: BankDetailsReview.State.pending.rawValue) ORDER BY c.id
                """).all().map { (try BankDetailsChange(row: $0), try $0.string("place_name")) }
        }
    }

    /// "place:3:bank-change:7 FR76 **** **** 0189 -> FR76 **** **** 0188": masked, as the journal is exported whole and
    /// can never be rewritten; the full IBANs are in the change.
    static func bankChangeReference(_ change: BankDetailsChange, from previous: String?) -> String {
        "place:\(change.place):bank-change:\(change.id) \(previous.map(BankDetailsReview.masked) ?? "none") -> \(BankDetailsReview.masked(change.iban))"
    }
}

extension Transaction {
    func proposeBankDetails(_ bank: ApplicationData.Bank, place: PlaceID, reason: String, actor: Actor, at now: Date) async throws -> BankDetailsChange {
        // Ownership is checked here, not only by the page: the place itself or the operator, nobody else.
        guard let organisation = actor.organisation, organisation == .operator || organisation == .place(place) else {
            throw DomainError.notAllowed(action: "propose bank details for place \(place)")
        }
        guard case .success(let iban) = IBAN.check(bank.iban) else { throw DomainError.invalid(field: .iban, problem: .malformed) }
        guard let bic = BIC.check(bank.bic) else { throw DomainError.invalid(field: .bic, problem: .malformed) }
        let holder = try requiredText(bank.holder, field: .holder, maximum: 140)
        let reason = try requiredText(reason, field: .reason, maximum: 500)
        _ = try await placeState(place, lock: true)
        let previous = try await bankDetails(of: place)
        // At most one, by the partial unique index; superseded before the insert for that same index.
        let replaced = try await bankDetailsChanges(of: place, state: .pending)
        try await sql.raw("""
            UPDATE bank_detail_changes SET state = \(bind: BankDetailsReview.State.superseded.rawValue), decided_by = \(bind: actor.name), decided_at = \(bind: now.millis),
              decision_reason = \(bind: RecordedReason.supersededProposal.text)
            WHERE place_id = \(bind: place.rawValue) AND state = \(bind: BankDetailsReview.State.pending.rawValue)
            """).run()
        let id = BankDetailsChangeID(try await insertReturningID("""
            INSERT INTO bank_detail_changes (place_id, holder, iban, bic, previous_iban, reason, proposed_by, proposer_kind, proposed_at, state)
            VALUES (\(bind: place.rawValue), \(bind: holder), \(bind: iban), \(bind: bic), \(bind: previous?.iban), \(bind: reason),
              \(bind: actor.name), \(bind: organisation.kind.rawValue), \(bind: now.millis),
              \(bind: BankDetailsReview.State.pending.rawValue))
            """))
        guard let change = try await bankDetailsChanges(of: place, id: id).first else { throw DomainError.notFound("bank details change \(id)") }
        // The replaced change leaves the queue by a decision of its own in the journal: who dropped it, for which.
        for old in replaced {
            try await post(.event(.bankDetailsDecided, reference: Store.bankChangeReference(old, from: previous?.iban),
                                  reason: "\(BankDetailsReview.State.superseded.rawValue): replaced by bank-change:\(id)"),
                           actor: actor, at: now)
        }
        try await post(.event(.bankDetailsProposed, reference: Store.bankChangeReference(change, from: previous?.iban), reason: reason),
                       actor: actor, at: now)
        try await noticeBankDetailsPending(place: place, at: now)
        return change
    }

    func bankDetailsChanges(of place: PlaceID, id: BankDetailsChangeID? = nil, state: BankDetailsReview.State? = nil) async throws -> [BankDetailsChange] {
        var query: SQLQueryString = "SELECT * FROM bank_detail_changes WHERE place_id = \(bind: place.rawValue)"
        if let id { query = query + " AND id = \(bind: id.rawValue)" }
        if let state { query = query + " AND state = \(bind: state.rawValue)" }
        return try await sql.raw(query + " ORDER BY id DESC").all().map(BankDetailsChange.init(row:))
    }

    /// Locks the row of the place a change belongs to, as `placeState(_:lock:)` does (the place id of a change never
    /// changes, so reading it before the lock is safe). Throws `notFound` when the change does not exist.
    func lockPlace(ofBankChange id: BankDetailsChangeID) async throws {
        let query: SQLQueryString = "SELECT id FROM places WHERE id = (SELECT place_id FROM bank_detail_changes WHERE id = \(bind: id.rawValue))"
        guard try await sql.raw(kind == .postgres ? query + " FOR NO KEY UPDATE" : query).first() != nil else {
            throw DomainError.notFound("bank details change \(id)")
        }
    }

    func verifiedBankDetailsChange(of place: PlaceID) async throws -> BankDetailsChange? {
        try await sql.raw(PayoutSQL.verifiedBankDetails(ofPlace: "\(bind: place.rawValue)") + " ORDER BY b.id DESC LIMIT 1")
            .first().map(BankDetailsChange.init(row:))
    }

    /// The details the place is paid to: its latest verified change (only one pending change exists at a time, so
    /// ids of verified changes follow the order of their decisions).
    func bankDetails(of place: PlaceID) async throws -> ApplicationData.Bank? {
        try await verifiedBankDetailsChange(of: place)?.bank
    }

    /// The details each of the places `places` (a query of place ids) is paid to, as `bankDetails(of:)` for each, in one
    /// query; a place without verified details is absent.
    func verifiedBankDetails(ofPlacesIn places: SQLQueryString) async throws -> [PlaceID: ApplicationData.Bank] {
        var banks: [PlaceID: ApplicationData.Bank] = [:]
        for row in try await sql.raw("""
            SELECT b.* FROM bank_detail_changes b WHERE b.id IN (
              SELECT MAX(v.id) FROM bank_detail_changes v WHERE v.place_id IN (\(places))
                AND v.state = \(bind: BankDetailsReview.State.verified.rawValue) GROUP BY v.place_id)
            """).all() {
            let change = try BankDetailsChange(row: row)
            banks[change.place] = change.bank
        }
        return banks
    }
}

extension BankDetailsChange {
    init(row: any SQLRow) throws {
        guard let state = BankDetailsReview.State(rawValue: try row.string("state")),
              let kind = OrganisationKind(rawValue: try row.string("proposer_kind")) else {
            throw CorruptValue(column: "bank_detail_changes.state")
        }
        self.init(id: try row.id("id"), place: try row.id("place_id"), holder: try row.string("holder"), iban: try row.string("iban"),
                  bic: try row.string("bic"), previousIBAN: try row.optionalString("previous_iban"), reason: try row.string("reason"),
                  proposedBy: try row.string("proposed_by"), proposerKind: kind, proposedAt: Date(millis: try row.int("proposed_at")),
                  state: state, decidedBy: try row.optionalString("decided_by"), decidedAt: try row.optionalInt("decided_at").map(Date.init(millis:)),
                  decisionReason: try row.optionalString("decision_reason"))
    }
}

/// The data steps of migrations 50 and 51: bank details recorded before the four-eyes rule live as JSON in the
/// application's bank step, which plain SQL cannot read on both databases.
enum BankDetailsMigration {
    static func recordedDetails(_ tx: Transaction) async throws -> [(place: Int64, at: Int64, bank: ApplicationData.Bank)] {
        try await tx.sql.raw("SELECT place_id, data, submitted_at FROM place_steps WHERE step = 'bank' ORDER BY place_id").all().compactMap { row in
            guard let bank = try? JSONDecoder().decode(ApplicationData.Bank.self, from: Data(try row.string("data").utf8)),
                  case .success(let iban) = IBAN.check(bank.iban), let bic = BIC.check(bank.bic) else { return nil }
            return (try row.int("place_id"), try row.int("submitted_at"), ApplicationData.Bank(holder: bank.holder, iban: iban, bic: bic))
        }
    }

    /// Details recorded by one person become the place's pending proposal: paid again once an operator admin verifies.
    @Sendable static func proposeRecordedDetails(_ tx: Transaction) async throws {
        for recorded in try await recordedDetails(tx) {
            try await tx.sql.raw("""
                INSERT INTO bank_detail_changes (place_id, holder, iban, bic, reason, proposed_by, proposer_kind, proposed_at, state)
                VALUES (\(bind: recorded.place), \(bind: recorded.bank.holder), \(bind: recorded.bank.iban), \(bind: recorded.bank.bic),
                  'recorded before bank details needed two people', 'migration', 'place', \(bind: recorded.at), 'pending')
                """).run()
        }
    }

    /// Earlier payouts get the details on record now: the closest to what their files paid.
    @Sendable static func copyCreditorsToPayouts(_ tx: Transaction) async throws {
        for recorded in try await recordedDetails(tx) {
            try await tx.sql.raw("""
                UPDATE payouts SET creditor_name = \(bind: recorded.bank.holder), creditor_iban = \(bind: recorded.bank.iban),
                  creditor_bic = \(bind: recorded.bank.bic)
                WHERE place_id = \(bind: recorded.place) AND creditor_iban IS NULL
                """).run()
        }
    }
}
