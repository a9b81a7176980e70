import Foundation
import PassnumDomain
import SQLKit

public struct CreditNote: Sendable, Equatable {
    /// "A-2026-00001": numbered without gaps within the year.
    public let number: String
    public let programme: ProgrammeID
    public let funder: FunderID
    public let checks: Int
    public let amount: Money
}

extension Store {
    /// Expires every programme whose validity and grace period are over: its checks still issued, allocated
    /// or distributed become expired, and one credit note per programme returns their face value to the
    /// funder. Idempotent: a programme expires once. Returns the credit notes written by this call.
    @discardableResult
    public func expireProgrammes(actor: Actor = .system) async throws -> [CreditNote] {
        let now = clock.now
        let today = CivilDate(now)
        let candidates = try await read { tx in
            try await tx.sql.raw("SELECT \(unsafeRaw: ProgrammeColumns.select) FROM programmes p WHERE p.expired_at IS NULL ORDER BY p.id")
                .all().map { try ProgrammeColumns.decode($0) }
        }
        var notes: [CreditNote] = []
        for programme in candidates where programme.terms.expiryDay <= today {
            if let note = try await expire(programme.id, now: now, actor: actor) { notes.append(note) }
        }
        return notes
    }

    private func expire(_ id: ProgrammeID, now: Date, actor: Actor) async throws -> CreditNote? {
        try await transaction { tx in
            // Claiming the programme row first makes a concurrent expiry of the same programme do nothing.
            let claimed = try await tx.sql.raw("""
                UPDATE programmes SET expired_at = \(bind: now.millis) WHERE id = \(bind: id.rawValue) AND expired_at IS NULL
                RETURNING funder_id, face_value_cents
                """).first()
            guard let claimed else { return nil }
            let funder = FunderID(try claimed.int("funder_id"))
            try await tx.refreshPublicPlaces(ofFunder: funder, at: now)
            let face = Money(cents: try claimed.int("face_value_cents"))
            let tallies = try await tx.moveChecks(
                where: "programme_id = \(bind: id.rawValue)", along: CheckState.expiry, setting: "expired_at = \(bind: now.millis)")
            let count = try await tx.sql.raw("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n FROM checks WHERE programme_id = \(bind: id.rawValue) AND state = \(bind: CheckState.expired.rawValue)
                """).first(decodingColumn: "n", as: Int64.self) ?? 0
            let amount = face * count
            let number = try await tx.nextNumber(.creditNote, at: now).description
            try await tx.sql.raw("""
                INSERT INTO credit_notes (programme_id, funder_id, checks, amount_cents, created_at, number)
                VALUES (\(bind: id.rawValue), \(bind: funder.rawValue), \(bind: count), \(bind: amount.cents), \(bind: now.millis), \(bind: number))
                """).run()
            if amount > .zero {
                try await tx.post(
                    try .transfer(.creditNote, reference: "programme:\(id)", amount: amount,
                                  from: .programmeFunds(id), to: .funderRefunds(funder)),
                    actor: actor, at: now)
            }
            // After the journal, as a validation does: both take their lane's head before its tallies.
            try await tx.apply(tallies)
            try await tx.noticeCreditNote(programme: id, funder: funder, at: now)
            return CreditNote(number: number, programme: id, funder: funder, checks: Int(count), amount: amount)
        }
    }
}
