import Foundation
import PassnumDomain
import SQLKit

// What the public check page shows to anyone holding a check.

public struct PublicCheckStatus: Sendable, Equatable {
    public let state: CheckState
    public let faceValue: Money
    public let funderName: String
    public let programmeName: String
    public let lastDay: CivilDate
}

extension Store {
    /// What anyone holding a check may learn with its serial and code. Nil when the pair does not match.
    public func publicStatus(serial: CheckSerial, code: SecurityCode) async throws -> PublicCheckStatus? {
        guard secret.verify(code, for: serial) else { return nil }
        return try await read { tx in
            guard let row = try await tx.sql.raw("""
                SELECT c.state, f.name AS funder, \(unsafeRaw: ProgrammeColumns.select)
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN funders f ON f.id = p.funder_id
                WHERE c.id = \(bind: serial.number)
                """).first(), let state = CheckState(rawValue: try row.string("state"))
            else { return nil }
            let programme = try ProgrammeColumns.decode(row)
            return PublicCheckStatus(state: state, faceValue: programme.terms.faceValue, funderName: try row.string("funder"),
                                     programmeName: programme.terms.name, lastDay: programme.terms.lastRedemptionDay)
        }
    }
}
