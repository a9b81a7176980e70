import PassnumDomain
import PassnumPersistence

/// The co-funding statements of every funder for one period: one row per programme, paged.
enum OperatorCoFundingPage {
    struct Model: Sendable, Equatable {
        var periodText: String
        var period: StatementPeriod?
        var lines: [CoFundingLine]
        var position: PagePosition
        var seal: JournalSeal?

        /// Nothing is read for a refused period. Five statements: the page, its programmes' terms and shares, their
        /// counts, the seal.
        static func query(store: Store, period: StatementPeriod?, periodText: String, page: ListingPageQuery) async throws -> Model {
            guard let period else { return Model(periodText: periodText, period: nil, lines: [], position: .single, seal: nil) }
            let lines = try await store.coFundingStatements(period: period, funder: nil, page.page)
            return Model(periodText: periodText, period: period, lines: lines.rows, position: PagePosition(lines, page),
                         seal: try await store.journalSeal(endingOn: period.lastDay))
        }
    }
}
