import Foundation
import PassnumDomain
import SQLKit

extension Store {
    /// How many checks a place validated since `since` and what they are worth, undone validations left out: the
    /// figures at the top of the validation desk. One statement on `redemptions_place_page`, bounded by `since`.
    public func validationTotals(at place: PlaceID, since: Date) async throws -> (count: Int, total: Money) {
        try await read { tx in
            let row = try await tx.sql.raw("""
                SELECT CAST(COUNT(*) AS BIGINT) AS n, CAST(COALESCE(SUM(p.face_value_cents), 0) AS BIGINT) AS cents
                FROM redemptions r JOIN checks c ON c.id = r.check_id JOIN programmes p ON p.id = c.programme_id
                WHERE r.place_id = \(bind: place.rawValue) AND r.redeemed_at >= \(bind: since.millis) AND r.undone_at IS NULL
                """).first()
            return (Int(try row?.decode(column: "n", as: Int64.self) ?? 0), Money(cents: try row?.decode(column: "cents", as: Int64.self) ?? 0))
        }
    }
}
