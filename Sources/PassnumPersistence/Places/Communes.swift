import Foundation
import PassnumDomain
import SQLKit

// The communes the platform knows, to choose a person's commune by name or postcode and to show it by name: the
// published places' sites give a code, a name and a postcode (written with the public index, `writePublicEntry`), the
// programmes' perimeters a code alone. A code nobody gave stays valid for a person once the prescriber confirms it is
// an INSEE code (`CommuneMatch.unknownCode`): postcodes and INSEE codes look alike ("75011" is a postcode of Paris 11e,
// whose INSEE code is 75111). A commune keeps the first name a site gave it, so one place's typo renames nothing.

/// A commune the platform knows; `name` is nil when only a programme's perimeter named its code.
public struct KnownCommune: Sendable, Equatable {
    public let code: CommuneCode
    public let name: String?
    public let postcodes: [String]

    public init(code: CommuneCode, name: String?, postcodes: [String] = []) {
        self.code = code
        self.name = name
        self.postcodes = postcodes
    }
}

/// What a typed commune designates.
public enum CommuneMatch: Sendable, Equatable {
    /// One commune: a known INSEE code, a postcode of one commune, or a name only one commune has.
    case one(KnownCommune)
    /// A well-formed INSEE code that is neither a known commune nor a known postcode: maybe a postcode the platform
    /// does not know, so it is taken only once the prescriber confirms it.
    case unknownCode(CommuneCode)
    /// Several communes share this postcode or start with this name: at most `Store.communeCandidates`, by name.
    case several([KnownCommune])
    /// More communes than that start with this text.
    case tooMany
    case none
}

extension Store {
    /// At most this many communes are offered to choose from.
    public static let communeCandidates = 20

    /// The communes `text` designates: an INSEE code or a postcode (five characters) first, else the start of a name
    /// (accents, case, spaces and hyphens aside). A name that one commune has exactly wins over longer ones
    /// ("Bordeaux" over "Bordeaux-en-Gâtine"). Two statements at most, on indexes, whatever the number of communes.
    public func communes(matching text: String) async throws -> CommuneMatch {
        let text = String(text.prefix(200)).trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        let limit = Self.communeCandidates + 1
        return try await read { tx in
            if text.count == 5, CommuneCode(text) != nil || text.allSatisfy({ $0.isASCII && $0.isNumber }) {
                let rows = try await tx.sql.raw("""
                    SELECT code, name FROM communes WHERE code = \(bind: text)
                    UNION SELECT c.code, c.name FROM commune_postcodes p JOIN communes c ON c.code = p.code WHERE p.postcode = \(bind: text)
                    LIMIT \(unsafeRaw: String(limit))
                    """).all()
                let found = try await tx.withPostcodes(rows)
                switch found.count {
                case 0: return CommuneCode(text).map { .unknownCode($0) } ?? .none
                case 1: return .one(found[0])
                case ...Self.communeCandidates: return .several(found)
                default: return .tooMany
                }
            }
            let key = PlaceSearch.key(text)
            guard !key.isEmpty else { return .none }
            var range: SQLQueryString = "name_key >= \(bind: key)"
            if let upper = PlaceSearch.upperBound(key) { range += " AND name_key < \(bind: upper)" }
            let rows = try await tx.sql.raw("""
                SELECT code, name, name_key FROM communes WHERE \(range) ORDER BY name_key, code LIMIT \(unsafeRaw: String(limit))
                """).all()
            // Keys sort before their extensions: the exact names come first, and all of them are here when any is.
            let exact = try rows.filter { try $0.optionalString("name_key") == key }
            if exact.count == 1 { return .one(try await tx.withPostcodes(exact)[0]) }
            switch rows.count {
            case 0: return .none
            case 1: return .one(try await tx.withPostcodes(rows)[0])
            case ...Self.communeCandidates: return .several(try await tx.withPostcodes(rows))
            default: return exact.count >= 2 && exact.count <= Self.communeCandidates ? .several(try await tx.withPostcodes(exact)) : .tooMany
            }
        }
    }
}

extension Store {
    /// Whether the platform knows this INSEE code (a ticked candidate is a code, never a postcode): one statement.
    public func knowsCommune(_ code: CommuneCode) async throws -> Bool {
        try await read { tx in try await tx.sql.raw("SELECT code FROM communes WHERE code = \(bind: code.value)").first() != nil }
    }
}

