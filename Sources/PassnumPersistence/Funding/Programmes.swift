import Foundation
import PassnumDomain
import SQLKit

public struct Programme: Sendable, Equatable {
    public let id: ProgrammeID
    public let funder: FunderID
    public let terms: ProgrammeTerms
    public let expired: Bool
    /// The grid its prescribers' diagnostics use (`setDiagnosticGrid`).
    public var diagnosticGrid: DiagnosticGrid = .standard
    /// The publics it means to reach, in `TargetPublic` order (`setTargetPublics`); a hand-out may record one of them.
    public var targetPublics: [TargetPublic] = []
}

extension Store {
    /// Creates a programme after checking its terms (dates, perimeter, shares adding up to 100 %…).
    public func createProgramme(funder: FunderID, terms: ProgrammeTerms) async throws -> ProgrammeID {
        try terms.validate()
        let now = clock.now.millis
        return try await transaction { tx in
            try await tx.requireFunder(funder)
            let id = try await tx.insertReturningID("""
                INSERT INTO programmes (funder_id, name, face_value_cents, checks_per_booklet, valid_from, valid_until,
                  grace_days, departements, communes, categories, min_checks, max_checks, created_at, booklet_text)
                VALUES (\(bind: funder.rawValue), \(bind: terms.name), \(bind: terms.faceValue.cents),
                  \(bind: Int64(terms.checksPerBooklet)), \(bind: terms.validFrom.description),
                  \(bind: terms.validUntil.description), \(bind: Int64(terms.graceDays)),
                  \(bind: ProgrammeColumns.join(terms.perimeter.departements.map(\.value))),
                  \(bind: ProgrammeColumns.join(terms.perimeter.communes.map(\.value))),
                  \(bind: ProgrammeColumns.join(terms.categories.map(\.code))),
                  \(bind: terms.minChecksPerBeneficiary.map(Int64.init)), \(bind: terms.maxChecksPerBeneficiary.map(Int64.init)),
                  \(bind: now), \(bind: terms.bookletText.trimmingCharacters(in: .whitespacesAndNewlines)))
                """)
            try await tx.insertShares(terms.shares, programme: ProgrammeID(id))
            // Places that declared no category show those of their funders' open programmes.
            try await tx.refreshPublicPlaces(ofFunder: funder, at: Date(millis: now))
            // After the places, as a refresh does: commune rows last, in code order.
            try await tx.recordCommunes(terms.perimeter.communes)
            return ProgrammeID(id)
        }
    }

    /// Changes a programme's terms. Only before its first order: after that, checks exist or are promised
    /// under the terms they were ordered with.
    public func updateProgramme(_ id: ProgrammeID, of funder: FunderID, terms: ProgrammeTerms) async throws {
        try terms.validate()
        let now = clock.now
        try await transaction { tx in
            let programme = try await tx.programme(id, lock: true)
            guard programme.funder == funder else { throw DomainError.notFound("programme \(id)") }
            let orders = try await tx.sql.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM orders WHERE programme_id = \(bind: id.rawValue)")
                .first(decodingColumn: "n", as: Int64.self) ?? 0
            guard orders == 0 else {
                throw DomainError.invalidTransition(entity: "programme \(id)", from: "ordered", to: "edited")
            }
            try await tx.sql.raw("""
                UPDATE programmes SET name = \(bind: terms.name), face_value_cents = \(bind: terms.faceValue.cents),
                  checks_per_booklet = \(bind: Int64(terms.checksPerBooklet)), valid_from = \(bind: terms.validFrom.description),
                  valid_until = \(bind: terms.validUntil.description), grace_days = \(bind: Int64(terms.graceDays)),
                  departements = \(bind: ProgrammeColumns.join(terms.perimeter.departements.map(\.value))),
                  communes = \(bind: ProgrammeColumns.join(terms.perimeter.communes.map(\.value))),
                  categories = \(bind: ProgrammeColumns.join(terms.categories.map(\.code))),
                  min_checks = \(bind: terms.minChecksPerBeneficiary.map(Int64.init)), max_checks = \(bind: terms.maxChecksPerBeneficiary.map(Int64.init)),
                  booklet_text = \(bind: terms.bookletText.trimmingCharacters(in: .whitespacesAndNewlines))
                WHERE id = \(bind: id.rawValue)
                """).run()
            try await tx.sql.raw("DELETE FROM programme_shares WHERE programme_id = \(bind: id.rawValue)").run()
            try await tx.insertShares(terms.shares, programme: id)
            try await tx.refreshPublicPlaces(ofFunder: funder, at: now)
            try await tx.recordCommunes(terms.perimeter.communes)
        }
    }

    public func programme(_ id: ProgrammeID) async throws -> Programme {
        try await read { tx in try await tx.programme(id) }
    }

