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
            let checks = try await tx.usableChecks(of: beneficiary, today: today).map { serial, programme in
                PersonSheet.Check(serial: serial, programme: programme.terms.name, funder: programme.funder,
                                  faceValue: programme.terms.faceValue, lastDay: programme.terms.lastRedemptionDay)
            }
            return PersonSheet(id: BeneficiaryID(try row.int("id")), firstName: try row.string("first_name"), lastName: try row.string("last_name"),
                               commune: try row.string("commune"), prescriberName: try row.string("prescriber_name"), checks: checks)
        }
    }
}

extension Transaction {
    /// A person's checks handed out and still usable (`PersonalData.isUsable`), with their programme, in serial order: one
    /// statement (a person holds a few booklets at most). What the person's sheet lists and what stops an erasure.
    func usableChecks(of beneficiary: BeneficiaryID, today: CivilDate) async throws -> [(serial: CheckSerial, programme: Programme)] {
        try await sql.raw("""
            SELECT c.id, \(unsafeRaw: ProgrammeColumns.select) FROM checks c JOIN programmes p ON p.id = c.programme_id
            WHERE c.beneficiary_id = \(bind: beneficiary.rawValue) AND c.state = \(bind: CheckState.handOut.to.rawValue) ORDER BY c.id
            """).all().compactMap { row in
            let programme = try ProgrammeColumns.decode(row)
            guard PersonalData.isUsable(lastRedemptionDay: programme.terms.lastRedemptionDay, today: today) else { return nil }
            return (try CheckSerial(number: try row.int("id")).orThrow("checks.id"), programme)
        }
    }
}
