import Foundation
import PassnumDomain
import SQLKit

// Read-only queries behind the pages. Each takes the organisation it is scoped to: a page can only ever
// ask for its own organisation's rows.

public struct PlaceRow: Sendable {
    public let id: PlaceID
    public let name: String
    public let commune: String
    public let postcode: String
    public let state: PlaceState
    public let reason: String?
}

public struct AffiliationRow: Sendable {
    public let place: PlaceRow
    public let state: AffiliationState
}

extension Store {
    public func places() async throws -> [PlaceRow] {
        try await read { tx in
            try await tx.sql.raw("SELECT id, name, commune, postcode, state, state_reason FROM places ORDER BY name").all().map(Self.placeRow)
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

    public func affiliations(of funder: FunderID) async throws -> [AffiliationRow] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT pl.id, pl.name, pl.commune, pl.postcode, pl.state, pl.state_reason, a.state AS affiliation
                FROM affiliations a JOIN places pl ON pl.id = a.place_id WHERE a.funder_id = \(bind: funder.rawValue)
                ORDER BY CASE WHEN a.state = \(bind: AffiliationState.requested.rawValue) THEN 0 ELSE 1 END, pl.name
                """).all().map {
                AffiliationRow(place: try Self.placeRow($0), state: try AffiliationState(rawValue: try $0.string("affiliation")).orThrow("affiliations.state"))
            }
        }
    }

    /// Each funder with this place's affiliation to it, if any.
    public func affiliations(of place: PlaceID) async throws -> [(funder: NamedRow, state: AffiliationState?)] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT f.id, f.name, a.state FROM funders f LEFT JOIN affiliations a ON a.funder_id = f.id AND a.place_id = \(bind: place.rawValue)
                ORDER BY f.name
                """).all().map {
                (NamedRow(id: try $0.int("id"), name: try $0.string("name")), try $0.optionalString("state").flatMap(AffiliationState.init(rawValue:)))
            }
        }
    }
}
