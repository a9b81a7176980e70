import Foundation
import PassnumDomain
import SQLKit

/// One validation made at a place, for the partner API's list.
public struct ValidationRecord: Sendable {
    public let id: RedemptionID
    public let serial: CheckSerial
    public let validatedAt: Date
    public let category: ServiceCategory?
    public let amount: Money
    /// Undone the same day, or reversed by the operator.
    public let cancelled: Bool
    public let checkState: CheckState
}

/// One check of a funder, for the export of check states (no personal data).
public struct CheckStateRecord: Sendable {
    public let serial: CheckSerial
    public let programme: ProgrammeID
    public let booklet: BookletID
    public let state: CheckState
    public let distributedAt: Date?
    public let redeemedAt: Date?
    public let place: PlaceID?
}

/// A programme's checks counted by state, and their face value.
public struct ProgrammeStatistics: Sendable {
    public let programme: ProgrammeID
    public let name: String
    public let faceValue: Money
    public let checksByState: [CheckState: Int]
    public var checks: Int { checksByState.values.reduce(0, +) }
}

extension Store {
    /// A funder's checks in serial order, a page at a time (no personal data: the partner API's export of states).
    public func checkStates(of funder: FunderID, _ page: PageRequest) async throws -> Page<CheckStateRecord> {
        try await read { tx in
            // By programme, so that the primary key drives the scan and the page stops at the limit.
            try await tx.page("""
                SELECT c.id, c.programme_id, c.booklet_id, c.state, c.distributed_at, c.redeemed_at, c.place_id
                FROM checks c WHERE c.programme_id IN (SELECT id FROM programmes WHERE funder_id = \(bind: funder.rawValue))
                """, keyset: Keyset(.checkStates, id: "c.id", descending: false), page) { row in
                guard let serial = CheckSerial(number: try row.int("id")), let state = CheckState(rawValue: try row.string("state")) else { return nil }
                return CheckStateRecord(serial: serial, programme: try row.id("programme_id"), booklet: try row.id("booklet_id"),
                                        state: state, distributedAt: try row.optionalInt("distributed_at").map(Date.init(millis:)),
                                        redeemedAt: try row.optionalInt("redeemed_at").map(Date.init(millis:)),
                                        place: try row.optionalID("place_id"))
            }
        }
    }

    /// Each programme of a funder with its checks counted by state: from the maintained counters (`tallies`, lanes
    /// summed), never a count over `checks` (millions of rows nationally).
    public func programmeStatistics(of funder: FunderID) async throws -> [ProgrammeStatistics] {
        try await read { tx in
            let programmes = try await tx.sql.raw("""
                SELECT id, name, face_value_cents FROM programmes WHERE funder_id = \(bind: funder.rawValue) ORDER BY id
                """).all()
            var counts: [Int64: [CheckState: Int]] = [:]
            for row in try await tx.sql.raw("""
                SELECT t.programme_id, t.code AS state, CAST(SUM(t.checks) AS BIGINT) AS n FROM tallies t JOIN programmes p ON p.id = t.programme_id
                WHERE p.funder_id = \(bind: funder.rawValue) AND t.dimension = \(bind: TallyDimension.state.rawValue)
                GROUP BY t.programme_id, t.code HAVING SUM(t.checks) <> 0
                """).all() {
                guard let state = CheckState(rawValue: try row.string("state")) else { continue }
                counts[try row.int("programme_id"), default: [:]][state] = Int(try row.int("n"))
            }
            return try programmes.map { row in
                let id = try row.int("id")
                return ProgrammeStatistics(programme: ProgrammeID(id), name: try row.string("name"),
                                           faceValue: Money(cents: try row.int("face_value_cents")), checksByState: counts[id] ?? [:])
            }
        }
    }
}
