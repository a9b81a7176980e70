import Foundation
import PassnumDomain
import PassnumPersistence

/// A place's home: the validation form (several checks at once) and today's validations.
enum PlaceHomePage {
    struct Service: Sendable, Equatable {
        var id: Int64
        var title: String
        var category: ServiceCategory
    }

    struct Validation: Sendable, Equatable {
        var serial: CheckSerial
        var state: CheckState
        var at: Date?
        var category: ServiceCategory?
        var amount: Money
        var undone: Bool
    }

    struct Model: Sendable, Equatable {
        var name: String
        var state: PlaceState
        /// The place's active services, offered first in the form.
        var services: [Service]
        var validationsToday: [Validation]

        static func query(store: Store, place: PlaceID) async throws -> Model {
            let today = CivilDate(store.clock.now)
            let validations = try await store.validations(at: place, since: today.start)
            let name = try await store.placeName(place) ?? ""
            let state = try await store.placeState(place)
            let services = try await store.services(of: place, activeOnly: true)
            return Model(
                name: name, state: state, services: services.map { Service(id: $0.id, title: $0.title, category: $0.category) },
                validationsToday: validations.map {
                    Validation(serial: $0.check.serial, state: $0.check.state, at: $0.check.at, category: $0.check.category,
                               amount: $0.check.amount, undone: $0.undone)
                })
        }
    }
}
