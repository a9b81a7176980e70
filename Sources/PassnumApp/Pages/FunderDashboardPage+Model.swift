import PassnumDomain
import PassnumPersistence

/// A funder's dashboard: booklets and checks, by month, by co-funder, prescriber, place and service.
enum FunderDashboardPage {
    struct MonthLine: Sendable, Equatable {
        var month: Month
        var checks: Int
        var amount: Money
    }

    struct Model: Sendable, Equatable {
        var funderName: String
        var alerts: [ExpiryAlert]
        var bookletsIssued: Int
        var bookletsHandedOut: Int
        var bookletsNotHandedOut: Int
        var bookletsStarted: Int
        var checksValidated: Int
        var amountValidated: Money
        var usagePerMille: Int
        var byMonth: [MonthLine]
        var byShare: [FunderDashboard.Line]
        var byPrescriber: [FunderDashboard.Line]
        var byPlace: [FunderDashboard.Line]
        var byCategory: [FunderDashboard.Line]
        /// The month under way, marked "en cours" in the chart and its table.
        var thisMonth: Month? = nil

        static func query(store: Store, funder: FunderID) async throws -> Model {
            let programmes = try await store.programmes(of: funder).map(\.programme)
            // The chart starts at the first programme's start (12 months for a funder without one), at most ten years back.
            let thisMonth = CivilDate(store.clock.now).calendarMonth
            let start = min(programmes.map(\.terms.validFrom.calendarMonth).min() ?? thisMonth, thisMonth)
            let months = programmes.isEmpty ? 12 : min(FunderReportPage.Filter.count(from: start, to: thisMonth), Store.reportMonths)
            let board = try await store.dashboard(of: funder, months: months)
            let name = try await store.name(ofFunder: funder) ?? ""
            return Model(
                funderName: name, alerts: ExpiryAlert.ending(programmes, today: CivilDate(store.clock.now)),
                bookletsIssued: board.bookletsIssued, bookletsHandedOut: board.bookletsHandedOut,
                bookletsNotHandedOut: board.bookletsNotHandedOut, bookletsStarted: board.bookletsStarted,
                checksValidated: board.checksValidated, amountValidated: board.amountValidated, usagePerMille: board.usagePerMille,
                byMonth: board.byMonth.map { MonthLine(month: $0.month, checks: $0.checks, amount: $0.amount) },
                byShare: board.byShare, byPrescriber: board.byPrescriber, byPlace: board.byPlace, byCategory: board.byCategory,
                thisMonth: thisMonth)
        }
    }
}
