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
    /// The day it was validated, for a used check.
    public let redeemedOn: CivilDate?
    /// Why it was voided (`lost`, `stolen`, `fraud`, `reversed`), for a voided check.
    public let voidReason: String?
    /// The prescriber structure that holds or handed out its booklet: whom the holder can ask.
    public let prescriberName: String?
}

extension Store {
    /// What anyone holding a check may learn with its serial and code. Nil when the pair does not match.
    public func publicStatus(serial: CheckSerial, code: SecurityCode) async throws -> PublicCheckStatus? {
        guard secret.verify(code, for: serial) else { return nil }
        return try await read { tx in
            guard let row = try await tx.sql.raw("""
                SELECT c.state, c.redeemed_at, c.void_reason, f.name AS funder, s.name AS prescriber, \(unsafeRaw: ProgrammeColumns.select)
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN funders f ON f.id = p.funder_id
                JOIN booklets b ON b.id = c.booklet_id LEFT JOIN prescribers s ON s.id = b.prescriber_id
                WHERE c.id = \(bind: serial.number)
                """).first(), let state = CheckState(rawValue: try row.string("state"))
            else { return nil }
            let programme = try ProgrammeColumns.decode(row)
            return PublicCheckStatus(state: state, faceValue: programme.terms.faceValue, funderName: try row.string("funder"),
                                     programmeName: programme.terms.name, lastDay: programme.terms.lastRedemptionDay,
                                     redeemedOn: try row.optionalInt("redeemed_at").map { CivilDate(Date(millis: $0)) },
                                     voidReason: try row.optionalString("void_reason"), prescriberName: try row.optionalString("prescriber"))
        }
    }
}
