import Foundation
import PassnumDomain
import SQLKit

extension Store {
    /// How many places a month's payout run would pay (places with payable checks): one statement on
    /// `checks_payable_month`.
    public func payoutPreviewPlaceCount(for month: Month) async throws -> Int {
        let payable = PayoutSQL.payable("c", in: month)
        return try await read { tx in
            Int(try await tx.sql.raw("SELECT CAST(COUNT(DISTINCT c.place_id) AS BIGINT) AS n FROM checks c WHERE \(payable)")
                .first(decodingColumn: "n", as: Int64.self) ?? 0)
        }
    }
}
