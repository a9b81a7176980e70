import PassnumDomain
import PassnumPersistence

/// The public home page: the platform's numbers of the day.
enum PublicHomePage {
    struct Model: Sendable, Equatable {
        var places: Int
        var beneficiaries: Int
        var checksUsed: Int
        var paidOut: Money

        static func query(store: Store) async throws -> Model {
            let overview = try await store.overview()
            return Model(places: overview.places, beneficiaries: overview.beneficiaries,
                         checksUsed: (overview.checksByState[.redeemed] ?? 0) + (overview.checksByState[.paid] ?? 0),
                         paidOut: overview.paidOut)
        }
    }
}
