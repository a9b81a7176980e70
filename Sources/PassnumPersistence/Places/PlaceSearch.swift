import Foundation
import PassnumDomain
import SQLKit

/// What a visitor or a partner looks for: a postcode (or its start), a commune (INSEE code or the start of its name,
/// without minding case or accents), a département, a service.
public struct PlaceSearch: Sendable, Equatable {
    public var text: String
    public var departement: String
    public var category: ServiceCategory?
    /// Only the places that accept one of these funders' checks (an approved affiliation); nil: any funder's.
    public var funders: [FunderID]?
    /// The text gives the reference point only, and every place of the département is ranked from it, nearest
    /// first (a person's sheet: the places nearest their commune, even when none is in it).
    public var around: Bool

    public static let pageSize = 20
    public static let maximumPageSize = 100
    /// Longer text matches nothing anyway; it is cut rather than bound whole.
    static let maximumText = 100

    public init(text: String = "", departement: String = "", category: ServiceCategory? = nil, funders: [FunderID]? = nil) {
        self.text = String(text.trimmingCharacters(in: .whitespaces).prefix(Self.maximumText))
        self.departement = String(departement.trimmingCharacters(in: .whitespaces).uppercased().prefix(3))
        self.category = category
        self.funders = funders
        self.around = false
    }

    /// The places of `commune`'s département nearest the commune's first site (by name when no site of the commune
    /// has coordinates), accepting one of `funders`' checks.
    public static func around(_ commune: CommuneCode, funders: [FunderID]) -> PlaceSearch {
        var search = PlaceSearch(text: commune.value, departement: commune.departement.value, funders: funders)
        search.around = true
        return search
    }

    /// Names and communes as the index compares them: lower-case ASCII letters and digits only ("Saint-Étienne" →
    /// "saintetienne"), so that a prefix is a range on an indexed column under any collation.
    static func key(_ text: String) -> String {
        var key = ""
        for scalar in text.lowercased().folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9": key.unicodeScalars.append(scalar)
            case "œ": key += "oe"
            case "æ": key += "ae"
            case "ß": key += "ss"
            default: continue
            }
            if key.count >= 200 { break }
        }
        return key
    }

    /// The smallest key above every key that starts with `prefix` (in the alphabet of `key`), nil when none is.
    static func upperBound(_ prefix: String) -> String? {
        var scalars = Array(prefix.unicodeScalars)
        while let last = scalars.popLast() {
            guard last != "z" else { continue }
            scalars.append(last == "9" ? "a" : Unicode.Scalar(last.value + 1) ?? "z")
            return String(String.UnicodeScalarView(scalars))
        }
        return nil
    }

    static func bit(of category: ServiceCategory) -> Int64 {
        Int64(1) << Int64(ServiceCategory.allCases.firstIndex(of: category) ?? 0)
    }

    /// A point on the unit sphere, in integer units of 10⁻⁸ (6 cm on the Earth): the squared straight-line distance
    /// between two of them grows with the great-circle distance, so SQL sorts by distance with integer arithmetic only
    /// (SQLite has no trigonometry; integers are exact in SQL, in the cursor and in export archives). Squares stay
    /// below 4 × 10¹⁶, far from Int64's limit.
    static func unitVector(_ point: Coordinates) -> (x: Int64, y: Int64, z: Int64) {
        let latitude = point.latitude * .pi / 180, longitude = point.longitude * .pi / 180
        func units(_ value: Double) -> Int64 { Int64((value * 100_000_000).rounded()) }
        return (units(cos(latitude) * cos(longitude)), units(cos(latitude) * sin(longitude)), units(sin(latitude)))
    }

    /// The sites the text and the département name, on the alias `s` of `public_sites`; nil when they name any site.
    var siteFilter: SQLQueryString? {
        var conditions: [SQLQueryString] = []
        if !text.isEmpty {
            if text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
                var postcode: SQLQueryString = "s.postcode >= \(bind: text)"
                if let upper = Self.upperBound(text) { postcode += " AND s.postcode < \(bind: upper)" }
                conditions.append(text.count == 5 ? "((\(postcode)) OR s.commune_code = \(bind: text))" : "(\(postcode))")
            } else if let commune = CommuneCode(text) {
                conditions.append("s.commune_code = \(bind: commune.value)")
            } else {
                let key = Self.key(text)
                if key.isEmpty {
                    conditions.append("1 = 0")
                } else {
                    var name: SQLQueryString = "s.commune_key >= \(bind: key)"
                    if let upper = Self.upperBound(key) { name += " AND s.commune_key < \(bind: upper)" }
                    conditions.append("(\(name))")
                }
            }
        }
        if !departement.isEmpty { conditions.append("s.departement = \(bind: departement)") }
        return conditions.isEmpty ? nil : conditions.joined(separator: " AND ")
    }

    /// Ties a cursor to the search it continues.
    var digest: String {
        var parts = [text, departement, category?.code ?? ""]
        if around || funders != nil { parts += [around ? "around" : "", funders?.map(\.description).joined(separator: ",") ?? ""] }
        return String(sha256Hex(Data(parts.joined(separator: "\u{0}").utf8)).prefix(12))
    }

    /// The condition on the alias `p` of `public_places` that the funders set, if any: on `affiliations_funder`.
    var funderFilter: SQLQueryString {
        guard let funders else { return "" }
        guard !funders.isEmpty else { return " AND 1 = 0" }
        return """
             AND p.place_id IN (SELECT a.place_id FROM affiliations a WHERE a.funder_id IN (\(binds: funders.map(\.rawValue).binds))
              AND a.state = \(bind: AffiliationState.approved.rawValue))
            """
    }
}

