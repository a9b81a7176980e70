import PassnumDomain

/// What a visitor or a partner looks for: a postcode or commune (code or name), a département, a service.
public struct PlaceSearch: Sendable, Equatable {
    public var text: String
    public var departement: String
    public var category: ServiceCategory?

    public init(text: String = "", departement: String = "", category: ServiceCategory? = nil) {
        self.text = text
        self.departement = departement
        self.category = category
    }

    /// The places with a site that matches, each with its distance in km when the text names a site whose
    /// coordinates are known (the reference point), nearest first then; otherwise in the order given.
    public func apply(to places: [PublicPlace]) -> [(place: PublicPlace, kilometres: Double?)] {
        let needle = text.lowercased()
        func matches(_ site: PublicSite) -> Bool {
            needle.isEmpty || site.postcode.hasPrefix(needle) || site.communeCode == needle.uppercased()
                || (!site.communeName.isEmpty && site.communeName.lowercased().contains(needle))
        }
        func inDepartement(_ site: PublicSite) -> Bool {
            departement.isEmpty || site.communeCode.flatMap(CommuneCode.init)?.departement.value == departement
                || (site.communeCode == nil && site.postcode.hasPrefix(departement))
        }
        let selected = places.filter { place in
            place.sites.contains { matches($0) && inDepartement($0) } && category.map(place.categories.contains) ?? true
        }
        let origin = needle.isEmpty ? nil : selected.flatMap(\.sites).lazy
            .filter(matches).compactMap { Coordinates(latitude: $0.latitude, longitude: $0.longitude) }.first
        guard let origin else { return selected.map { ($0, nil) } }
        return selected.map { place in
            let distances = place.sites.compactMap { Coordinates(latitude: $0.latitude, longitude: $0.longitude).map(origin.kilometres(to:)) }
            return (place, distances.min())
        }.sorted { ($0.kilometres ?? .infinity) < ($1.kilometres ?? .infinity) }
    }
}

extension Store {
    /// The public places (qualified, accepting at least one funder's checks) that match `search`: the one search
    /// behind the finder page and the partner API.
    public func searchPlaces(_ search: PlaceSearch) async throws -> [(place: PublicPlace, kilometres: Double?)] {
        search.apply(to: try await publicPlaces())
    }
}
