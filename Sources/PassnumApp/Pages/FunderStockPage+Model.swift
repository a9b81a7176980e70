import PassnumDomain
import PassnumPersistence

/// A funder's stock of booklets by programme, what each prescriber holds, and the allocation form.
enum FunderStockPage {
    struct Holding: Sendable, Equatable {
        var prescriber: String
        var booklets: Int
        var quota: Int?
    }

    struct Line: Sendable, Equatable {
        var programme: ProgrammeID
        var programmeName: String
        var inStock: Int
        var byPrescriber: [Holding]
    }

    struct Model: Sendable, Equatable {
        var stock: [Line]
        /// Every prescriber, to allocate to.
        var prescribers: [NamedRow<PrescriberTag>]

        static func query(store: Store, funder: FunderID) async throws -> Model {
            let stock = try await store.stock(of: funder)
            let prescribers = try await store.prescribers()
            return Model(
                stock: stock.map { row in
                    Line(programme: row.programme, programmeName: row.programmeName, inStock: row.inStock,
                         byPrescriber: row.byPrescriber.map { Holding(prescriber: $0.prescriber.name, booklets: $0.booklets, quota: $0.quota) })
                },
                prescribers: prescribers)
        }
    }
}
