import PassnumDomain
import PassnumPersistence

/// A place's public page: services, opening hours, accessibility, how to come.
enum PublicPlacePage {
    struct Model: Sendable, Equatable {
        var place: PublicPlace
        /// Nil when the place gave none, or none that reads.
        var hours: OpeningHours?

        /// Nil when no place that accepts the checks has this id.
        static func query(store: Store, place id: PlaceID) async throws -> Model? {
            guard let place = try await store.publicPlace(id) else { return nil }
            return Model(place: place, hours: place.openingHours.flatMap { try? OpeningHours($0) })
        }
    }
}
