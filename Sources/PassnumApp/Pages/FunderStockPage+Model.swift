import PassnumDomain
import PassnumPersistence

/// A funder's stock of booklets by programme, what each prescriber holds (a page at a time), and the allocation form.
enum FunderStockPage {
    struct Holding: Sendable, Equatable {
        var programmeName: String
        var prescriber: NamedRow<PrescriberTag>
        var booklets: Int
        var quota: Int?
    }

    struct Line: Sendable, Equatable {
        var programme: ProgrammeID
        var programmeName: String
        var inStock: Int
    }

    struct Model: Sendable, Equatable {
        var stock: [Line]
        var holdings: [Holding]
        var position: PagePosition = .single
        /// Every prescriber, to allocate to.
        var prescribers: [NamedRow<PrescriberTag>]

        static func query(store: Store, funder: FunderID, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let stock = try await store.stock(of: funder)
            let holdings = try await store.holdings(of: funder, asked.page)
            let prescribers = try await store.prescribers()
            let names = Dictionary(stock.map { ($0.programme, $0.programmeName) }, uniquingKeysWith: { first, _ in first })
            return Model(
                stock: stock.map { Line(programme: $0.programme, programmeName: $0.programmeName, inStock: $0.inStock) },
                holdings: holdings.rows.map {
                    Holding(programmeName: names[$0.programme] ?? "", prescriber: $0.prescriber, booklets: $0.booklets, quota: $0.quota)
                },
                position: PagePosition(holdings, asked),
                prescribers: prescribers)
        }
    }
}
