import Foundation
import PassnumDomain
import SQLKit

/// The minimum a booklet needs: it is nominative. No free text about the person (GDPR).
public struct NewBeneficiary: Sendable {
    public var firstName: String
    public var lastName: String
    public var birthYear: Int?
    public var commune: CommuneCode
    public var consentDate: CivilDate

    public init(firstName: String, lastName: String, birthYear: Int?, commune: CommuneCode, consentDate: CivilDate) {
        self.firstName = firstName
        self.lastName = lastName
        self.birthYear = birthYear
        self.commune = commune
        self.consentDate = consentDate
    }
}

extension Store {
    public func createBeneficiary(_ person: NewBeneficiary, prescriber: PrescriberID) async throws -> BeneficiaryID {
        let first = try requiredText(person.firstName, field: .firstName, maximum: 100)
        let last = try requiredText(person.lastName, field: .lastName, maximum: 100)
        let now = clock.now
        let today = CivilDate(now)
        if let year = person.birthYear, !(1900...today.year).contains(year) {
            throw DomainError.invalid(field: .birthYear, problem: .outOfRange(min: 1900, max: today.year))
        }
        guard person.consentDate <= today else {
            throw DomainError.invalid(field: .consentDate, problem: .inFuture)
        }
        return try await transaction { tx in
            try await tx.requirePrescriber(prescriber)
            let id = BeneficiaryID(try await tx.insertReturningID("""
                INSERT INTO beneficiaries (prescriber_id, first_name, last_name, birth_year, commune, consent_date, created_at)
                VALUES (\(bind: prescriber.rawValue), \(bind: first), \(bind: last), \(bind: person.birthYear.map(Int64.init)),
                  \(bind: person.commune.value), \(bind: person.consentDate.description), \(bind: now.millis))
                """))
            var tallies = TallyDeltas()
            tallies.add(1, TallyKey(programme: 0, dimension: .beneficiaries))
            try await tx.apply(tallies)
            return id
        }
    }

    /// Records the diagnostic's level (only the level is kept, not the answers) and returns it. The level comes from
    /// the grid of the programme whose checks the prescriber hands out (`diagnosticProgramme`), else the standard one.
    @discardableResult
    public func recordDiagnostic(beneficiary: BeneficiaryID, prescriber: PrescriberID, answers: [Diagnostic.Answer]) async throws -> Int {
        let grid = try await diagnosticProgramme(of: prescriber)?.diagnosticGrid ?? .standard
        let level = try grid.level(for: answers)
        try await recordDiagnostic(beneficiary: beneficiary, prescriber: prescriber, level: level)
        return level
    }

    public func recordDiagnostic(beneficiary: BeneficiaryID, prescriber: PrescriberID, level: Int) async throws {
        guard Diagnostic.levels.contains(level) else {
            throw DomainError.invalid(field: .level, problem: .outOfRange(min: 1, max: 4))
        }
        let now = clock.now
        try await transaction { tx in
            try await tx.requireBeneficiary(beneficiary, of: prescriber)
            try await tx.sql.raw("""
                UPDATE beneficiaries SET diagnostic_level = \(bind: Int64(level)), diagnostic_at = \(bind: now.millis) WHERE id = \(bind: beneficiary.rawValue)
                """).run()
        }
    }

