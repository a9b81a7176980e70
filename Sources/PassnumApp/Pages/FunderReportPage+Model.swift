import PassnumDomain
import PassnumPersistence

/// `/financeur/rapport`: a funder's printable report for elected officials, for a period and one or all of its
/// programmes: checks handed out and used, people reached for the first time (by commune, age and diagnostic level,
/// small counts hidden) and the chart by month. Read from maintained counters (Reporting/PeopleReached.swift).
enum FunderReportPage {
    /// A breakdown's line as published: `people` nil when hidden by statistical secrecy (1 to 4, or a count that would
    /// give one back from the total: the page does not say which).
    struct Line: Sendable, Equatable {
        var label: String
        var people: Int64?
    }

    /// The commune breakdown lists at most this many communes, the largest; the others are summed on one line.
    static let communesListed = 30

    struct Model: Sendable, Equatable {
        /// As typed (shown back in the form).
        var programmeText: String
        var fromText: String
        var toText: String
        /// The filter's problems, in French, by field ("programme", "du", "au"); the figures are not shown then.
        var errors: [String: String]
        var report: FunderReport
        var thisMonth: Month
        /// People reached in the period, nil when under 5.
        var people: Int64?
        var byCommune: [Line]
        var byAge: [Line]
        var byLevel: [Line]

        /// Five statements (seven when the programme asked for is not the funder's), whatever the period, programmes,
        /// communes or people.
        static func query(store: Store, funder: FunderID, programme: String?, from: String?, to: String?) async throws -> Model {
            let thisMonth = CivilDate(store.clock.now).calendarMonth
            let filter = Filter(programme: programme, from: from, to: to, thisMonth: thisMonth)
            var errors = filter.errors
            var report = try await store.funderReport(of: funder, programme: filter.programme, from: filter.from, to: filter.to)
            if report == nil {
                errors["programme"] = Filter.programmeError
                report = try await store.funderReport(of: funder, from: filter.from, to: filter.to)
            }
            guard let report else { throw DomainError.notFound("funder \(funder)") }
            return Model(programmeText: filter.programmeText, fromText: filter.fromText, toText: filter.toText, errors: errors, report: report,
                         thisMonth: thisMonth, people: StatisticalSecrecy.isSecret(report.people) ? nil : report.people,
                         byCommune: published(communes(report)),
                         byAge: published(AgeBracket.allCases.compactMap { bracket in
                             report.byAge.first { $0.key == bracket }.map { (French.ageBracket(bracket), $0.people) }
                         }),
                         byLevel: published(report.byLevel.map { (Int($0.key).map(French.level) ?? "Pas de diagnostic", $0.people) }))
        }

        /// The communes by name (their code when the platform does not know it, and after the name when two listed
        /// communes share it): the `communesListed` with the most people, by name, then "Autres communes" with the sum
        /// of the others.
        static func communes(_ report: FunderReport) -> [(label: String, people: Int64)] {
            let all = report.byCommune.sorted { ($1.people, $0.key) < ($0.people, $1.key) }
            let top = all.prefix(FunderReportPage.communesListed)
            var named: [String: Int] = [:]
            for count in top { if let name = report.communeNames[count.key] { named[name, default: 0] += 1 } }
            let listed = top.map { count in
                let name = report.communeNames[count.key]
                let label = count.key.isEmpty ? "Commune non renseignée"
                    : French.commune(code: count.key, name: name) + ((name.flatMap { named[$0] } ?? 0) > 1 ? " (\(count.key))" : "")
                return (label: label, people: count.people)
            }.sorted { (Self.sortKey($0.label), $0.label) < (Self.sortKey($1.label), $1.label) }
            let others = all.dropFirst(FunderReportPage.communesListed).reduce(Int64(0)) { $0 + $1.people }
            return listed + (all.count > FunderReportPage.communesListed ? [(label: "Autres communes", people: others)] : [])
        }

        /// A name as it sorts: accents and case aside.
        static func sortKey(_ name: String) -> String {
            name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        }

        /// A breakdown with its small cells hidden, and those that would give them back from the total (`StatisticalSecrecy.suppress`).
        static func published(_ cells: [(label: String, people: Int64)]) -> [Line] {
            zip(cells, StatisticalSecrecy.suppress(cells.map(\.people))).map { cell, shown in Line(label: cell.label, people: shown) }
        }
    }

    /// The filter as the query gives it: texts bounded, months read within the calendar's years, a period of at most
    /// `Store.reportMonths` months that does not end after this month.
    struct Filter: Sendable, Equatable {
        static let programmeError = "Choisissez un de vos programmes."

        var programmeText = "", fromText = "", toText = ""
        var programme: ProgrammeID?
        var from: Month?
        var to: Month?
        var errors: [String: String] = [:]

        init(programme: String?, from: String?, to: String?, thisMonth: Month) {
            func bounded(_ text: String?) -> String { String((text ?? "").trimmingCharacters(in: .whitespaces).prefix(20)) }
            programmeText = bounded(programme)
            fromText = bounded(from)
            toText = bounded(to)
            if !programmeText.isEmpty {
                self.programme = ProgrammeID(text: programmeText)
                if self.programme == nil { errors["programme"] = Self.programmeError }
            }
            func month(_ text: String, _ name: String) -> Month? {
                guard !text.isEmpty else { return nil }
                guard let month = Month(text), month <= thisMonth else {
                    errors[name] = "Écrivez un mois passé ou le mois en cours, comme \(thisMonth)."
                    return nil
                }
                return month
            }
            self.from = month(fromText, "du")
            self.to = month(toText, "au")
            let end = self.to ?? thisMonth
            if let start = self.from, start > end {
                errors["au"] = "Le dernier mois doit venir après le premier."
            } else if let start = self.from, Self.count(from: start, to: end) > Store.reportMonths {
                errors["du"] = "Choisissez une période de \(Store.reportMonths / 12) ans au plus."
            }
            if !errors.isEmpty { (self.programme, self.from, self.to) = (nil, nil, nil) }
        }

        /// How many months from `start` to `end`, both included.
        static func count(from start: Month, to end: Month) -> Int { (end.year - start.year) * 12 + end.month - start.month + 1 }
    }
}

extension French {
    /// "moins de 25 ans", "65 ans et plus", "âge non renseigné".
    static func ageBracket(_ bracket: AgeBracket) -> String {
        switch bracket {
        case .under25: "moins de 25 ans"
        case .from25To44: "25 à 44 ans"
        case .from45To64: "45 à 64 ans"
        case .from65: "65 ans et plus"
        case .unknown: "âge non renseigné"
        }
    }
}
