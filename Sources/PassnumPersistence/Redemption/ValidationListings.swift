import Foundation
import PassnumDomain
import SQLKit

// Read-only queries behind the pages. Each takes the organisation it is scoped to: a page can only ever
// ask for its own organisation's rows.

extension Store {
    /// A place's validations since `since` (all when nil), newest first, a page at a time, undone and reversed ones
    /// included and marked: the place's history and the partner API's list. On `redemptions_place_page`.
    public func validations(at place: PlaceID, since: Date? = nil, _ page: PageRequest) async throws -> Page<ValidationRecord> {
        let since: SQLQueryString = since.map { " AND r.redeemed_at >= \(bind: $0.millis)" } ?? ""
        return try await read { tx in
            try await tx.page("""
                SELECT r.id, r.check_id, r.redeemed_at, r.category, r.undone_at, c.state, p.face_value_cents
                FROM redemptions r JOIN checks c ON c.id = r.check_id JOIN programmes p ON p.id = c.programme_id
                WHERE r.place_id = \(bind: place.rawValue)
                """ + since, keyset: Keyset(.validations, sort: ["r.redeemed_at"], keyColumns: ["redeemed_at"], id: "r.id", descending: true), page) { row in
                guard let serial = CheckSerial(number: try row.int("check_id")), let state = CheckState(rawValue: try row.string("state")) else { return nil }
                return ValidationRecord(id: try row.id("id"), serial: serial, validatedAt: Date(millis: try row.int("redeemed_at")),
                                        category: try row.optionalString("category").flatMap(ServiceCategory.init(code:)),
                                        amount: Money(cents: try row.int("face_value_cents")), cancelled: try row.optionalInt("undone_at") != nil,
                                        checkState: state)
            }
        }
    }
}
