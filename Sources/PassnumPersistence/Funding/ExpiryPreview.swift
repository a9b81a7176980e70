import Foundation
import PassnumDomain
import SQLKit

/// A programme that closing the ended programmes now would close, with what its credit note would return.
public struct ExpiryPreviewLine: Sendable, Equatable {
    public let programme: ProgrammeID
    public let name: String
    public let checks: Int
    public let amount: Money
}

extension Store {
    /// What `expireProgrammes` would do if run now, without doing it: the confirmation page's figures. Two
    /// statements whatever the data: the programmes not yet expired (a few per funder), then their expirable checks
    /// counted by programme.
    public func expiryPreview() async throws -> [ExpiryPreviewLine] {
        let today = CivilDate(clock.now)
        return try await read { tx in
            let due = try await tx.sql.raw("SELECT \(unsafeRaw: ProgrammeColumns.select) FROM programmes p WHERE p.expired_at IS NULL ORDER BY p.id")
                .all().map { try ProgrammeColumns.decode($0) }.filter { $0.terms.expiryDay <= today }
            guard !due.isEmpty else { return [] }
            var counts: [Int64: Int64] = [:]
            for row in try await tx.sql.raw("""
                SELECT programme_id, CAST(COUNT(*) AS BIGINT) AS n FROM checks
                WHERE programme_id IN (\(binds: due.map(\.id.rawValue).binds)) AND state IN (\(binds: CheckState.expiry.from.binds))
                GROUP BY programme_id
                """).all() {
                counts[try row.decode(column: "programme_id", as: Int64.self)] = try row.decode(column: "n", as: Int64.self)
            }
            return due.map { programme in
                let checks = counts[programme.id.rawValue] ?? 0
                return ExpiryPreviewLine(programme: programme.id, name: programme.terms.name, checks: Int(checks), amount: programme.terms.faceValue * checks)
            }
        }
    }

}
