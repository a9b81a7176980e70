import Foundation
import PassnumDomain
import SQLKit

/// The minimal record of a place; the step-by-step application comes with the places issue.
public struct NewPlace: Sendable {
    public var name: String
    public var siret: String?
    public var commune: CommuneCode
    public var postcode: String
    /// Bank details given by the place: a pending proposal until an operator admin verifies it (`decideBankDetails`);
    /// until then the place's payouts are held back.
    public var bank: ApplicationData.Bank?

    public init(name: String, siret: String? = nil, commune: CommuneCode, postcode: String, bank: ApplicationData.Bank? = nil) {
        self.name = name
        self.siret = siret
        self.commune = commune
        self.postcode = postcode
        self.bank = bank
    }
}

extension Store {
    /// Records a place whose application is submitted, waiting for the operator's decision.
    public func createPlace(_ place: NewPlace) async throws -> PlaceID {
        let name = try requiredText(place.name, field: .name)
        guard place.postcode.count == 5, place.postcode.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw DomainError.invalid(field: .postcode, problem: .malformed)
        }
        if let siret = place.siret, siret.count != 14 || !siret.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw DomainError.invalid(field: .siret, problem: .malformed)
        }
        if let bank = place.bank {
            guard case .success = IBAN.check(bank.iban), BIC.check(bank.bic) != nil else {
                throw DomainError.invalid(field: .bank, problem: .malformed)
            }
        }
        let now = clock.now.millis
        let bankJSON = try place.bank.map { String(decoding: try JSONEncoder.sorted.encode($0), as: UTF8.self) }
        return try await transaction { tx in
            if let siret = place.siret,
               try await tx.sql.raw("SELECT id FROM places WHERE siret = \(bind: siret)").first() != nil {
                throw DomainError.invalid(field: .siret, problem: .alreadyUsed)
            }
            let id = try await tx.insertReturningID("""
                INSERT INTO places (name, siret, commune, postcode, state, created_at, updated_at)
                VALUES (\(bind: name), \(bind: place.siret), \(bind: place.commune.value), \(bind: place.postcode),
                  \(bind: PlaceState.submitted.rawValue), \(bind: now), \(bind: now))
                """)
            if let bankJSON, let bank = place.bank {
                try await tx.sql.raw("""
                    INSERT INTO place_steps (place_id, step, data, submitted_at) VALUES (\(bind: id), 'bank', \(bind: bankJSON), \(bind: now))
                    """).run()
                _ = try await tx.proposeBankDetails(bank, place: PlaceID(id), reason: RecordedReason.placeRecord.text,
                                                    actor: .place(PlaceID(id)), at: Date(millis: now))
            }
            return PlaceID(id)
        }
    }

    public func placeState(_ place: PlaceID) async throws -> PlaceState {
        try await read { tx in try await tx.placeState(place) }
    }

    /// Moves a place through qualification: qualify, reject, suspend, reinstate, disqualify. Every decision is
    /// kept in `place_decisions` with who, when and why.
    public func changePlaceState(_ place: PlaceID, to target: PlaceState, reason: String? = nil, actor: Actor = .system) async throws {
        let now = clock.now.millis
        try await transaction { tx in
            let current = try await tx.placeState(place, lock: true)
            guard current.canMove(to: target) else {
                throw DomainError.invalidTransition(entity: "place \(place)", from: current.rawValue, to: target.rawValue)
            }
            if [.rejected, .suspended, .disqualified].contains(target), (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw DomainError.invalid(field: .reason, problem: .empty)
            }
            // The State's charter: below 24 hours a week (or unreadable hours) the operator says why; the reason is
            // kept with the decision and journaled with it.
            if target == .qualified, let opening = try await tx.weeklyOpening(of: place) {
                try PlaceCharter.checkQualification(opening, reason: reason)
            }
            try await tx.sql.raw("""
                UPDATE places SET state = \(bind: target.rawValue), state_reason = \(bind: reason), updated_at = \(bind: now)
                WHERE id = \(bind: place.rawValue)
                """).run()
            try await tx.sql.raw("""
                INSERT INTO place_decisions (place_id, from_state, to_state, actor, reason, decided_at)
                VALUES (\(bind: place.rawValue), \(bind: current.rawValue), \(bind: target.rawValue), \(bind: actor.name), \(bind: reason), \(bind: now))
                """).run()
            try await tx.post(.event(.placeDecision, reference: "place:\(place):\(current.rawValue)->\(target.rawValue)", reason: reason),
                              actor: actor, at: Date(millis: now))
            try await tx.refreshPublicPlace(place, at: Date(millis: now))
            try await tx.noticePlaceMove(place, to: target, reason: reason, at: Date(millis: now))
        }
    }

    /// A place asks to accept a funder's checks.
    public func requestAffiliation(place: PlaceID, funder: FunderID) async throws {
        let now = clock.now.millis
        try await transaction { tx in
            _ = try await tx.placeState(place)
            try await tx.requireFunder(funder)
            if let current = try await tx.affiliationState(place: place, funder: funder) {
                guard current.canMove(to: .requested) else {
                    throw DomainError.invalidTransition(entity: "affiliation", from: current.rawValue, to: AffiliationState.requested.rawValue)
                }
                try await tx.sql.raw("""
                    UPDATE affiliations SET state = \(bind: AffiliationState.requested.rawValue), reason = NULL, updated_at = \(bind: now)
                    WHERE place_id = \(bind: place.rawValue) AND funder_id = \(bind: funder.rawValue)
                    """).run()
            } else {
                try await tx.sql.raw("""
                    INSERT INTO affiliations (place_id, funder_id, state, updated_at)
                    VALUES (\(bind: place.rawValue), \(bind: funder.rawValue), \(bind: AffiliationState.requested.rawValue), \(bind: now))
                    """).run()
            }
            try await tx.noticeAffiliationRequested(place: place, funder: funder, at: Date(millis: now))
        }
    }

    /// The funder approves or refuses a place's request. Only a qualified place can be approved.
    public func decideAffiliation(place: PlaceID, funder: FunderID, approve: Bool, reason: String? = nil, actor: Actor = .system) async throws {
        let now = clock.now.millis
        let target: AffiliationState = approve ? .approved : .refused
        try await transaction { tx in
            guard let current = try await tx.affiliationState(place: place, funder: funder) else {
                throw DomainError.notFound("affiliation request of place \(place) to funder \(funder)")
            }
            guard current.canMove(to: target) else {
                throw DomainError.invalidTransition(entity: "affiliation", from: current.rawValue, to: target.rawValue)
            }
            if approve {
                let state = try await tx.placeState(place)
                guard state == .qualified else {
                    throw DomainError.invalidTransition(entity: "place \(place)", from: state.rawValue, to: "affiliated")
                }
            }
            try await tx.sql.raw("""
                UPDATE affiliations SET state = \(bind: target.rawValue), reason = \(bind: reason), updated_at = \(bind: now)
                WHERE place_id = \(bind: place.rawValue) AND funder_id = \(bind: funder.rawValue)
                """).run()
            try await tx.post(.event(.affiliationDecision, reference: "place:\(place):funder:\(funder):\(target.rawValue)", reason: reason),
                              actor: actor, at: Date(millis: now))
            try await tx.refreshPublicPlace(place, at: Date(millis: now))
            try await tx.noticeAffiliationDecided(place: place, funder: funder, accepted: approve, reason: reason, at: Date(millis: now))
        }
    }
}

