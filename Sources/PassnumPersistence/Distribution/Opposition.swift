import Foundation
import PassnumDomain
import SQLKit

public enum OppositionReason: String, Sendable, CaseIterable {
    case lost, stolen, fraud
}

extension Store {
    /// Opposes checks that are not redeemed yet: they become voided and can never be validated.
    /// All or nothing: if one of them cannot be voided, none is. A prescriber opposes only checks of the
    /// booklets it holds or handed out (others are "not found"); the operator any check.
    public func oppose(_ serials: [CheckSerial], reason: OppositionReason, actor: Actor) async throws {
        guard !serials.isEmpty else { throw DomainError.invalid(field: .checks, problem: .empty) }
        let ids = Array(Set(serials.map(\.number))).sorted()
        let now = clock.now.millis
        try await transaction { tx in
            switch actor.organisation {
            case .some(.operator): break
            case .some(let organisation) where organisation.prescriber != nil:
                if let foreign = try await tx.sql.raw("""
                    SELECT c.id FROM checks c JOIN booklets b ON b.id = c.booklet_id
                    WHERE c.id IN (\(binds: ids.binds)) AND (b.prescriber_id IS NULL OR b.prescriber_id <> \(bind: organisation.prescriber?.rawValue))
                    ORDER BY c.id LIMIT 1
                    """).first(decodingColumn: "id", as: Int64.self) {
                    throw DomainError.notFound("check \(CheckSerial(number: foreign)?.grouped ?? String(foreign))")
                }
            default:
                throw DomainError.notAllowed(action: "only a prescriber holding the check, or the operator, opposes it")
            }
            let before = try await tx.lockedStates("id IN (\(binds: ids.binds))")
            let voided = try await tx.sql.raw("""
                UPDATE checks SET state = \(bind: CheckState.opposition.to.rawValue), voided_at = \(bind: now), void_reason = \(bind: reason.rawValue)
                WHERE id IN (\(binds: ids.binds)) AND state IN (\(binds: CheckState.opposition.from.binds)) RETURNING id
                """).all().map { try $0.int("id") }
            try await tx.apply(Transaction.opposed(Set(voided), before))
            if voided.count != ids.count {
                guard let missing = ids.first(where: { !voided.contains($0) }) else { throw CorruptValue(column: "checks.id") }
                let state = try await tx.sql.raw("SELECT state FROM checks WHERE id = \(bind: missing)")
                    .first(decodingColumn: "state", as: String.self)
                let serial = CheckSerial(number: missing)?.grouped ?? String(missing)
                guard let state else { throw DomainError.notFound("check \(serial)") }
                throw DomainError.invalidTransition(entity: "check \(serial)", from: state, to: CheckState.voided.rawValue)
            }
        }
    }

    /// Opposes every check of a booklet that is not redeemed yet (a lost or stolen booklet).
    /// Returns how many checks were voided.
    @discardableResult
    public func opposeBooklet(_ booklet: BookletID, reason: OppositionReason, actor: Actor) async throws -> Int {
        let now = clock.now.millis
        return try await transaction { tx in
            // Like `oppose`: the prescriber holding the booklet, or the operator; anyone else does not see it.
            guard let row = try await tx.sql.raw("""
                SELECT prescriber_id, first_check_id, last_check_id FROM booklets WHERE id = \(bind: booklet.rawValue)
                """).first()
            else { throw DomainError.notFound("booklet \(booklet)") }
            let holder = try row.optionalInt("prescriber_id")
            guard actor.organisation == .operator || (holder != nil && actor.organisation?.prescriber?.rawValue == holder) else {
                throw DomainError.notFound("booklet \(booklet)")
            }
            let checks: SQLQueryString = "id BETWEEN \(bind: try row.int("first_check_id")) AND \(bind: try row.int("last_check_id"))"
            let before = try await tx.lockedStates(checks)
            let voided = try await tx.sql.raw("""
                UPDATE checks SET state = \(bind: CheckState.opposition.to.rawValue), voided_at = \(bind: now), void_reason = \(bind: reason.rawValue)
                WHERE \(checks) AND state IN (\(binds: CheckState.opposition.from.binds))
                RETURNING id
                """).all()
            guard !voided.isEmpty else {
                throw DomainError.invalidTransition(entity: "booklet \(booklet)", from: "no check left to oppose", to: CheckState.opposition.to.rawValue)
            }
            try await tx.apply(Transaction.opposed(Set(try voided.map { try $0.int("id") }), before))
            return voided.count
        }
    }
}

extension Transaction {
    /// The checks' programme and state, locked until the transaction ends (PostgreSQL): an opposition may start from
    /// several states, and the tallies need the one each check leaves.
    fileprivate func lockedStates(_ condition: SQLQueryString) async throws -> [Int64: (programme: Int64, state: CheckState)] {
        var states: [Int64: (programme: Int64, state: CheckState)] = [:]
        for row in try await sql.raw("SELECT id, programme_id, state FROM checks WHERE \(condition) ORDER BY id" + SQLQueryString(forUpdate)).all() {
            states[try row.int("id")] = (try row.int("programme_id"), try CheckState(rawValue: try row.string("state")).orThrow("checks.state"))
        }
        return states
    }

    fileprivate static func opposed(_ voided: Set<Int64>, _ before: [Int64: (programme: Int64, state: CheckState)]) -> TallyDeltas {
        var tallies = TallyDeltas()
        for (id, check) in before where voided.contains(id) {
            tallies.move(1, of: check.programme, from: check.state, to: CheckState.opposition.to)
        }
        return tallies
    }
}