/// Where the next page of a search starts: after the place with this sort key (distance, name, id). Opaque to clients.
public struct PlaceCursor: Sendable, Equatable {
    /// The squared chord to the reference point (units of `unitVector`); `noDistance` (more than any) when the search
    /// has none or the place no coordinates.
    let distance: Int64
    let nameKey: String
    let place: PlaceID
    /// How many results the pages before showed.
    public let shown: Int
    let search: String

    static let noDistance: Int64 = 100_000_000_000_000_000

    init(distance: Int64, nameKey: String, place: PlaceID, shown: Int, search: String) {
        self.distance = distance
        self.nameKey = nameKey
        self.place = place
        self.shown = shown
        self.search = search
    }

    public var token: String {
        let text = ["p1", String(distance), String(place.rawValue), String(shown), search, nameKey].joined(separator: "|")
        return Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a token made by `token` for this same search; nil for anything else (bounded: never more than 400 characters).
    public init?(token: String, for search: PlaceSearch) {
        guard (1...400).contains(token.utf8.count), token.utf8.allSatisfy({ $0.isBase64URL }) else { return nil }
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "|", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "p1", parts[1].count <= 18, let distance = Int64(parts[1]), (0...PlaceCursor.noDistance).contains(distance),
              parts[2].count <= 19, let place = Int64(parts[2]), place > 0,
              parts[3].count <= 9, let shown = Int(parts[3]), shown > 0,
              parts[4] == search.digest, parts[5] == PlaceSearch.key(parts[5]) else { return nil }
        self.init(distance: distance, nameKey: parts[5], place: PlaceID(place), shown: shown, search: parts[4])
    }
}

/// One page of a search.
public struct PlaceResults: Sendable {
    /// Each place with its distance in km from the reference point (the first matching site with coordinates, in
    /// name order), when there is one.
    public let places: [(place: PublicPlace, kilometres: Double?)]
    /// The rank of the first place of this page (1 on the first page).
    public let first: Int
    /// The next page, if any.
    public let next: PlaceCursor?
}

extension Store {
    /// The public places (qualified, accepting at least one funder's checks) that match `search`, a page at a time:
    /// nearest first when the text names a site with coordinates, otherwise by name. Two indexed queries whatever the
    /// number of places: the page, then its places' sites.
    public func searchPlaces(_ search: PlaceSearch, after cursor: PlaceCursor? = nil, limit: Int = PlaceSearch.pageSize) async throws -> PlaceResults {
        let limit = min(max(limit, 1), PlaceSearch.maximumPageSize)
        let category: SQLQueryString = (search.category.map { " AND (p.category_mask & \(bind: PlaceSearch.bit(of: $0))) <> 0" } ?? "")
            + search.funderFilter
        let filter = search.siteFilter
        let query: SQLQueryString
        if let filter, !search.text.isEmpty {
            // The reference point is the first matching site with coordinates; each place's distance is that of its
            // nearest site. Only the matching places are ranked: the text bounds them (`around`: the département does).
            let ranked: SQLQueryString = search.around ? "s.departement = \(bind: search.departement)" : filter
            // `around`: the text is an INSEE code, never a postcode (INSEE 13100 is Saint-Rémy-de-Provence, postcode
            // 13100 is Aix-en-Provence), so the reference point is a site of that commune only.
            let originFilter: SQLQueryString = search.around
                ? "s.commune_code = \(bind: search.text) AND s.departement = \(bind: search.departement)" : filter
            let after: SQLQueryString = cursor.map {
                " WHERE (r.d, r.name_key, r.place_id) > (\(bind: $0.distance), \(bind: $0.nameKey), \(bind: $0.place.rawValue))"
            } ?? ""
            query = """
                WITH origin AS (
                  SELECT s.x, s.y, s.z, s.latitude, s.longitude FROM public_sites s JOIN public_places p ON p.place_id = s.place_id
                  WHERE p.listed = 1 AND \(originFilter)\(category) AND s.x IS NOT NULL ORDER BY p.name_key, p.place_id, s.position LIMIT 1
                ), ranked AS (
                  SELECT p.place_id, p.name, p.name_key, p.card, o.latitude AS origin_latitude, o.longitude AS origin_longitude,
                    COALESCE((SELECT MIN((a.x - o.x) * (a.x - o.x) + (a.y - o.y) * (a.y - o.y) + (a.z - o.z) * (a.z - o.z))
                              FROM public_sites a WHERE a.place_id = p.place_id AND a.x IS NOT NULL), \(bind: PlaceCursor.noDistance)) AS d
                  FROM public_places p LEFT JOIN origin o ON 1 = 1
                  WHERE p.listed = 1\(category) AND p.place_id IN (SELECT s.place_id FROM public_sites s WHERE \(ranked))
                )
                SELECT r.place_id, r.name, r.name_key, r.card, r.origin_latitude, r.origin_longitude, r.d FROM ranked r\(after)
                ORDER BY r.d, r.name_key, r.place_id LIMIT \(bind: Int64(limit + 1))
                """
        } else {
            let sites: SQLQueryString = filter.map { " AND p.place_id IN (SELECT s.place_id FROM public_sites s WHERE \($0))" } ?? ""
            let after: SQLQueryString = cursor.map { " AND (p.name_key, p.place_id) > (\(bind: $0.nameKey), \(bind: $0.place.rawValue))" } ?? ""
            query = """
                SELECT p.place_id, p.name, p.name_key, p.card, CAST(NULL AS DOUBLE PRECISION) AS origin_latitude,
                  CAST(NULL AS DOUBLE PRECISION) AS origin_longitude, \(bind: PlaceCursor.noDistance) AS d
                FROM public_places p WHERE p.listed = 1\(category)\(sites)\(after)
                ORDER BY p.name_key, p.place_id LIMIT \(bind: Int64(limit + 1))
                """
        }
        return try await read { tx in
            let rows = try await tx.sql.raw(query).all()
            let page = rows.prefix(limit)
            var origin: Coordinates?
            var found: [(id: PlaceID, entry: PublicEntry, key: PlaceCursor)] = []
            let shown = cursor?.shown ?? 0
            for row in page {
                let id = PlaceID(try row.int("place_id"))
                let card = try PublicEntry.Card.decode(try row.string("card"))
                if origin == nil {
                    origin = Coordinates(latitude: try row.decode(column: "origin_latitude", as: Double?.self),
                                         longitude: try row.decode(column: "origin_longitude", as: Double?.self))
                }
                let key = PlaceCursor(distance: try row.int("d"), nameKey: try row.string("name_key"), place: id,
                                      shown: shown + found.count + 1, search: search.digest)
                found.append((id, PublicEntry(listed: true, name: try row.string("name"), card: card, programmeCategories: false, sites: []), key))
            }
            let sites = try await tx.publicSites(of: found.map(\.id))
            let places = found.map { id, entry, _ in
                let place = entry.place(id: id, sites: sites[id] ?? [])
                let distances = origin.map { origin in
                    place.sites.compactMap { Coordinates(latitude: $0.latitude, longitude: $0.longitude).map(origin.kilometres(to:)) }
                }
                return (place: place, kilometres: distances?.min())
            }
            return PlaceResults(places: places, first: shown + 1, next: rows.count > limit ? found.last?.key : nil)
        }
    }
}