    /// Hands a booklet, or its first `count` checks still in stock, to a beneficiary. Returns the serials.
    /// `targetPublic`: the programme's public the person belongs to, if the prescriber ticked one; it is stored on the
    /// checks only (a statistic for the co-funding statement), never on the person.
    @discardableResult
    public func handOut(
        booklet: BookletID, checks count: Int? = nil, to beneficiary: BeneficiaryID, by prescriber: PrescriberID,
        targetPublic: TargetPublic? = nil
    ) async throws -> [CheckSerial] {
        if let count, count < 1 { throw DomainError.invalid(field: .checks, problem: .tooSmall(min: 1)) }
        let now = clock.now
        return try await transaction { tx in
            try await tx.requireBeneficiary(beneficiary, of: prescriber)
            guard let row = try await tx.sql.raw("""
                SELECT programme_id, prescriber_id, first_check_id, last_check_id FROM booklets WHERE id = \(bind: booklet.rawValue)
                """ + SQLQueryString(tx.forUpdate)).first(),
                try row.optionalInt("prescriber_id") == prescriber.rawValue
            else { throw DomainError.notFound("booklet \(booklet) in the stock of prescriber \(prescriber)") }
            // Hand-outs share the programme's row; a change of its diagnostic grid (FOR UPDATE) waits for them to
            // commit and then sees them, so the grid cannot change once a first hand-out is under way.
            let programme = try await tx.programme(ProgrammeID(try row.int("programme_id")), share: true)
            try tx.requireOpenForHandOut(programme, today: CivilDate(now))
            let targetPublic = try TargetPublic.checked(targetPublic, declared: programme.targetPublics)

            // The whole booklet (the booklet's lock orders hand-outs of it): whether one of its checks was handed out
            // before tells the tallies whether the booklet is handed out now.
            let bookletChecks = try await tx.sql.raw("""
                SELECT id, state, beneficiary_id FROM checks
                WHERE id BETWEEN \(bind: try row.int("first_check_id")) AND \(bind: try row.int("last_check_id"))
                ORDER BY id
                """).all()
            let available = try bookletChecks.filter { try CheckState.handOut.from.map(\.rawValue).contains($0.string("state")) }.map { try $0.int("id") }
            let handedOutBefore = try bookletChecks.contains { try $0.optionalInt("beneficiary_id") != nil }
            let wanted = count ?? available.count
            guard wanted > 0, available.count >= wanted else {
                throw DomainError.insufficientStock(available: available.count, requested: wanted)
            }
            let chosen = Array(available.prefix(wanted))
            if let maximum = programme.terms.maxChecksPerBeneficiary {
                let held = try await tx.sql.raw("""
                    SELECT COUNT(*) AS n FROM checks
                    WHERE beneficiary_id = \(bind: beneficiary.rawValue) AND programme_id = \(bind: programme.id.rawValue)
                    """).first(decodingColumn: "n", as: Int64.self) ?? 0
                guard Int(held) + wanted <= maximum else {
                    throw DomainError.beneficiaryLimit(maximum: maximum, held: Int(held), requested: wanted)
                }
            }
            let moved = try await tx.sql.raw("""
                UPDATE checks SET state = \(bind: CheckState.handOut.to.rawValue), beneficiary_id = \(bind: beneficiary.rawValue),
                  distributed_at = \(bind: now.millis), target_public = \(bind: targetPublic?.rawValue)
                WHERE id IN (\(binds: chosen.binds)) AND state IN (\(binds: CheckState.handOut.from.binds)) RETURNING id
                """).all()
            guard moved.count == chosen.count else {
                throw DomainError.insufficientStock(available: moved.count, requested: wanted)
            }
            var tallies = TallyDeltas()
            let handedOut = Int64(moved.count), id = programme.id.rawValue
            tallies.move(handedOut, of: id, from: .allocated, to: CheckState.handOut.to)
            tallies.add(handedOut, TallyKey(programme: id, dimension: .checksHandedOut))
            tallies.add(handedOut, TallyKey(programme: id, dimension: .handedOutMonth, code: CivilDate(now).calendarMonth.description))
            if let targetPublic {
                tallies.add(handedOut, TallyKey(programme: id, dimension: .handedOutPublic, code: TallyKey.publicMonth(CivilDate(now).calendarMonth, targetPublic)))
            }
            tallies.add(handedOutBefore ? 0 : 1, TallyKey(programme: id, dimension: .bookletsHandedOut))
            // The person's first hand-out of this programme claims their mark: people reached (PeopleReached.swift).
            tallies.add(try await tx.markReached(beneficiary.rawValue, programme: id, at: now))
            try await tx.apply(tallies)
            return chosen.compactMap(CheckSerial.init(number:))
        }
    }
}

extension Transaction {
    /// A pseudonymised person is no longer found: they get no diagnostic nor checks (a nominative booklet needs a name).
    /// The shared lock orders a hand-out with an erasure of the same person (`erasePersonalData`).
    func requireBeneficiary(_ beneficiary: BeneficiaryID, of prescriber: PrescriberID) async throws {
        guard try await sql.raw("""
            SELECT id FROM beneficiaries WHERE id = \(bind: beneficiary.rawValue) AND prescriber_id = \(bind: prescriber.rawValue)
              AND pseudonymised_at IS NULL
            """ + SQLQueryString(forShare)).first() != nil
        else { throw DomainError.notFound("beneficiary \(beneficiary) of prescriber \(prescriber)") }
    }
}
