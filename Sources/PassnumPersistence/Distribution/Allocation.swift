import Foundation
import PassnumDomain
import SQLKit

extension Store {
    /// Moves `count` booklets of the funder's stock to a prescriber, within the prescriber's quota.
    /// Returns the booklets allocated, lowest numbers first.
    @discardableResult
    public func allocate(programme: ProgrammeID, prescriber: PrescriberID, booklets count: Int, actor: Actor) async throws -> [BookletID] {
        guard (1...100_000).contains(count) else {
            throw DomainError.invalid(field: .booklets, problem: .outOfRange(min: 1, max: 100_000))
        }
        let now = clock.now
        return try await transaction { tx in
            let programme = try await tx.programme(programme)
            try actor.requireFunderOrOperator(programme.funder, else: "programme \(programme.id)")
            try tx.requireOpen(programme, today: CivilDate(now))
            // Locking the quota row serialises allocations to one prescriber on PostgreSQL.
            guard let quota = try await tx.sql.raw("""
                SELECT max_booklets FROM prescriber_quotas
                WHERE programme_id = \(bind: programme.id.rawValue) AND prescriber_id = \(bind: prescriber.rawValue)
                """ + SQLQueryString(tx.forUpdate)).first(decodingColumn: "max_booklets", as: Int64.self)
            else { throw DomainError.noQuota(programme: programme.id, prescriber: prescriber) }
            let held = try await tx.sql.raw("""
                SELECT COUNT(*) AS n FROM booklets
                WHERE programme_id = \(bind: programme.id.rawValue) AND prescriber_id = \(bind: prescriber.rawValue)
                """).first(decodingColumn: "n", as: Int64.self) ?? 0
            guard held + Int64(count) <= quota else {
                throw DomainError.quotaExceeded(quota: Int(quota), held: Int(held), requested: count)
            }
            // The stock's partial index gives the lowest-numbered booklets in order; each is kept only if one of its
            // checks can still be allocated (a primary-key range probe of ten rows).
            let chosen = try await tx.sql.raw("""
                SELECT b.id, b.first_check_id, b.last_check_id FROM booklets b
                WHERE b.programme_id = \(bind: programme.id.rawValue) AND b.prescriber_id IS NULL
                  AND EXISTS (SELECT 1 FROM checks c WHERE c.id BETWEEN b.first_check_id AND b.last_check_id
                    AND c.state IN (\(binds: CheckState.allocation.from.binds)))
                ORDER BY b.id LIMIT \(bind: Int64(count))
                """ + SQLQueryString(tx.forUpdate)).all().map(BookletSpan.init)
            guard chosen.count == count else { throw DomainError.insufficientStock(available: chosen.count, requested: count) }
            for booklets in IDRanges(ids: chosen.map(\.id)).conditions(on: "id") {
                try await tx.sql.raw("""
                    UPDATE booklets SET prescriber_id = \(bind: prescriber.rawValue), allocated_at = \(bind: now.millis) WHERE \(booklets)
                    """).run()
            }
            var tallies = TallyDeltas()
            for checks in IDRanges(chosen.map(\.checks)).conditions(on: "id") {
                tallies.add(try await tx.moveChecks(where: checks, along: CheckState.allocation))
            }
            try await tx.apply(tallies)
            return chosen.map { BookletID($0.id) }
        }
    }

    /// A prescriber gives booklets back to the funder's stock. Only booklets none of whose checks were
    /// handed out can go back.
    public func returnBooklets(_ booklets: [BookletID], from prescriber: PrescriberID) async throws {
        guard !booklets.isEmpty else { throw DomainError.invalid(field: .booklets, problem: .empty) }
        let asked = IDRanges(ids: booklets.map(\.rawValue))
        try await transaction { tx in
            var owned: [BookletSpan] = []
            for condition in asked.conditions(on: "id") {
                owned += try await tx.sql.raw("""
                    SELECT id, first_check_id, last_check_id FROM booklets
                    WHERE \(condition) AND prescriber_id = \(bind: prescriber.rawValue)
                    """ + SQLQueryString(tx.forUpdate)).all().map(BookletSpan.init)
            }
            let ownedIDs = Set(owned.map(\.id))
            if let missing = booklets.first(where: { !ownedIDs.contains($0.rawValue) }) {
                throw DomainError.notFound("booklet \(missing) in the stock of prescriber \(prescriber)")
            }
            // Checks that can go back, or voided ones that simply stay voided; any other state keeps the booklet out.
            let returnable = CheckState.returnToFunder.from + [.voided]
            let checks = IDRanges(owned.map(\.checks)).conditions(on: "id")
            for condition in checks {
                if let row = try await tx.sql.raw("""
                    SELECT booklet_id, state FROM checks WHERE \(condition) AND state NOT IN (\(binds: returnable.binds)) LIMIT 1
                    """).first() {
                    throw DomainError.invalidTransition(
                        entity: "booklet \(try row.int("booklet_id"))", from: "partly \(try row.string("state"))", to: "returned")
                }
            }
            var tallies = TallyDeltas()
            for condition in checks {
                tallies.add(try await tx.moveChecks(where: condition, along: CheckState.returnToFunder))
            }
            try await tx.apply(tallies)
            for condition in asked.conditions(on: "id") {
                try await tx.sql.raw("UPDATE booklets SET prescriber_id = NULL, allocated_at = NULL WHERE \(condition)").run()
            }
        }
    }
}

/// A booklet and the range of its checks' ids.
private struct BookletSpan {
    let id: Int64
    let checks: ClosedRange<Int64>

    init(_ row: any SQLRow) throws {
        id = try row.int("id")
        let first = try row.int("first_check_id"), last = try row.int("last_check_id")
        guard first <= last else { throw CorruptValue(column: "booklets.last_check_id") }
        checks = first...last
    }
}

extension Transaction {
    /// Stock moves to prescribers stop when the programme's validity is over.
    func requireOpen(_ programme: Programme, today: CivilDate) throws {
        if programme.expired || today > programme.terms.validUntil {
            throw DomainError.programmeClosed(programme: programme.id, since: programme.terms.validUntil.adding(days: 1))
        }
    }

    /// Hand-outs stop 15 days before the end (DESIGN.md, expiry timeline).
    func requireOpenForHandOut(_ programme: Programme, today: CivilDate) throws {
        if programme.expired || today >= programme.terms.handOutStopDay {
            throw DomainError.programmeClosed(programme: programme.id, since: programme.terms.handOutStopDay)
        }
    }
}
