import Foundation
import PassnumDomain
import SQLKit

// Read-only queries behind the pages. Each takes the organisation it is scoped to: a page can only ever
// ask for its own organisation's rows.

extension Store {
    /// Validations made at a place since `since`, most recent first (undone ones included, marked).
    public func validations(at place: PlaceID, since: Date, limit: Int = 500) async throws -> [(check: CheckRow, undone: Bool)] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT r.check_id AS id, c.state, r.redeemed_at AS at, r.category, p.face_value_cents, r.undone_at
                FROM redemptions r JOIN checks c ON c.id = r.check_id JOIN programmes p ON p.id = c.programme_id
                WHERE r.place_id = \(bind: place.rawValue) AND r.redeemed_at >= \(bind: since.millis)
                ORDER BY r.redeemed_at DESC, r.id DESC LIMIT \(bind: Int64(limit))
                """).all().compactMap { row in try Self.checkRow(row).map { ($0, try row.optionalInt("undone_at") != nil) } }
        }
    }
}