    /// Sets how many booklets of a programme a prescriber may hold at once.
    public func setQuota(programme: ProgrammeID, prescriber: PrescriberID, booklets: Int, actor: Actor) async throws {
        guard (0...1_000_000).contains(booklets) else {
            throw DomainError.invalid(field: .booklets, problem: .outOfRange(min: 0, max: 1_000_000))
        }
        try await transaction { tx in
            try actor.requireFunderOrOperator(try await tx.programme(programme).funder, else: "programme \(programme)")
            try await tx.requirePrescriber(prescriber)
            try await tx.sql.raw("""
                INSERT INTO prescriber_quotas (programme_id, prescriber_id, max_booklets)
                VALUES (\(bind: programme.rawValue), \(bind: prescriber.rawValue), \(bind: Int64(booklets)))
                ON CONFLICT (programme_id, prescriber_id) DO UPDATE SET max_booklets = excluded.max_booklets
                """).run()
        }
    }
}

/// How programme terms are spread over columns. Multi-valued fields are joined with "|", as in the
/// national open-data standard.
enum ProgrammeColumns {
    static let select = """
        p.id AS programme_id, p.funder_id, p.name, p.face_value_cents, p.checks_per_booklet, p.valid_from,
        p.valid_until, p.grace_days, p.departements, p.communes, p.categories, p.min_checks, p.max_checks, p.expired_at, p.booklet_text,
        p.diagnostic_grid, p.target_publics
        """

    static func join(_ values: [String]) -> String { values.joined(separator: "|") }

    static func split(_ text: String) -> [String] { text.split(separator: "|").map(String.init) }

    static func decode(_ row: any SQLRow) throws -> Programme {
        func corrupt(_ column: String) -> CorruptValue { CorruptValue(column: "programmes." + column) }
        guard let from = CivilDate(try row.string("valid_from")) else { throw corrupt("valid_from") }
        guard let until = CivilDate(try row.string("valid_until")) else { throw corrupt("valid_until") }
        let departements = try split(row.string("departements")).map { code throws(CorruptValue) in
            guard let value = DepartementCode(code) else { throw corrupt("departements") }
            return value
        }
        let communes = try split(row.string("communes")).map { code throws(CorruptValue) in
            guard let value = CommuneCode(code) else { throw corrupt("communes") }
            return value
        }
        let categories = try split(row.string("categories")).map { code throws(CorruptValue) in
            guard let value = ServiceCategory(code: code) else { throw corrupt("categories") }
            return value
        }
        let terms = ProgrammeTerms(
            name: try row.string("name"), faceValue: Money(cents: try row.int("face_value_cents")),
            checksPerBooklet: Int(try row.int("checks_per_booklet")), validFrom: from, validUntil: until,
            graceDays: Int(try row.int("grace_days")),
            perimeter: Perimeter(departements: departements, communes: communes), categories: categories, shares: [],
            minChecksPerBeneficiary: try row.optionalInt("min_checks").map(Int.init),
            maxChecksPerBeneficiary: try row.optionalInt("max_checks").map(Int.init), bookletText: try row.string("booklet_text"))
        let grid = try row.optionalString("diagnostic_grid").map { code throws(CorruptValue) in
            guard let grid = DiagnosticGrid(code: code) else { throw corrupt("diagnostic_grid") }
            return grid
        }
        let publics = try split(row.string("target_publics")).map { code throws(CorruptValue) in
            guard let value = TargetPublic(rawValue: code) else { throw corrupt("target_publics") }
            return value
        }
        return Programme(
            id: ProgrammeID(try row.int("programme_id")), funder: FunderID(try row.int("funder_id")), terms: terms,
            expired: try row.optionalInt("expired_at") != nil, diagnosticGrid: grid ?? .standard, targetPublics: publics)
    }
}

extension Transaction {
    func insertShares(_ shares: [CoFundingShare], programme: ProgrammeID) async throws {
        for (position, share) in shares.enumerated() {
            try await sql.raw("""
                INSERT INTO programme_shares (programme_id, position, cofunder, basis_points)
                VALUES (\(bind: programme.rawValue), \(bind: Int64(position)), \(bind: share.cofunder), \(bind: Int64(share.basisPoints)))
                """).run()
        }
    }

    /// A programme with its terms and co-funding shares.
    /// `share`: the row is locked against updates only (hand-outs share it; a change of the diagnostic grid waits).
    func programme(_ id: ProgrammeID, lock: Bool = false, share: Bool = false) async throws -> Programme {
        let query: SQLQueryString = "SELECT \(unsafeRaw: ProgrammeColumns.select) FROM programmes p WHERE p.id = \(bind: id.rawValue)"
        guard let row = try await sql.raw(query + SQLQueryString(lock ? forUpdate : share ? forShare : "")).first() else {
            throw DomainError.notFound("programme \(id)")
        }
        let programme = try ProgrammeColumns.decode(row)
        var terms = programme.terms
        terms.shares = try await sql.raw("""
            SELECT cofunder, basis_points FROM programme_shares WHERE programme_id = \(bind: id.rawValue) ORDER BY position
            """).all().map { CoFundingShare(cofunder: try $0.string("cofunder"), basisPoints: Int(try $0.int("basis_points"))) }
        return Programme(id: programme.id, funder: programme.funder, terms: terms, expired: programme.expired,
                         diagnosticGrid: programme.diagnosticGrid, targetPublics: programme.targetPublics)
    }
}
