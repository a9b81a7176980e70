import PassnumDomain
import PassnumPersistence

/// A funder's co-funding statement for one programme and period: what it shows the State and its co-funders, as a
/// printable page and the same figures as CSV (`csvRows`).
enum CoFundingStatementPage {
    struct Choice: Sendable, Equatable {
        var id: ProgrammeID
        var name: String
    }

    struct Model: Sendable, Equatable {
        /// The funder's programmes, for the selector (a funder runs a few: the list is not paged).
        var programmes: [Choice]
        var programme: ProgrammeID?
        /// The period as typed, shown back in its field.
        var periodText: String
        /// Nil when the period or the programme was refused (the form shows why).
        var statement: Statement?

        /// `programme` nil: the funder's newest programme. Five statements, six with a statement.
        static func query(store: Store, funder: FunderID, programme: ProgrammeID?, period: StatementPeriod?, periodText: String) async throws -> Model {
            let programmes = try await store.programmes(of: funder).map { Choice(id: $0.programme.id, name: $0.programme.terms.name) }
            let chosen = programme ?? programmes.first?.id
            var model = Model(programmes: programmes, programme: chosen, periodText: periodText)
            if let chosen, let period {
                model.statement = try await CoFundingStatementPage.statement(store: store, programme: chosen, period: period, funder: funder)
            }
            return model
        }
    }

    struct Statement: Sendable, Equatable {
        var period: StatementPeriod
        var line: CoFundingLine
        var seal: JournalSeal
    }

    /// One programme's statement with its seal, nil when the programme is not the funder's (`funder` nil: the operator).
    static func statement(store: Store, programme: ProgrammeID, period: StatementPeriod, funder: FunderID?) async throws -> Statement? {
        guard let line = try await store.coFundingStatement(programme: programme, period: period, funder: funder) else { return nil }
        return Statement(period: period, line: line, seal: try await store.journalSeal(endingOn: period.lastDay))
    }

    /// The CSV's rows: the page's figures, money in cents (exact, for software) and in euros (for people).
    static func csvRows(_ statement: Statement) -> [[String]] {
        let line = statement.line
        var rows: [[String]] = [["Rubrique", "Libellé", "Chèques", "Montant (centimes)", "Montant (euros)"]]
        rows.append(["Financeur", line.funderName, "", "", ""])
        rows.append(["Programme", line.programmeName, "", "", ""])
        rows.append(["Période", statement.period.description, "", "", ""])
        rows.append(["Valeur d’un chèque", "", "", String(line.faceValue.cents), line.faceValue.plainDecimal])
        for (label, checks, value) in figures(line) {
            rows.append(["Chèques", label, String(checks), String(value.cents), value.plainDecimal])
        }
        for part in line.parts {
            rows.append(["Cofinanceur", "\(part.cofunder) (\(French.percent(basisPoints: part.basisPoints)))", "", String(part.amount.cents),
                         part.amount.plainDecimal])
        }
        for part in line.publics {
            rows.append(["Remis par public", French.targetPublic(part.targetPublic), String(part.handedOut), String(part.handedOutValue.cents),
                         part.handedOutValue.plainDecimal])
        }
        for part in line.publics {
            rows.append(["Utilisés par public", "\(French.targetPublic(part.targetPublic)) (\(French.percent(basisPoints: part.usedBasisPoints)))",
                         String(part.used), String(part.usedValue.cents), part.usedValue.plainDecimal])
        }
        rows.append(["Empreinte du journal", statement.seal.hash, "", "", ""])
        return rows
    }

    /// The three counts of the period, in the order the page and the CSV show them.
    static func figures(_ line: CoFundingLine) -> [(label: String, checks: Int64, value: Money)] {
        [("Achetés (émis)", line.issued, line.issuedValue), ("Remis", line.handedOut, line.handedOutValue),
         ("Utilisés", line.used, line.usedValue)]
    }

    /// "Demandeurs d’emploi : 312 chèques utilisés sur 600, 52 %": a public's part of the used checks, in words.
    static func publicSentence(_ part: CoFundingLine.PublicPart, of line: CoFundingLine) -> String {
        "\(French.targetPublic(part.targetPublic)) : \(French.plural(Int(part.used), "chèque utilisé", "chèques utilisés")) sur \(line.used), "
            + French.percent(basisPoints: part.usedBasisPoints)
    }

    /// The one line that sums the statement up and ties it to the journal (its hash follows): a later rewrite of the
    /// journal would contradict a statement already in the State's hands.
    static func summary(_ statement: Statement) -> String {
        let line = statement.line
        return "\(line.funderName), \(line.programmeName), \(French.period(statement.period)) : \(line.issued) chèques achetés, "
            + "\(line.handedOut) remis, \(line.used) utilisés pour \(money(line.usedValue)). \(French.seal(statement.seal)) : "
    }
}

extension French {
    /// "octobre 2026", "4e trimestre 2026", "année 2026".
    static func period(_ period: StatementPeriod) -> String {
        switch period {
        case .month(let month): self.month(month)
        case let .quarter(year, quarter): "\(quarter == 1 ? "1er" : "\(quarter)e") trimestre \(year)"
        case .year(let year): "année \(year)"
        }
    }

    /// What signs a statement, before its hash.
    static func seal(_ seal: JournalSeal) -> String {
        seal.day.map { "Empreinte du journal au \(date($0))" } ?? "Empreinte actuelle du journal"
    }

    /// "50 %", "33,33 %".
    static func percent(basisPoints: Int) -> String {
        basisPoints % 100 == 0 ? "\(basisPoints / 100) %" : "\(basisPoints / 100),\(String(format: "%02d", basisPoints % 100)) %"
    }

    static let periodHint = "2026-10 pour un mois, 2026-T4 pour un trimestre, 2026 pour une année."
    static let periodError = "Indiquez une période entre \(CivilDate.years.lowerBound) et \(CivilDate.years.upperBound) : " + periodHint
}
