import Foundation
import PassnumDomain
import SQLKit

// What the public finder, the API and the open data show of the places: built from the rows of one place
// (`Transaction.publicEntry(of:)`), kept in the search index (PublicIndex.swift), read from there.

public struct PublicSite: Sendable, Equatable {
    public let name: String
    public let address: String
    public let postcode: String
    public let communeCode: String?
    public let communeName: String
    public let latitude: Double?
    public let longitude: Double?
    public let access: String?
}

public struct PublicPlace: Sendable, Equatable {
    public let id: PlaceID
    public let name: String
    public let sites: [PublicSite]
    public let categories: [ServiceCategory]
    public let openingHours: String?
    public let accessibility: [String]
    public let phone: String?
    public let email: String?
    public let website: String?
    public let summary: String?
    public var services: [PlaceService] = []
}

/// What the index holds of one place: everything the public reads, computed from the place's own rows.
struct PublicEntry: Codable, Equatable {
    /// Qualified and accepting at least one funder's checks: shown by the finder and the API.
    var listed: Bool
    var name: String
    var card: Card
    /// The categories come from the funders' open programmes (the place declared none): a programme created or
    /// expired changes them.
    var programmeCategories: Bool
    var sites: [Site]

    struct Card: Codable, Equatable {
        static func decode(_ json: String) throws -> Card {
            guard let card = try? JSONDecoder().decode(Card.self, from: Data(json.utf8)) else { throw CorruptValue(column: "public_places.card") }
            return card
        }

        var categories: [String]
        var openingHours: String?
        var accessibility: [String]
        var phone: String?
        var email: String?
        var website: String?
        var summary: String?
    }

    struct Site: Codable, Equatable {
        var name: String
        var address: String
        var postcode: String
        var communeCode: String?
        var communeName: String
        var latitude: Double?
        var longitude: Double?
        var access: String?
        /// The site's record in the open-data standard; nil when the place is not published (no SIRET) or for the
        /// stand-in site of a place without sites.
        var openData: OpenData.Record?

        var departement: String {
            if let communeCode { return CommuneCode(communeCode)?.departement.value ?? "" }
            return postcode.hasPrefix("97") ? String(postcode.prefix(3)) : String(postcode.prefix(2))
        }
    }

    var categories: [ServiceCategory] { card.categories.compactMap(ServiceCategory.init(code:)) }

    var categoryMask: Int64 {
        categories.reduce(0) { $0 | PlaceSearch.bit(of: $1) }
    }

    /// Stable digest of everything above: a refresh that finds the same digest writes nothing.
    var fingerprint: String {
        get throws { sha256Hex(try JSONEncoder.sorted.encode(self)) }
    }

    func place(id: PlaceID, sites: [PublicSite]) -> PublicPlace {
        PublicPlace(id: id, name: name, sites: sites, categories: categories, openingHours: card.openingHours,
                    accessibility: card.accessibility, phone: card.phone, email: card.email, website: card.website, summary: card.summary)
    }
}

extension Store {
    /// One public place (qualified, accepting at least one funder's checks) with its active services, from the index.
    public func publicPlace(_ id: PlaceID) async throws -> PublicPlace? {
        try await read { tx in
            guard let row = try await tx.sql.raw("""
                SELECT name, card FROM public_places WHERE place_id = \(bind: id.rawValue) AND listed = 1
                """).first() else { return nil }
            let card = try PublicEntry.Card.decode(try row.string("card"))
            let entry = PublicEntry(listed: true, name: try row.string("name"), card: card, programmeCategories: false, sites: [])
            var place = entry.place(id: id, sites: try await tx.publicSites(of: [id])[id] ?? [])
            place.services = try await tx.services(of: id, activeOnly: true)
            return place
        }
    }
}

extension Transaction {
    /// The sites of the given places as the index holds them, in each place's order.
    func publicSites(of places: [PlaceID]) async throws -> [PlaceID: [PublicSite]] {
        guard !places.isEmpty else { return [:] }
        var sites: [PlaceID: [PublicSite]] = [:]
        for row in try await sql.raw("""
            SELECT place_id, name, address, postcode, commune_code, commune_name, latitude, longitude, access FROM public_sites
            WHERE place_id IN (\(binds: places.map(\.rawValue).binds)) ORDER BY place_id, position
            """).all() {
            sites[PlaceID(try row.int("place_id")), default: []].append(PublicSite(
                name: try row.string("name"), address: try row.string("address"), postcode: try row.string("postcode"),
                communeCode: try row.optionalString("commune_code"), communeName: try row.string("commune_name"),
                latitude: try row.decode(column: "latitude", as: Double?.self), longitude: try row.decode(column: "longitude", as: Double?.self),
                access: try row.optionalString("access")))
        }
        return sites
    }

