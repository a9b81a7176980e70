import PassnumDomain
import PassnumPersistence

/// `/statistiques`, public: the use of the checks by month, for the whole country or one département, read from the
/// maintained counters (Reporting/UsageStatistics.swift), with the journal's last published witnesses.
enum StatisticsPage {
    /// The years one may choose: from the platform's first to this one.
    static let firstYear = 2020

    struct Model: Sendable, Equatable {
        struct Row: Sendable, Equatable {
            var month: Month
            var figures: PublishedUsage
        }

        /// As typed (shown back in the form).
        var departementText: String
        var yearText: String
        /// The filter's problems, in French, by field ("departement", "annee").
        var errors: [String: String]
        var departement: DepartementCode?
        var year: Int?
        var thisYear: Int
        /// One row per month of the period, oldest first.
        var rows: [Row]
        /// The last 30 witnesses, newest first.
        var witnesses: [PublishedWitness]

        /// The figures of the chosen scope by month; two statements for the figures, one for the witnesses.
        static func query(store: Store, departement: String?, year: String?, today: CivilDate) async throws -> Model {
            var errors: [String: String] = [:]
            let departementText = String((departement ?? "").trimmingCharacters(in: .whitespaces).prefix(10))
            let yearText = String((year ?? "").trimmingCharacters(in: .whitespaces).prefix(10))
            var chosen: DepartementCode?
            if !departementText.isEmpty {
                chosen = DepartementCode(departementText)
                if chosen == nil { errors["departement"] = "Ce département n’existe pas. Écrivez son numéro, par exemple 59, 2A ou 974." }
            }
            var chosenYear: Int?
            if !yearText.isEmpty {
                if let value = Int(yearText), (firstYear...today.year).contains(value) {
                    chosenYear = value
                } else {
                    errors["annee"] = "Choisissez une année entre \(firstYear) et \(today.year)."
                }
            }
            let thisMonth = today.calendarMonth
            let months: [Month]
            if let chosenYear {
                months = StatementPeriod.year(chosenYear).months.filter { $0 <= thisMonth }
            } else {
                months = (0..<11).reduce(into: [thisMonth]) { list, _ in list.insert(list[0].previous, at: 0) }
            }
            let found = try await store.usageStatistics(months: (months.first ?? thisMonth)...(months.last ?? thisMonth), departement: chosen)
            let cells = Dictionary(grouping: found, by: \.month)
            let rows = months.map { month in
                let figures = cells[month] ?? []
                return Row(month: month, figures: chosen == nil
                    ? StatisticalSecrecy.publishTotal(of: figures.map(\.figures))
                    : StatisticalSecrecy.publish(figures.first?.figures ?? UsageFigures()))
            }
            return Model(departementText: departementText, yearText: yearText, errors: errors, departement: chosen, year: chosenYear,
                         thisYear: today.year, rows: rows, witnesses: try await store.witnesses(limit: 30))
        }
    }
}
