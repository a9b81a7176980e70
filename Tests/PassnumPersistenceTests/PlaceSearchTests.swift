import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Place search")
struct PlaceSearchTests {
    static func site(_ postcode: String, _ commune: String?, _ name: String, _ coordinates: (Double, Double)?) -> PublicSite {
        PublicSite(name: name, address: "1 rue de la Gare", postcode: postcode, communeCode: commune, communeName: name,
                   latitude: coordinates?.0, longitude: coordinates?.1, access: nil)
    }

    static func place(_ id: Int64, _ name: String, _ sites: [PublicSite], _ categories: [ServiceCategory]) -> PublicPlace {
        PublicPlace(id: PlaceID(id), name: name, sites: sites, categories: categories, openingHours: nil, accessibility: [],
                    phone: nil, email: nil, website: nil, summary: nil)
    }

    static let places = [
        place(1, "Médiathèque de Roubaix", [site("59100", "59512", "Roubaix", (50.6942, 3.1746))], [.everydayTools]),
        place(2, "Espace Lille", [site("59000", "59350", "Lille", (50.6292, 3.0573))], [.administrativeProcedures]),
        place(3, "Club d'Arras", [site("62000", "62041", "Arras", nil)], [.everydayTools]),
        place(4, "Point Paris", [site("75001", "75101", "Paris", (48.8566, 2.3522))], [.everydayTools]),
    ]

    @Test("Searching a commune with coordinates sorts every match by distance from it; places without coordinates come last")
    func nearestFirst() {
        let found = PlaceSearch(text: "lille").apply(to: Self.places)
        #expect(found.map(\.place.id) == [PlaceID(2)])
        let all = PlaceSearch(text: "59").apply(to: Self.places)
        // "59" matches Roubaix first: it is the reference point.
        #expect(all.map(\.place.id) == [PlaceID(1), PlaceID(2)])
        #expect(all[0].kilometres == 0 && abs((all[1].kilometres ?? 0) - 10) < 2)
    }

    @Test("Without text there is no reference point and no distance; the département and the service filter")
    func filters() {
        #expect(PlaceSearch().apply(to: Self.places).map(\.kilometres) == [nil, nil, nil, nil])
        #expect(PlaceSearch(departement: "62").apply(to: Self.places).map(\.place.id) == [PlaceID(3)])
        #expect(PlaceSearch(category: .administrativeProcedures).apply(to: Self.places).map(\.place.id) == [PlaceID(2)])
        #expect(PlaceSearch(text: "75101").apply(to: Self.places).map(\.place.id) == [PlaceID(4)])
    }
}
