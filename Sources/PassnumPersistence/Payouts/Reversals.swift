import Foundation
import PassnumDomain
import SQLKit

/// A reversed check: what the place was credited is taken back.
public struct Reversal: Sendable, Equatable {
    public let serial: CheckSerial
    public let place: PlaceID
    public let amount: Money
    /// True when the check had been paid: the amount is deducted from the place's next payouts.
    public let deducted: Bool
}

extension Store {
    /// Reverses a validated check (fraud, error): it becomes voided and its value goes back to its programme. When
    /// it was already paid, the amount is deducted from the place's next payouts. Nothing is deleted: the
    /// redemption and the payout stay, and the journal gets a correcting entry with who and why.
    public func reverse(_ serial: CheckSerial, reason: String, actor: Actor) async throws -> Reversal {
        let reason = try requiredText(reason, field: .reason)
        let now = clock.now
        return try await transaction { tx in
            func check() async throws -> (any SQLRow) {
                guard let row = try await tx.sql.raw("""
                    SELECT c.state, c.place_id, c.programme_id, c.booklet_id, c.redeemed_at, c.target_public, p.face_value_cents FROM checks c JOIN programmes p ON p.id = c.programme_id
                    WHERE c.id = \(bind: serial.number)
                    """).first() else { throw DomainError.notFound("check \(serial.grouped)") }
                return row
            }
            guard let placeID = try await check().optionalInt("place_id") else {
                throw DomainError.invalidTransition(entity: "check \(serial.grouped)", from: try await check().string("state"), to: CheckState.voided.rawValue)
            }
            let place = PlaceID(placeID)
            // The place's row orders this with its payout runs, so a check is never paid and reversed at once; its state
            // is read after the lock, so a payout that just committed is seen.
            _ = try await tx.placeState(place, lock: true)
            let check = try await check()
            let state = try check.string("state")
            guard let current = CheckState(rawValue: state), CheckState.reversal.from.contains(current) else {
                throw DomainError.invalidTransition(entity: "check \(serial.grouped)", from: state, to: CheckState.voided.rawValue)
            }
            let voided = try await tx.sql.raw("""
                UPDATE checks SET state = \(bind: CheckState.reversal.to.rawValue), voided_at = \(bind: now.millis), void_reason = 'reversed'
                WHERE id = \(bind: serial.number) AND state = \(bind: state) RETURNING id
                """).all()
            guard voided.count == 1 else {
                throw DomainError.invalidTransition(entity: "check \(serial.grouped)", from: state, to: CheckState.voided.rawValue)
            }
            guard let category = try await tx.sql.raw("""
                UPDATE redemptions SET undone_at = \(bind: now.millis) WHERE check_id = \(bind: serial.number) AND undone_at IS NULL RETURNING category
                """).first(decodingColumn: "category", as: String.self)
            else { throw Inconsistency("validated check \(serial.grouped) has no live redemption") }
            let amount = Money(cents: try check.int("face_value_cents"))
            let paid = current == .paid
            if paid {
                try await tx.sql.raw("""
                    INSERT INTO deductions (place_id, kind, reference, amount_cents, reason, created_at)
                    VALUES (\(bind: place.rawValue), \(bind: DeductionKind.reversal.rawValue), \(bind: serial.grouped), \(bind: amount.cents),
                      \(bind: reason), \(bind: now.millis))
                    """).run()
            }
            var entry = try JournalEntry.transfer(.reversal, reference: "check:\(serial.grouped)", amount: amount,
                                                  from: .placePayable(place), to: .programmeFunds(ProgrammeID(try check.int("programme_id"))))
            entry.reason = reason
            try await tx.post(entry, actor: actor, at: now)
            try await tx.apply(try await tx.unvalidated(
                programme: try check.int("programme_id"), booklet: try check.int("booklet_id"), place: place.rawValue, category: category,
                redeemedAt: Date(millis: try check.optionalInt("redeemed_at") ?? 0),
                targetPublic: try TargetPublic.stored(try check.optionalString("target_public")), from: current, to: CheckState.reversal.to))
            return Reversal(serial: serial, place: place, amount: amount, deducted: paid)
        }
    }
}
