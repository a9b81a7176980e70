import PassnumDomain
import PassnumPersistence

/// The operator's home: funders, every programme, places and their qualification.
enum OperatorHomePage {
    struct ProgrammeLine: Sendable, Equatable {
        var name: String
        var funderName: String
        var validFrom: CivilDate
        var validUntil: CivilDate
        var orders: Int
        var expired: Bool
    }

    struct PlaceLine: Sendable, Equatable {
        var id: PlaceID
        var name: String
        var postcode: String
        var state: PlaceState
        var reason: String?
    }

    struct Model: Sendable, Equatable {
        var funders: [String]
        var programmes: [ProgrammeLine]
        var places: [PlaceLine]
        /// More places than the first page shown here: the list of places pages through them.
        var morePlaces = false

        static func query(store: Store) async throws -> Model {
            let funders = try await store.funders()
            let places = try await store.places()
            let programmes = try await store.programmes(of: nil)
            let funderNames = Dictionary(uniqueKeysWithValues: funders.map { ($0.id, $0.name) })
            return Model(
                funders: funders.map(\.name),
                programmes: programmes.map { row in
                    ProgrammeLine(name: row.programme.terms.name, funderName: funderNames[row.programme.funder] ?? "",
                                  validFrom: row.programme.terms.validFrom, validUntil: row.programme.terms.validUntil,
                                  orders: row.orders, expired: row.programme.expired)
                },
                places: places.rows.map(PlaceLine.init), morePlaces: places.next != nil)
        }
    }
}

extension OperatorHomePage.PlaceLine {
    init(_ row: PlaceRow) {
        self.init(id: row.id, name: row.name, postcode: row.postcode, state: row.state, reason: row.reason)
    }
}
