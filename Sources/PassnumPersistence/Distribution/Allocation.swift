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
            let chosen = try await tx.sql.raw("""
                SELECT b.id FROM booklets b
                WHERE b.programme_id = \(bind: programme.id.rawValue) AND b.prescriber_id IS NULL
                  AND EXISTS (SELECT 1 FROM checks c WHERE c.id BETWEEN b.first_check_id AND b.last_check_id
                    AND c.state IN (\(binds: CheckState.allocation.from.binds)))
                ORDER BY b.id LIMIT \(bind: Int64(count))
                """ + SQLQueryString(tx.forUpdate)).all().map { try $0.int("id") }
            guard chosen.count == count else { throw DomainError.insufficientStock(available: chosen.count, requested: count) }
            try await tx.sql.raw("""
                UPDATE booklets SET prescriber_id = \(bind: prescriber.rawValue), allocated_at = \(bind: now.millis)
                WHERE id IN (\(binds: chosen.binds))
                """).run()
            try await tx.sql.raw("""
                UPDATE checks SET state = \(bind: CheckState.allocation.to.rawValue)
                WHERE id IN (\(Transaction.checks(ofBooklets: chosen))) AND state IN (\(binds: CheckState.allocation.from.binds))
                """).run()
            return chosen.map(BookletID.init)
        }
    }

    /// A prescriber gives booklets back to the funder's stock. Only booklets none of whose checks were
    /// handed out can go back.
    public func returnBooklets(_ booklets: [BookletID], from prescriber: PrescriberID) async throws {
        guard !booklets.isEmpty else { throw DomainError.invalid(field: .booklets, problem: .empty) }
        let ids = booklets.map(\.rawValue)
        try await transaction { tx in
            let owned = try await tx.sql.raw("""
                SELECT id FROM booklets WHERE id IN (\(binds: ids.binds)) AND prescriber_id = \(bind: prescriber.rawValue)
                """ + SQLQueryString(tx.forUpdate)).all().map { try $0.int("id") }
            if let missing = ids.first(where: { !owned.contains($0) }) {
                throw DomainError.notFound("booklet \(missing) in the stock of prescriber \(prescriber)")
            }
            // Checks that can go back, or voided ones that simply stay voided; any other state keeps the booklet out.
            let returnable = CheckState.returnToFunder.from + [.voided]
            if let row = try await tx.sql.raw("""
                SELECT booklet_id, state FROM checks
                WHERE id IN (\(Transaction.checks(ofBooklets: ids))) AND state NOT IN (\(binds: returnable.binds)) LIMIT 1
                """).first() {
                throw DomainError.invalidTransition(
                    entity: "booklet \(try row.int("booklet_id"))", from: "partly \(try row.string("state"))", to: "returned")
            }
            try await tx.sql.raw("""
                UPDATE checks SET state = \(bind: CheckState.returnToFunder.to.rawValue)
                WHERE id IN (\(Transaction.checks(ofBooklets: ids))) AND state IN (\(binds: CheckState.returnToFunder.from.binds))
                """).run()
            try await tx.sql.raw("UPDATE booklets SET prescriber_id = NULL, allocated_at = NULL WHERE id IN (\(binds: ids.binds))").run()
        }
    }
}

extension Transaction {
    /// The ids of the checks of some booklets, as a subquery: each booklet's checks are a range of ids.
    static func checks(ofBooklets booklets: [Int64]) -> SQLQueryString {
        """
        SELECT c.id FROM booklets b JOIN checks c ON c.id BETWEEN b.first_check_id AND b.last_check_id
        WHERE b.id IN (\(binds: booklets.binds))
        """
    }

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
