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

    /// The query parameters of the funders' and the programmes' cursors (two lists on one page).
    static let funderParameter = "financeurs"
    static let programmeParameter = "programmes"

    struct Model: Sendable, Equatable {
        /// A page of the funders, by name, and one of the programmes, newest first.
        var funders: [String]
        var programmes: [ProgrammeLine]
        var places: [PlaceLine]
        /// More places than the first page shown here: the list of places pages through them.
        var morePlaces = false
        var funderPages = PagePosition(parameter: OperatorHomePage.funderParameter)
        var programmePages = PagePosition(parameter: OperatorHomePage.programmeParameter)
        /// Paid to places over the last 12 months, against the limited-network threshold.
        var paymentsOverTwelveMonths = Money.zero

        static func query(store: Store, funderPage: ListingPageQuery = ListingPageQuery(parameter: OperatorHomePage.funderParameter),
                          programmePage: ListingPageQuery = ListingPageQuery(parameter: OperatorHomePage.programmeParameter)) async throws -> Model {
            let funders = try await store.funders(funderPage.page)
            let places = try await store.places()
            let programmes = try await store.programmes(programmePage.page)
            let payments = try await store.paymentsOverTwelveMonths()
            return Model(
                funders: funders.rows.map(\.name),
                programmes: programmes.rows.map { line in
                    let row = line.programme
                    return ProgrammeLine(name: row.programme.terms.name, funderName: line.funderName,
                                  validFrom: row.programme.terms.validFrom, validUntil: row.programme.terms.validUntil,
                                  orders: row.orders, expired: row.programme.expired)
                },
                places: places.rows.map(PlaceLine.init), morePlaces: places.next != nil,
                funderPages: PagePosition(funders, funderPage), programmePages: PagePosition(programmes, programmePage),
                paymentsOverTwelveMonths: payments)
        }
    }
}

extension OperatorHomePage.PlaceLine {
    init(_ row: PlaceRow) {
        self.init(id: row.id, name: row.name, postcode: row.postcode, state: row.state, reason: row.reason)
    }
}
