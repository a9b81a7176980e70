import Foundation
import PassnumDomain
import SQLKit

/// Everything the platform holds on one beneficiary, for the right of access (GDPR art. 15).
public struct PersonalDataRecord: Sendable, Equatable {
    public struct Check: Sendable, Equatable {
        public let serial: CheckSerial
        public let state: CheckState
        public let programme: String
        public let funder: String
        public let faceValue: Money
        public let handedOutAt: Date?
        /// The place that validated it, and when; nil while unused.
        public let place: String?
        public let usedAt: Date?
        /// The programme's public the prescriber ticked at hand-out, if any (a statistic, but about the person).
        public let targetPublic: TargetPublic?
    }

    public let id: BeneficiaryID
    public let firstName: String
    public let lastName: String
    public let birthYear: Int?
    public let commune: String
    /// The commune's name when the platform knows it (Places/Communes.swift).
    public let communeName: String?
    public let level: Int?
    /// When the level was recorded; nil for levels recorded before the date was kept.
    public let diagnosticAt: Date?
    public let consentDate: CivilDate
    public let createdAt: Date
    /// When the name was replaced by a pseudonym (purge or erasure); nil while the person is named.
    public let pseudonymisedAt: Date?
    public let prescriberName: String
    public let checks: [Check]
}

extension PersonalData {
    /// `PASSNUM_PERSONAL_DATA_RETENTION_MONTHS`, or the default; a value out of bounds stops the start.
    static func retentionMonths(from environment: [String: String]) throws(StoreError) -> Int {
        try StoreConfiguration.wholeNumber("PASSNUM_PERSONAL_DATA_RETENTION_MONTHS", of: "months", in: retentionRange,
                                           default: defaultRetentionMonths, from: environment)
    }
}

extension Store {
    /// People pseudonymised per transaction: short transactions, so hand-outs and validations never wait long.
    static let pseudonymiseBatch = 500

    /// Pseudonymises every beneficiary whose retention time is over on `now`'s day: all their checks belong to programmes
    /// that ended before the cutoff (`PersonalData.retentionCutoff`), and they were registered before it. Set-based, in
    /// batches by id; one journal entry per batch with its count (never a name), in the batch's transaction. On SQLite the file is then rewritten
    /// (VACUUM) so that no old page or write-ahead log keeps the names. Returns how many people were pseudonymised.
    @discardableResult
    public func purgePersonalData(now: Date) async throws -> Int {
        let cutoff = PersonalData.retentionCutoff(today: CivilDate(now), months: configuration.personalDataRetentionMonths)
        var after: Int64 = 0
        var total = 0
        while true {
            let from = after
            let ids = try await transaction { tx in
                let ids = try await tx.pseudonymise(SQLQueryString("""
                    SELECT b.id FROM beneficiaries b WHERE b.id > \(bind: from) AND
                    """) + " " + Self.retentionOver(cutoff) + SQLQueryString(" ORDER BY b.id LIMIT \(unsafeRaw: String(Self.pseudonymiseBatch))"), at: now)
                // Journaled with the names it replaced, in the same transaction: no name ever changes unrecorded.
                if !ids.isEmpty {
                    try await tx.post(.event(.personalDataPurged, reference: "beneficiaries",
                                             reason: "\(ids.count) pseudonymised: programmes ended before \(cutoff)"),
                                      actor: Actor(.purge, organisation: .operator), at: now)
                }
                return ids
            }
            total += ids.count
            guard ids.count == Self.pseudonymiseBatch, let last = ids.max() else { break }
            after = last
        }
        if total > 0 { await compactSQLiteFile() }
        return total
    }

    /// How many people `purgePersonalData(now:)` would pseudonymise (its dry run).
    public func personalDataDue(now: Date) async throws -> Int {
        let cutoff = PersonalData.retentionCutoff(today: CivilDate(now), months: configuration.personalDataRetentionMonths)
        return try await read { tx in
            Int(try await tx.sql.raw(SQLQueryString("SELECT COUNT(*) AS n FROM beneficiaries b WHERE ") + Self.retentionOver(cutoff))
                .first(decodingColumn: "n", as: Int64.self) ?? 0)
        }
    }

    /// The condition on `beneficiaries b` of a person whose retention time is over on the cutoff (on `checks_beneficiary`).
    static func retentionOver(_ cutoff: CivilDate) -> SQLQueryString {
        """
        b.pseudonymised_at IS NULL AND b.created_at < \(bind: cutoff.start.millis)
          AND NOT EXISTS (SELECT 1 FROM checks c JOIN programmes p ON p.id = c.programme_id
                          WHERE c.beneficiary_id = b.id AND p.valid_until >= \(bind: cutoff.description))
        """
    }

