import Foundation
import PassnumDomain
import PassnumPersistence

/// A place's home: the validation form (several checks at once) and today's validations.
enum PlaceHomePage {
    struct Service: Sendable, Equatable {
        var id: ServiceID
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

        /// A validation as the place's pages show it (today's on the home page, 90 days in the history).
        init(_ record: ValidationRecord) {
            self.init(serial: record.serial, state: record.checkState, at: record.validatedAt, category: record.category,
                      amount: record.amount, undone: record.cancelled)
        }

        init(serial: CheckSerial, state: CheckState, at: Date?, category: ServiceCategory?, amount: Money, undone: Bool) {
            self.serial = serial
            self.state = state
            self.at = at
            self.category = category
            self.amount = amount
            self.undone = undone
        }
    }

    struct Model: Sendable, Equatable {
        var name: String
        var state: PlaceState
        /// The place's active services, offered first in the form.
        var services: [Service]
        var validationsToday: [Validation]
        /// Today's validations still standing (undone ones left out) and what they are worth, whatever their number.
        var todayCount = 0
        var todayTotal = Money.zero

        static func query(store: Store, place: PlaceID) async throws -> Model {
            let today = CivilDate(store.clock.now)
            // The latest of today's validations: a page of the history, as long as a page may be.
            let validations = try await store.validations(at: place, since: today.start, PageRequest(limit: PageRequest.maximumLimit))
            let name = try await store.placeName(place) ?? ""
            let state = try await store.placeState(place)
            let services = try await store.services(of: place, activeOnly: true)
            let totals = try await store.validationTotals(at: place, since: today.start)
            return Model(
                name: name, state: state, services: services.map { Service(id: $0.id, title: $0.title, category: $0.category) },
                validationsToday: validations.rows.map(Validation.init), todayCount: totals.count, todayTotal: totals.total)
        }
    }
}
