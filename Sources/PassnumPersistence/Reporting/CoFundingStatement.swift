import Foundation
import PassnumDomain
import SQLKit

/// What a funder accounts for to the State and its other co-funders for one programme and period: checks bought
/// (issued), handed out and used, their face value, and each co-funder's part of the used value to the cent. Read from
/// the tallies' monthly counts (`issuedMonth`, `handedOutMonth`, `month`), never from `checks`.
public struct CoFundingLine: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public let cofunder: String
        public let basisPoints: Int
        public let amount: Money
    }

    public let programme: ProgrammeID
    public let programmeName: String
    public let funder: FunderID
    public let funderName: String
    public let faceValue: Money
    public let issued: Int64
    public let handedOut: Int64
    /// Checks validated in the period and still validated (an undone or reversed validation no longer counts).
    public let used: Int64
    /// The used value split by the programme's shares (`CoFunding.split`): the parts add up to `usedValue`.
    public let parts: [Part]

    public var issuedValue: Money { faceValue * issued }
    public var handedOutValue: Money { faceValue * handedOut }
    public var usedValue: Money { faceValue * used }

    init(programme: Programme, funderName: String, counts: [TallyDimension: Int64]) {
        self.programme = programme.id
        programmeName = programme.terms.name
        funder = programme.funder
        self.funderName = funderName
        faceValue = programme.terms.faceValue
        issued = counts[.issuedMonth] ?? 0
        handedOut = counts[.handedOutMonth] ?? 0
        used = counts[.month] ?? 0
        let shares = programme.terms.shares
        parts = zip(shares, CoFunding.split(programme.terms.faceValue * used, basisPoints: shares.map(\.basisPoints))).map {
            Part(cofunder: $0.0.cofunder, basisPoints: $0.0.basisPoints, amount: $0.1)
        }
    }
}

/// What signs a statement: the journal's published witness of the period's last day (`publishWitnesses`), or, while
/// that day is not published yet (the period is not over, the daily job has not run), the journal's head now computed
/// the same way (`JournalWitness` of today over every lane's last link).
public struct JournalSeal: Sendable, Equatable {
    public let hash: String
    /// The day of the published witness; nil for the head now.
    public let day: CivilDate?

    public init(hash: String, day: CivilDate?) {
        self.hash = hash
        self.day = day
    }
}

extension Store {
    /// One programme's statement for `period`, as its funder (or the operator, `funder` nil) sees it: nil when the
    /// programme is not the funder's. Four statements.
    public func coFundingStatement(programme id: ProgrammeID, period: StatementPeriod, funder: FunderID?) async throws -> CoFundingLine? {
        try await read { tx in
            let programme: Programme
            do { programme = try await tx.programme(id) } catch DomainError.notFound { return nil }
            if let funder, programme.funder != funder { return nil }
            let counts = try await tx.statementCounts(programmes: [id.rawValue], period: period)
            let name = try await tx.sql.raw("SELECT name FROM funders WHERE id = \(bind: programme.funder.rawValue)")
                .first(decodingColumn: "name", as: String.self) ?? ""
            return CoFundingLine(programme: programme, funderName: name, counts: counts[id.rawValue] ?? [:])
        }
    }

    /// Every programme's statement for `period` (one funder's, or all when nil), newest programme first, a page at a
    /// time: four statements a page (the page, the programmes' terms and shares, their counts).
    public func coFundingStatements(period: StatementPeriod, funder: FunderID?, _ page: PageRequest) async throws -> Page<CoFundingLine> {
        try await read { tx in
            let filter: SQLQueryString = funder.map { "p.funder_id = \(bind: $0.rawValue)" } ?? "1 = 1"
            let lines = try await tx.page("""
                SELECT p.id, f.name FROM programmes p JOIN funders f ON f.id = p.funder_id WHERE \(filter)
                """, keyset: Keyset(.programmes, id: "p.id", descending: true), page) {
                (id: try $0.int("id"), funderName: try $0.string("name"))
            }
            let ids = lines.rows.map(\.id)
            let programmes = try await tx.programmes(ids: ids)
            let counts = try await tx.statementCounts(programmes: ids, period: period)
            return Page(rows: lines.rows.compactMap { line in
                programmes[ProgrammeID(line.id)].map { CoFundingLine(programme: $0, funderName: line.funderName, counts: counts[line.id] ?? [:]) }
            }, next: lines.next)
        }
    }

    /// The seal of a statement for a period ending on `day` (see `JournalSeal`): one statement, two without a witness.
    public func journalSeal(endingOn day: CivilDate) async throws -> JournalSeal {
        let today = CivilDate(clock.now)
        return try await read { tx in try await tx.journalSeal(endingOn: day, today: today) }
    }
}

extension Transaction {
    /// The period's monthly counts of `programmes`, summed over lanes and months: one statement (none for no programme).
    func statementCounts(programmes: [Int64], period: StatementPeriod) async throws -> [Int64: [TallyDimension: Int64]] {
        guard !programmes.isEmpty else { return [:] }
        let dimensions: [TallyDimension] = [.issuedMonth, .handedOutMonth, .month]
        var counts: [Int64: [TallyDimension: Int64]] = [:]
        for row in try await sql.raw("""
            SELECT programme_id, dimension, CAST(SUM(checks) AS BIGINT) AS n FROM tallies
            WHERE programme_id IN (\(binds: programmes.binds)) AND dimension IN (\(binds: dimensions.map(\.rawValue)))
              AND code IN (\(binds: period.months.map(\.description)))
            GROUP BY programme_id, dimension
            """).all() {
            guard let dimension = TallyDimension(rawValue: try row.string("dimension")) else { continue }
            counts[try row.int("programme_id"), default: [:]][dimension] = try row.int("n")
        }
        return counts
    }

    func journalSeal(endingOn day: CivilDate, today: CivilDate) async throws -> JournalSeal {
        if let hash = try await sql.raw("SELECT hash FROM journal_witnesses WHERE day = \(bind: day.description)")
            .first(decodingColumn: "hash", as: String.self) {
            return JournalSeal(hash: hash, day: day)
        }
        return JournalSeal(hash: JournalWitness(day: today, heads: try await journalHeads()).hash, day: nil)
    }
}
