import Foundation
import PassnumDomain
import SQLKit

// What the public finder and the API show of the places that accept checks.

public struct PublicSite: Sendable {
    public let name: String
    public let address: String
    public let postcode: String
    public let communeCode: String?
    public let communeName: String
    public let latitude: Double?
    public let longitude: Double?
    public let access: String?
}

public struct PublicPlace: Sendable {
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

extension Store {
    /// Qualified places that accept at least one funder's checks, with their sites and the services they offer
    /// (declared in their application or catalogue; otherwise what the funders' open programmes pay for).
    public func publicPlaces(only id: PlaceID? = nil) async throws -> [PublicPlace] {
        try await read { tx in
            let filter: SQLQueryString = id.map { " AND pl.id = \(bind: $0.rawValue)" } ?? ""
            let rows = try await tx.sql.raw("""
                SELECT DISTINCT pl.id, pl.name, pl.commune, pl.postcode FROM places pl
                JOIN affiliations a ON a.place_id = pl.id AND a.state = \(bind: AffiliationState.approved.rawValue)
                WHERE pl.state = \(bind: PlaceState.qualified.rawValue)\(filter) ORDER BY pl.name
                """).all()
            var places: [PublicPlace] = []
            for row in rows {
                let place = PlaceID(try row.int("id"))
                let application = PlaceApplication(place: place, name: try row.string("name"), state: .qualified,
                                                   steps: try await tx.applicationSteps(of: place), documents: [])
                var sites = try await tx.sql.raw("""
                    SELECT name, address, postcode, commune_code, commune_name, latitude, longitude, access, open_data
                    FROM place_sites WHERE place_id = \(bind: place.rawValue) ORDER BY position
                    """).all().map {
                    PublicSite(name: try $0.string("name"), address: try $0.string("address"), postcode: try $0.string("postcode"),
                               communeCode: try $0.optionalString("commune_code"), communeName: try $0.string("commune_name"),
                               latitude: try $0.decode(column: "latitude", as: Double?.self), longitude: try $0.decode(column: "longitude", as: Double?.self),
                               access: try $0.optionalString("access"))
                }
                if sites.isEmpty {
                    sites = [PublicSite(name: application.name, address: "", postcode: try row.string("postcode"), communeCode: try row.string("commune"),
                                        communeName: "", latitude: nil, longitude: nil, access: nil)]
                }
                let services = try await tx.services(of: place, activeOnly: true)
                var categories = Set(application.decode(ApplicationData.Services.self, .services)?.categories ?? [])
                categories.formUnion(services.map(\.category))
                if categories.isEmpty {
                    for programme in try await tx.sql.raw("""
                        SELECT p.categories FROM programmes p JOIN affiliations a ON a.funder_id = p.funder_id
                        WHERE a.place_id = \(bind: place.rawValue) AND a.state = \(bind: AffiliationState.approved.rawValue) AND p.expired_at IS NULL
                        """).all() {
                        categories.formUnion(ProgrammeColumns.split(try programme.string("categories")).compactMap(ServiceCategory.init(code:)))
                    }
                }
                let organisation = application.decode(ApplicationData.Organisation.self, .organisation)
                places.append(PublicPlace(
                    id: place, name: application.name, sites: sites, categories: ServiceCategory.allCases.filter(categories.contains),
                    openingHours: application.decode(ApplicationData.Hours.self, .hours)?.openingHours,
                    accessibility: application.decode(ApplicationData.Services.self, .services)?.accessibility ?? [],
                    phone: organisation?.phone, email: organisation?.email, website: organisation?.website, summary: organisation?.summary,
                    services: services))
            }
            return places
        }
    }
}