    /// Erases a person at their request (right to erasure): the same pseudonymisation as the purge, now. Refused while
    /// they hold a check still usable (`invalidTransition`). The rows stay: checks and validations reference them.
    /// Journaled with the record's number, never the name. Erasing an already pseudonymised person changes nothing.
    public func erasePersonalData(of beneficiary: BeneficiaryID, prescriber: PrescriberID, actor: Actor) async throws {
        let now = clock.now
        let today = CivilDate(now)
        let erased = try await transaction { tx in
            // The row's lock orders the erasure with a hand-out to the same person (`requireBeneficiary` shares it).
            guard let person = try await tx.sql.raw("""
                SELECT pseudonymised_at FROM beneficiaries WHERE id = \(bind: beneficiary.rawValue) AND prescriber_id = \(bind: prescriber.rawValue)
                """ + SQLQueryString(tx.forUpdate)).first()
            else { throw DomainError.notFound("beneficiary \(beneficiary) of prescriber \(prescriber)") }
            guard try person.optionalInt("pseudonymised_at") == nil else { return false }
            let usable = try await tx.usableChecks(of: beneficiary, today: today).count
            guard usable == 0 else {
                throw DomainError.invalidTransition(entity: "beneficiary \(beneficiary)", from: "holding \(usable) usable checks", to: "erased")
            }
            _ = try await tx.pseudonymise(SQLQueryString("SELECT CAST(\(bind: beneficiary.rawValue) AS BIGINT)"), at: now)
            try await tx.post(.event(.personalDataErased, reference: "beneficiary:\(beneficiary)", reason: nil), actor: actor, at: now)
            return true
        }
        if erased { await compactSQLiteFile() }
    }

    /// On SQLite, rewrites the file and empties the write-ahead log, so that the bytes of replaced names do not stay in
    /// free pages or old log frames. Writers of this process wait at the gate meanwhile; SQLite is the small
    /// territory's store, where this takes seconds. PostgreSQL reuses the dead rows' space itself (autovacuum). The
    /// names are already replaced when this runs: a failure (another process reading) is logged, and the next run
    /// compacts again.
    func compactSQLiteFile() async {
        guard kind == .sqlite else { return }
        await writeGate.acquire()
        do {
            try await read { tx in
                try await tx.sql.raw("PRAGMA busy_timeout = 10000").run()
                try await tx.sql.raw("VACUUM").run()
                _ = try await tx.sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").all()
            }
        } catch {
            logger.warning("could not compact the SQLite file after replacing names: \(error)")
        }
        await writeGate.release()
    }

    /// Everything held on one of this prescriber's beneficiaries, in two statements whatever the person's checks.
    public func personalDataRecord(of beneficiary: BeneficiaryID, prescriber: PrescriberID) async throws -> PersonalDataRecord? {
        try await read { tx in
            guard let row = try await tx.sql.raw("""
                SELECT b.id, b.first_name, b.last_name, b.birth_year, b.commune, k.name AS commune_name, b.diagnostic_level, b.diagnostic_at,
                  b.consent_date, b.created_at, b.pseudonymised_at, pr.name AS prescriber_name
                FROM beneficiaries b JOIN prescribers pr ON pr.id = b.prescriber_id LEFT JOIN communes k ON k.code = b.commune
                WHERE b.id = \(bind: beneficiary.rawValue) AND b.prescriber_id = \(bind: prescriber.rawValue)
                """).first()
            else { return nil }
            guard let consent = CivilDate(try row.string("consent_date")) else { throw CorruptValue(column: "beneficiaries.consent_date") }
            let checks = try await tx.sql.raw("""
                SELECT c.id, c.state, c.distributed_at, c.redeemed_at, c.target_public, p.name AS programme, p.face_value_cents,
                  f.name AS funder, pl.name AS place
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN funders f ON f.id = p.funder_id
                LEFT JOIN places pl ON pl.id = c.place_id
                WHERE c.beneficiary_id = \(bind: beneficiary.rawValue) ORDER BY c.id
                """).all().map { check in
                guard let serial = CheckSerial(number: try check.int("id")) else { throw CorruptValue(column: "checks.id") }
                guard let state = CheckState(rawValue: try check.string("state")) else { throw CorruptValue(column: "checks.state") }
                return PersonalDataRecord.Check(
                    serial: serial, state: state, programme: try check.string("programme"), funder: try check.string("funder"),
                    faceValue: Money(cents: try check.int("face_value_cents")), handedOutAt: try check.optionalInt("distributed_at").map(Date.init(millis:)),
                    place: try check.optionalString("place"), usedAt: try check.optionalInt("redeemed_at").map(Date.init(millis:)),
                    targetPublic: try TargetPublic.stored(try check.optionalString("target_public")))
            }
            return PersonalDataRecord(
                id: BeneficiaryID(try row.int("id")), firstName: try row.string("first_name"), lastName: try row.string("last_name"),
                birthYear: try row.optionalInt("birth_year").map(Int.init), commune: try row.string("commune"),
                communeName: try row.optionalString("commune_name"), level: try row.optionalInt("diagnostic_level").map(Int.init),
                diagnosticAt: try row.optionalInt("diagnostic_at").map(Date.init(millis:)), consentDate: consent,
                createdAt: Date(millis: try row.int("created_at")), pseudonymisedAt: try row.optionalInt("pseudonymised_at").map(Date.init(millis:)),
                prescriberName: try row.string("prescriber_name"), checks: checks)
        }
    }
}

extension Transaction {
    /// Replaces the name of the beneficiaries `ids` selects (a query of their ids) by the pseudonym, and the birth year by
    /// its decade; commune, level, consent date and every reference stay. Returns the ids changed.
    func pseudonymise(_ ids: SQLQueryString, at now: Date) async throws -> [Int64] {
        try await sql.raw("""
            UPDATE beneficiaries SET first_name = \(bind: PersonalData.pseudonymFirstName),
              last_name = CAST(\(bind: "#") AS TEXT) || CAST(id AS TEXT), birth_year = birth_year - birth_year % 10,
              pseudonymised_at = \(bind: now.millis)
            WHERE id IN (
            """ + ids + SQLQueryString(") RETURNING id")).all().map { try $0.int("id") }
    }
}
