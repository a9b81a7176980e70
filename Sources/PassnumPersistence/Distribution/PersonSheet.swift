import Foundation
import PassnumDomain
import SQLKit

/// What the sheet a prescriber prints for a person says: their name and commune, who follows them, and the checks
/// they can still use with the last day of each.
public struct PersonSheet: Sendable, Equatable {
    public struct Check: Sendable, Equatable {
        public let serial: CheckSerial
        public let programme: String
        public let funder: FunderID
        public let faceValue: Money
        /// The last day a place may take it (`ProgrammeTerms.lastRedemptionDay`).
        public let lastDay: CivilDate
    }

    public let id: BeneficiaryID
    public let firstName: String
    public let lastName: String
    public let commune: String
    public let prescriberName: String
    /// Handed out and still usable today (`PersonalData.isUsable`), in serial order.
    public let checks: [Check]
}

extension Store {
    /// The sheet of one of this prescriber's people; nil when the person is not theirs. Two statements: the person
    /// with their prescriber, then their checks handed out (a person holds a few booklets at most).
    public func personSheet(of beneficiary: BeneficiaryID, prescriber: PrescriberID) async throws -> PersonSheet? {
        let today = CivilDate(clock.now)
        return try await read { tx in
            guard let row = try await tx.sql.raw("""
                SELECT b.id, b.first_name, b.last_name, b.commune, pr.name AS prescriber_name
                FROM beneficiaries b JOIN prescribers pr ON pr.id = b.prescriber_id
                WHERE b.id = \(bind: beneficiary.rawValue) AND b.prescriber_id = \(bind: prescriber.rawValue)
                """).first()
            else { return nil }
            let checks = try await tx.sql.raw("""
                SELECT c.id, \(unsafeRaw: ProgrammeColumns.select) FROM checks c JOIN programmes p ON p.id = c.programme_id
                WHERE c.beneficiary_id = \(bind: beneficiary.rawValue) AND c.state = \(bind: CheckState.handOut.to.rawValue) ORDER BY c.id
                """).all().compactMap { check -> PersonSheet.Check? in
                guard let serial = CheckSerial(number: try check.int("id")) else { throw CorruptValue(column: "checks.id") }
                let programme = try ProgrammeColumns.decode(check)
                let lastDay = programme.terms.lastRedemptionDay
                guard PersonalData.isUsable(lastRedemptionDay: lastDay, today: today) else { return nil }
                return PersonSheet.Check(serial: serial, programme: programme.terms.name, funder: programme.funder,
                                         faceValue: programme.terms.faceValue, lastDay: lastDay)
            }
            return PersonSheet(id: BeneficiaryID(try row.int("id")), firstName: try row.string("first_name"), lastName: try row.string("last_name"),
                               commune: try row.string("commune"), prescriberName: try row.string("prescriber_name"), checks: checks)
        }
    }
}