extension Transaction {
    /// The communes of these rows (`code`, `name`) with their postcodes, by name then code: one statement.
    fileprivate func withPostcodes(_ rows: [any SQLRow]) async throws -> [KnownCommune] {
        let communes = try rows.map { row in
            guard let code = CommuneCode(try row.string("code")) else { throw CorruptValue(column: "communes.code") }
            return (code: code, name: try row.optionalString("name"))
        }
        guard !communes.isEmpty, communes.count <= Store.communeCandidates else {
            return communes.map { KnownCommune(code: $0.code, name: $0.name) }
        }
        var postcodes: [String: [String]] = [:]
        for row in try await sql.raw("""
            SELECT code, postcode FROM commune_postcodes WHERE code IN (\(binds: communes.map { $0.code.value as any Encodable & Sendable })) ORDER BY postcode
            """).all() {
            postcodes[try row.string("code"), default: []].append(try row.string("postcode"))
        }
        return communes.map { KnownCommune(code: $0.code, name: $0.name, postcodes: postcodes[$0.code.value] ?? []) }
            .sorted { (PlaceSearch.key($0.name ?? ""), $0.code.value) < (PlaceSearch.key($1.name ?? ""), $1.code.value) }
    }

    /// Learns the communes of published sites: a site's name for a code that has none yet (the first name known stays)
    /// and its postcode. Sites without a valid code teach nothing. Rows go in code order, so every transaction locks
    /// commune rows in the same order; a few statements, one per `communeChunk` rows.
    func recordCommunes(ofSites sites: [(code: String?, name: String, postcode: String)]) async throws {
        var names: [String: String] = [:], postcodes: Set<[String]> = []
        for site in sites {
            guard let code = site.code.flatMap(CommuneCode.init)?.value else { continue }
            let name = site.name.trimmingCharacters(in: .whitespacesAndNewlines)
            if !name.isEmpty, !PlaceSearch.key(name).isEmpty { if names[code]?.isEmpty ?? true { names[code] = name } } else if names[code] == nil { names[code] = "" }
            if site.postcode.count == 5, site.postcode.allSatisfy({ $0.isASCII && $0.isNumber }) { postcodes.insert([site.postcode, code]) }
        }
        guard !names.isEmpty else { return }
        let named = names.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        for chunk in Self.chunks(named) {
            let values: [SQLQueryString] = chunk.map { "(\(bind: $0.key), \(bind: $0.value), \(bind: PlaceSearch.key($0.value)))" }
            try await sql.raw("""
                INSERT INTO communes (code, name, name_key) VALUES \(values.joined(separator: ", "))
                ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_key = excluded.name_key WHERE communes.name IS NULL
                """).run()
        }
        try await recordCommunes(names.filter(\.value.isEmpty).keys.compactMap(CommuneCode.init))
        guard !postcodes.isEmpty else { return }
        for chunk in Self.chunks(postcodes.sorted { $0.lexicographicallyPrecedes($1) }) {
            let pairs: [SQLQueryString] = chunk.map { "(\(bind: $0[0]), \(bind: $0[1]))" }
            try await sql.raw("""
                INSERT INTO commune_postcodes (postcode, code) VALUES \(pairs.joined(separator: ", ")) ON CONFLICT (postcode, code) DO NOTHING
                """).run()
        }
    }

    /// Rows per commune statement: at most 900 binds, under SQLite's and PostgreSQL's limits.
    static let communeChunk = 300

    private static func chunks<T>(_ rows: [T]) -> [ArraySlice<T>] {
        stride(from: 0, to: rows.count, by: communeChunk).map { rows[$0..<min($0 + communeChunk, rows.count)] }
    }

    /// Learns the codes of a programme's perimeter, without a name; a name a site gave stays.
    func recordCommunes(_ codes: [CommuneCode]) async throws {
        guard !codes.isEmpty else { return }
        for chunk in Self.chunks(Set(codes.map(\.value)).sorted()) {
            let values: [SQLQueryString] = chunk.map { "(\(bind: $0), NULL, NULL)" }
            try await sql.raw("""
                INSERT INTO communes (code, name, name_key) VALUES \(values.joined(separator: ", ")) ON CONFLICT (code) DO NOTHING
                """).run()
        }
    }

    /// The migration's backfill: the communes of every published site, a page of sites at a time, and of every
    /// programme's perimeter.
    func fillCommunes() async throws {
        var after: (place: Int64, position: Int64) = (0, -1)
        while true {
            let rows = try await sql.raw("""
                SELECT place_id, position, commune_code, commune_name, postcode FROM public_sites
                WHERE place_id > \(bind: after.place) OR (place_id = \(bind: after.place) AND position > \(bind: after.position))
                ORDER BY place_id, position LIMIT 500
                """).all()
            guard let last = rows.last else { break }
            try await recordCommunes(ofSites: rows.map {
                (code: try $0.optionalString("commune_code"), name: try $0.string("commune_name"), postcode: try $0.string("postcode"))
            })
            after = (try last.int("place_id"), try last.int("position"))
        }
        for row in try await sql.raw("SELECT communes FROM programmes").all() {
            try await recordCommunes(ProgrammeColumns.split(try row.string("communes")).compactMap(CommuneCode.init))
        }
    }
}
