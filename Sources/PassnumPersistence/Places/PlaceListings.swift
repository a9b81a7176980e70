import Foundation
import PassnumDomain
import SQLKit

// Read-only queries behind the pages. Each takes the organisation it is scoped to: a page can only ever
// ask for its own organisation's rows.

public struct PlaceRow: Sendable, Equatable {
    public let id: PlaceID
    public let name: String
    public let commune: String
    public let postcode: String
    public let state: PlaceState
    public let reason: String?
}

public struct AffiliationRow: Sendable, Equatable {
    public let place: PlaceRow
    public let state: AffiliationState
}

extension Store {
    /// Every place (or those in `state`) by name, a page at a time, on `places_by_name` / `places_by_state`.
    public func places(in state: PlaceState? = nil, _ page: PageRequest = .first) async throws -> Page<PlaceRow> {
        let filter: SQLQueryString = state.map { "state = \(bind: $0.rawValue)" } ?? "1 = 1"
        return try await read { tx in
            try await tx.page("SELECT id, name, commune, postcode, state, state_reason FROM places WHERE " + filter,
                              keyset: Keyset(.places, sort: ["name"], keyColumns: ["name"], id: "id", descending: false), page, row: Self.placeRow)
        }
    }

    /// One place as the operator's lists show it; nil when there is none.
    public func placeRow(_ place: PlaceID) async throws -> PlaceRow? {
        try await read { tx in
            try await tx.sql.raw("SELECT id, name, commune, postcode, state, state_reason FROM places WHERE id = \(bind: place.rawValue)")
                .first().map(Self.placeRow)
        }
    }

    static func placeRow(_ row: any SQLRow) throws -> PlaceRow {
        PlaceRow(id: PlaceID(try row.int("id")), name: try row.string("name"), commune: try row.string("commune"),
                 postcode: try row.string("postcode"), state: try PlaceState(rawValue: try row.string("state")).orThrow("places.state"),
                 reason: try row.optionalString("state_reason"))
    }

    public func placeName(_ place: PlaceID) async throws -> String? {
        try await read { tx in try await tx.sql.raw("SELECT name FROM places WHERE id = \(bind: place.rawValue)").first(decodingColumn: "name", as: String.self) }
    }

    /// A funder's affiliations, the requests to decide first, then by place name, a page at a time.
    public func affiliations(of funder: FunderID, _ page: PageRequest = .first) async throws -> Page<AffiliationRow> {
        try await read { tx in
            try await tx.page("""
                SELECT pl.id, pl.name, pl.commune, pl.postcode, pl.state, pl.state_reason, a.state AS affiliation,
                  CAST(CASE WHEN a.state = \(bind: AffiliationState.requested.rawValue) THEN 0 ELSE 1 END AS BIGINT) AS decided
                FROM affiliations a JOIN places pl ON pl.id = a.place_id WHERE a.funder_id = \(bind: funder.rawValue)
                """, keyset: Keyset(.affiliations, sort: ["CASE WHEN a.state = \(bind: AffiliationState.requested.rawValue) THEN 0 ELSE 1 END", "pl.name"],
                                    keyColumns: ["decided", "name"], id: "pl.id", descending: false), page) {
                AffiliationRow(place: try Self.placeRow($0), state: try AffiliationState(rawValue: try $0.string("affiliation")).orThrow("affiliations.state"))
            }
        }
    }

    /// Whether `place` has an affiliation (in any state) to `funder`.
    public func isAffiliated(_ place: PlaceID, to funder: FunderID) async throws -> Bool {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT 1 AS one FROM affiliations WHERE funder_id = \(bind: funder.rawValue) AND place_id = \(bind: place.rawValue)
                """).first() != nil
        }
    }

    /// Each funder with this place's affiliation to it, if any, by name, a page at a time (one statement).
    public func affiliations(of place: PlaceID, _ page: PageRequest = .first) async throws -> Page<(funder: NamedRow<FunderTag>, state: AffiliationState?)> {
        try await read { tx in
            try await tx.page("""
                SELECT f.id, f.name, a.state FROM funders f LEFT JOIN affiliations a ON a.funder_id = f.id AND a.place_id = \(bind: place.rawValue)
                WHERE 1 = 1
                """, keyset: Keyset(.funders, sort: ["f.name"], keyColumns: ["name"], id: "f.id", descending: false), page) {
                (NamedRow(id: try $0.id("id"), name: try $0.string("name")), try $0.optionalString("state").flatMap(AffiliationState.init(rawValue:)))
            }
        }
    }
}
