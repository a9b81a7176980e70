import PassnumDomain
import PassnumPersistence

/// Monthly payouts: what a month's run would pay, the SEPA files and their batches, the runs already made.
enum OperatorPayoutsPage {
    struct PreviewLine: Sendable, Equatable {
        var place: NamedRow<PlaceTag>
        var checks: Int
        var amount: Money
        /// What the run would transfer once it takes what the place owes (the same rule as the run).
        var net: Money
        var hasBankDetails: Bool
    }

    struct Model: Sendable, Equatable {
        var month: Month
        /// A page of the preview, by place name.
        var preview: [PreviewLine]
        var position: PagePosition = .single
        /// What the run would transfer to every place (not only this page's).
        var total: Money
        var runs: [PayoutRunResult]
        var batches: [PayoutBatch]

        /// Whether this month's run was already made.
        var done: Bool { runs.contains { $0.month == month } }

        /// The page for `month`, by default the last month. Runs and batches are not paged: one each a month.
        static func query(store: Store, month: Month?, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let month = month ?? CivilDate(store.clock.now).calendarMonth.previous
            let preview = try await store.payoutPreview(for: month, asked.page)
            let totals = try await store.payoutPreviewTotals(for: month)
            let runs = try await store.payoutRuns()
            let batches = try await store.payoutBatches()
            return Model(
                month: month,
                preview: preview.rows.map { row in
                    PreviewLine(place: row.place, checks: row.checks, amount: row.amount,
                                net: Deductions.take([(id: 0, remaining: row.owed)], from: row.amount).net, hasBankDetails: row.hasBankDetails)
                },
                position: PagePosition(preview, asked), total: totals.net, runs: runs, batches: batches)
        }
    }
}