    /// What the public sees of a place, from its rows: nil when it is not public at all (not qualified, or neither
    /// accepting checks nor published in the open data). With `lock`, the place's row stays locked until commit, so
    /// that two refreshes of one place on PostgreSQL take turns and the later one reads what the earlier one wrote.
    func publicEntry(of place: PlaceID, lock: Bool = false) async throws -> PublicEntry? {
        let query: SQLQueryString = """
            SELECT name, state, siret, commune, postcode, updated_at FROM places WHERE id = \(bind: place.rawValue)
            """
        guard let row = try await sql.raw(lock && kind == .postgres ? query + " FOR NO KEY UPDATE" : query).first(),
              try row.string("state") == PlaceState.qualified.rawValue else { return nil }
        let siret = try row.optionalString("siret")
        let listed = try await sql.raw("""
            SELECT place_id FROM affiliations WHERE place_id = \(bind: place.rawValue) AND state = \(bind: AffiliationState.approved.rawValue)
            """).first() != nil
        guard listed || siret != nil else { return nil }

        let application = PlaceApplication(place: place, name: try row.string("name"), state: .qualified,
                                           steps: try await applicationSteps(of: place), documents: [])
        let organisation = application.decode(ApplicationData.Organisation.self, .organisation)
        let services = application.decode(ApplicationData.Services.self, .services)
        let hours = application.decode(ApplicationData.Hours.self, .hours)

        var categories = Set(services?.categories ?? [])
        for service in try await sql.raw("""
            SELECT DISTINCT category FROM place_services WHERE place_id = \(bind: place.rawValue) AND active = 1
            """).all() {
            if let category = ServiceCategory(code: try service.string("category")) { categories.insert(category) }
        }
        let programmeCategories = categories.isEmpty
        if programmeCategories {
            for programme in try await sql.raw("""
                SELECT p.categories FROM programmes p JOIN affiliations a ON a.funder_id = p.funder_id
                WHERE a.place_id = \(bind: place.rawValue) AND a.state = \(bind: AffiliationState.approved.rawValue) AND p.expired_at IS NULL
                """).all() {
                categories.formUnion(ProgrammeColumns.split(try programme.string("categories")).compactMap(ServiceCategory.init(code:)))
            }
        }
        let card = PublicEntry.Card(
            categories: ServiceCategory.allCases.filter(categories.contains).map(\.code), openingHours: hours?.openingHours,
            accessibility: services?.accessibility ?? [], phone: organisation?.phone, email: organisation?.email,
            website: organisation?.website, summary: organisation?.summary)

        let updated = CivilDate(Date(millis: try row.int("updated_at"))).description
        var sites: [PublicEntry.Site] = []
        for site in try await sql.raw("""
            SELECT id, name, address, postcode, commune_code, commune_name, latitude, longitude, access, open_data
            FROM place_sites WHERE place_id = \(bind: place.rawValue) ORDER BY position
            """).all() {
            var entry = PublicEntry.Site(
                name: try site.string("name"), address: try site.string("address"), postcode: try site.string("postcode"),
                communeCode: try site.optionalString("commune_code"), communeName: try site.string("commune_name"),
                latitude: try site.decode(column: "latitude", as: Double?.self), longitude: try site.decode(column: "longitude", as: Double?.self),
                access: try site.optionalString("access"), openData: nil)
            if let siret {
                entry.openData = OpenData.record(site: entry, id: try site.id("id"), stored: try site.string("open_data"), pivot: siret,
                                                 organisation: organisation, services: services, hours: hours, updated: updated)
            }
            sites.append(entry)
        }
        if sites.isEmpty {
            // A place without sites is found at the postcode and commune of its record.
            sites = [PublicEntry.Site(name: application.name, address: "", postcode: try row.string("postcode"), communeCode: try row.string("commune"),
                                      communeName: "", latitude: nil, longitude: nil, access: nil, openData: nil)]
        }
        return PublicEntry(listed: listed, name: application.name, card: card, programmeCategories: programmeCategories, sites: sites)
    }
}
