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
    /// The checks handed out and used by target public: each public the programme declares or a check of the period
    /// recorded, then the checks with none (`targetPublic` nil); they add up to `handedOut` and `used`. Empty when the
    /// programme declares no public and no check of the period has one.
    public let publics: [PublicPart]

    /// One target public's checks in the period.
    public struct PublicPart: Sendable, Equatable {
        /// Nil: no public recorded at hand-out ("non renseigné").
        public let targetPublic: TargetPublic?
        public let handedOut: Int64
        public let used: Int64
        public let handedOutValue: Money
        public let usedValue: Money
        /// Its share of the used checks, so of the used value, in basis points: the shares add up to 10 000 when a
        /// check was used (largest remainders, `CoFunding.split`), all 0 otherwise.
        public let usedBasisPoints: Int
    }

    public var issuedValue: Money { faceValue * issued }
    public var handedOutValue: Money { faceValue * handedOut }
    public var usedValue: Money { faceValue * used }

    init(programme: Programme, funderName: String, counts: StatementCounts) {
        self.programme = programme.id
        programmeName = programme.terms.name
        funder = programme.funder
        self.funderName = funderName
        let faceValue = programme.terms.faceValue
        self.faceValue = faceValue
        issued = counts.totals[.issuedMonth] ?? 0
        let handedOut = counts.totals[.handedOutMonth] ?? 0, used = counts.totals[.month] ?? 0
        self.handedOut = handedOut
        self.used = used
        let shares = programme.terms.shares
        parts = zip(shares, CoFunding.split(faceValue * used, basisPoints: shares.map(\.basisPoints))).map {
            Part(cofunder: $0.0.cofunder, basisPoints: $0.0.basisPoints, amount: $0.1)
        }
        // The publics' counts, then the remainder of the totals: the parts add up to the totals by construction.
        let named = Set(programme.targetPublics).union(counts.byPublic.keys).sorted()
        var rows: [(TargetPublic?, handedOut: Int64, used: Int64)] = named.map {
            ($0, counts.byPublic[$0]?[.handedOutPublic] ?? 0, counts.byPublic[$0]?[.usedPublic] ?? 0)
        }
        if !rows.isEmpty {
            rows.append((nil, handedOut - rows.reduce(0) { $0 + $1.handedOut }, used - rows.reduce(0) { $0 + $1.used }))
        }
        let basisPoints = CoFunding.split(Money(cents: used > 0 ? 10_000 : 0), basisPoints: rows.map { Int($0.used) })
        publics = zip(rows, basisPoints).map { row, share in
            PublicPart(targetPublic: row.0, handedOut: row.handedOut, used: row.used, handedOutValue: faceValue * row.handedOut,
                       usedValue: faceValue * row.used, usedBasisPoints: Int(share.cents))
        }
    }
}

/// A programme's counts for a period, from the tallies: the totals by dimension (`issuedMonth`, `handedOutMonth`,
/// `month`) and, by target public, `handedOutPublic` and `usedPublic`.
struct StatementCounts: Sendable {
    var totals: [TallyDimension: Int64] = [:]
    var byPublic: [TargetPublic: [TallyDimension: Int64]] = [:]
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
            return CoFundingLine(programme: programme, funderName: name, counts: counts[id.rawValue] ?? StatementCounts())
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
                programmes[ProgrammeID(line.id)].map { CoFundingLine(programme: $0, funderName: line.funderName, counts: counts[line.id] ?? StatementCounts()) }
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
    /// The period's monthly counts of `programmes`, summed over lanes and months, the publics' apart (their code after
    /// "YYYY-MM "): one statement (none for no programme).
    func statementCounts(programmes: [Int64], period: StatementPeriod) async throws -> [Int64: StatementCounts] {
        guard !programmes.isEmpty else { return [:] }
        let dimensions: [TallyDimension] = [.issuedMonth, .handedOutMonth, .month, .handedOutPublic, .usedPublic]
        let codes = period.months.flatMap { month in [month.description] + TargetPublic.allCases.map { TallyKey.publicMonth(month, $0) } }
        var counts: [Int64: StatementCounts] = [:]
        for row in try await sql.raw("""
            SELECT programme_id, dimension, SUBSTR(code, 9) AS target_public, CAST(SUM(checks) AS BIGINT) AS n FROM tallies
            WHERE programme_id IN (\(binds: programmes.binds)) AND dimension IN (\(binds: dimensions.map(\.rawValue))) AND ref = 0
              AND code IN (\(binds: codes))
            GROUP BY programme_id, dimension, SUBSTR(code, 9)
            """).all() {
            guard let dimension = TallyDimension(rawValue: try row.string("dimension")) else { continue }
            let programme = try row.int("programme_id"), code = try row.string("target_public"), n = try row.int("n")
            if code.isEmpty {
                counts[programme, default: StatementCounts()].totals[dimension] = n
            } else {
                let targetPublic = try TargetPublic(rawValue: code).orThrow("tallies.code")
                counts[programme, default: StatementCounts()].byPublic[targetPublic, default: [:]][dimension] = n
            }
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