extension Transaction {
    /// The place's state; with `lock`, its row stays locked until commit (PostgreSQL) so that operations on one place
    /// (payout runs, reversals, subscriptions, decisions) take turns. FOR NO KEY UPDATE, not FOR UPDATE: inserts that
    /// reference the place (validations) only take a key-share lock, which this does not block, so a payout run
    /// never holds validations up nor deadlocks with them.
    func placeState(_ place: PlaceID, lock: Bool = false) async throws -> PlaceState {
        let query: SQLQueryString = "SELECT state FROM places WHERE id = \(bind: place.rawValue)"
        guard let row = try await sql.raw(lock && kind == .postgres ? query + " FOR NO KEY UPDATE" : query).first() else {
            throw DomainError.notFound("place \(place)")
        }
        guard let state = PlaceState(rawValue: try row.string("state")) else {
            throw CorruptValue(column: "places.state")
        }
        return state
    }

    func affiliationState(place: PlaceID, funder: FunderID) async throws -> AffiliationState? {
        try await sql.raw("""
            SELECT state FROM affiliations WHERE place_id = \(bind: place.rawValue) AND funder_id = \(bind: funder.rawValue)
            """).first(decodingColumn: "state", as: String.self).flatMap(AffiliationState.init(rawValue:))
    }
}
