import Foundation
import PassnumDomain
import SQLKit

public struct HeldBackPayout: Sendable, Equatable {
    public let place: PlaceID
    public let name: String
    public let checks: Int
    public let amount: Money
    public let reason: String
}

public struct PayoutRunResult: Sendable, Equatable {
    public let month: Month
    /// True when this run paid at least one place; a run that finds nothing to pay changes nothing.
    public let ran: Bool
    /// All payouts of the month so far.
    public let payouts: Int
    public let checks: Int
    public let total: Money
    /// Places with checks to pay that this run could not pay, and why.
    public var heldBack: [HeldBackPayout] = []
    /// Files this run wrote, relative to the data directory (SEPA file and statements).
    public var files: [String] = []
}

/// The operator's own account, the debtor of the SEPA files.
public struct OperatorAccount: Sendable, Equatable {
    public var account: SEPACreditTransfer.Account

    /// From PASSNUM_OPERATOR_NAME, PASSNUM_OPERATOR_IBAN and PASSNUM_OPERATOR_BIC; the defaults are a demo account.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> OperatorAccount {
        OperatorAccount(account: .init(
            name: environment["PASSNUM_OPERATOR_NAME"] ?? "Operateur Pass numerique",
            iban: environment["PASSNUM_OPERATOR_IBAN"] ?? "FR7630006000011234567890189",
            bic: environment["PASSNUM_OPERATOR_BIC"] ?? "AGRIFRPP"))
    }
}

extension Store {
    /// Pays every place for its checks redeemed during `month` and not yet paid: one payout per place, its
    /// checks marked paid, one journal entry each. Places without verified bank details are held back with
    /// the reason, never skipped silently; their checks stay to pay. Running a month again pays only what was
    /// held back and has become payable. The SEPA file and the statements are written under
    /// `payouts/YYYY-MM/` in the data directory.
    public func runPayouts(for month: Month, actor: Actor = .system) async throws -> PayoutRunResult {
        let now = clock.now
        guard month.next.firstDay <= CivilDate(now) else { throw DomainError.monthNotOver(month) }
        let (start, end) = month.interval
        var run = try await transaction { tx in
            // The month's row is a lock: concurrent runs of one month take turns.
            try await tx.sql.raw("""
                INSERT INTO payout_runs (period, ran_at, payouts, checks, total_cents) VALUES (\(bind: month.description), \(bind: now.millis), 0, 0, 0)
                ON CONFLICT (period) DO NOTHING
                """).run()
            _ = try await tx.sql.raw("SELECT period FROM payout_runs WHERE period = \(bind: month.description)" + SQLQueryString(tx.forUpdate)).all()

            let due = try await tx.sql.raw("""
                SELECT c.place_id, pl.name, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN places pl ON pl.id = c.place_id
                WHERE c.state = 'redeemed' AND c.redeemed_at >= \(bind: start.millis) AND c.redeemed_at < \(bind: end.millis)
                GROUP BY c.place_id, pl.name ORDER BY c.place_id
                """).all().map {
                (place: PlaceID(try $0.int("place_id")), name: try $0.string("name"), checks: try $0.int("checks"), amount: Money(cents: try $0.int("amount")))
            }
            var paid: [Int64] = []
            var held: [HeldBackPayout] = []
            for payout in due {
                guard try await tx.bankDetails(of: payout.place) != nil else {
                    held.append(HeldBackPayout(place: payout.place, name: payout.name, checks: Int(payout.checks), amount: payout.amount,
                                               reason: "no verified bank details"))
                    continue
                }
                let id = try await tx.insertReturningID("""
                    INSERT INTO payouts (place_id, period, checks, amount_cents, created_at)
                    VALUES (\(bind: payout.place.rawValue), \(bind: month.description), \(bind: payout.checks), \(bind: payout.amount.cents), \(bind: now.millis))
                    """)
                let moved = try await tx.sql.raw("""
                    UPDATE checks SET state = 'paid', payout_id = \(bind: id)
                    WHERE place_id = \(bind: payout.place.rawValue) AND state = 'redeemed'
                      AND redeemed_at >= \(bind: start.millis) AND redeemed_at < \(bind: end.millis)
                    RETURNING id
                    """).all()
                guard Int64(moved.count) == payout.checks else {
                    throw DomainError.invalid(field: "payout", reason: "checks of place \(payout.place) changed during the run")
                }
                try await tx.post(
                    try .transfer(.payout, reference: Self.payoutReference(id: id, month: month), amount: payout.amount,
                                  from: .placePayable(payout.place), to: .bank),
                    actor: actor, at: now)
                paid.append(id)
            }
            guard let totals = try await tx.sql.raw("""
                SELECT CAST(COUNT(*) AS BIGINT) AS payouts, CAST(COALESCE(SUM(checks), 0) AS BIGINT) AS checks,
                  CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) AS total FROM payouts WHERE period = \(bind: month.description)
                """).first() else { throw DomainError.notFound("payouts of \(month)") }
            try await tx.sql.raw("""
                UPDATE payout_runs SET payouts = \(bind: try totals.int("payouts")), checks = \(bind: try totals.int("checks")),
                  total_cents = \(bind: try totals.int("total")) WHERE period = \(bind: month.description)
                """).run()
            return (result: PayoutRunResult(month: month, ran: !paid.isEmpty, payouts: Int(try totals.int("payouts")),
                                            checks: Int(try totals.int("checks")), total: Money(cents: try totals.int("total")), heldBack: held),
                    paid: paid)
        }
        if !run.paid.isEmpty {
            run.result.files = try await writePayoutFiles(for: month, payouts: run.paid, createdAt: now)
        }
        return run.result
    }

    /// "PN-2026-03-12": the payout's reference, the SEPA EndToEndId the place finds on its bank statement.
    static func payoutReference(id: Int64, month: Month) -> String { "PN-\(month)-\(id)" }

    /// A SEPA credit transfer document for some payouts of a month (those of one run: a file is handed to the
    /// bank once, so a later run's file never repeats an earlier transfer), one transaction each.
    public func sepaDocument(for month: Month, payouts: [Int64], createdAt: Date) async throws -> String? {
        guard !payouts.isEmpty else { return nil }
        let rows = try await read { tx in
            try await tx.sql.raw("""
                SELECT po.id, po.place_id, po.checks, po.amount_cents, pl.name FROM payouts po JOIN places pl ON pl.id = po.place_id
                WHERE po.period = \(bind: month.description) AND po.id IN (\(binds: payouts.binds)) ORDER BY po.id
                """).all().asyncMap { row in
                (id: try row.int("id"), checks: try row.int("checks"), amount: Money(cents: try row.int("amount_cents")),
                 name: try row.string("name"), bank: try await tx.bankDetails(of: PlaceID(try row.int("place_id"))))
            }
        }
        guard !rows.isEmpty else { return nil }
        let monthName = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre"][month.month - 1]
        let transfers = rows.compactMap { row -> SEPACreditTransfer.Transfer? in
            guard let bank = row.bank else { return nil }
            return SEPACreditTransfer.Transfer(
                endToEndID: Self.payoutReference(id: row.id, month: month), amount: row.amount,
                creditor: .init(name: bank.holder, iban: bank.iban, bic: bank.bic),
                remittance: "Pass numerique \(monthName) \(month.year) - \(row.checks) cheque\(row.checks > 1 ? "s" : "")")
        }
        // The message identifier must be unique per file for the bank: a file's payouts are never in another file,
        // so its first payout names it.
        return SEPACreditTransfer.document(messageID: "PN-\(month)-\(payouts.min()!)", createdAt: createdAt, executionDate: CivilDate(createdAt).adding(days: 1),
                                           debtor: configuration.operatorAccount.account, transfers: transfers)
    }

    /// A place's statement for one payout: every check paid, with totals by funder. CSV for spreadsheets.
    public func statement(payout: Int64, place: PlaceID) async throws -> (period: String, lines: [StatementLine])? {
        try await read { tx in
            guard let period = try await tx.sql.raw("""
                SELECT period FROM payouts WHERE id = \(bind: payout) AND place_id = \(bind: place.rawValue)
                """).first(decodingColumn: "period", as: String.self) else { return nil }
            let lines = try await tx.sql.raw("""
                SELECT c.id, c.redeemed_at, r.category, f.name AS funder, p.face_value_cents
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN funders f ON f.id = p.funder_id
                LEFT JOIN redemptions r ON r.check_id = c.id AND r.undone_at IS NULL
                WHERE c.payout_id = \(bind: payout) ORDER BY c.redeemed_at, c.id
                """).all().compactMap { row -> StatementLine? in
                guard let serial = CheckSerial(number: try row.int("id")) else { return nil }
                return StatementLine(serial: serial, redeemedAt: Date(millis: try row.optionalInt("redeemed_at") ?? 0),
                                     category: try row.optionalString("category").flatMap(ServiceCategory.init(code:)),
                                     funder: try row.string("funder"), amount: Money(cents: try row.int("face_value_cents")))
            }
            return (period, lines)
        }
    }

    /// Writes the run's SEPA file and each new payout's statement under `payouts/YYYY-MM/`.
    func writePayoutFiles(for month: Month, payouts ids: [Int64], createdAt: Date) async throws -> [String] {
        let folder = "payouts/\(month)"
        let directory = configuration.dataDirectory.appendingPathComponent(folder)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [String] = []
        if let document = try await sepaDocument(for: month, payouts: ids, createdAt: createdAt) {
            let name = "\(folder)/sepa-\(String(format: "%012lld", ids.min()!)).xml"
            try Data(document.utf8).write(to: configuration.dataDirectory.appendingPathComponent(name), options: .atomic)
            written.append(name)
        }
        let payouts = try await read { tx in
            try await tx.sql.raw("SELECT id, place_id FROM payouts WHERE id IN (\(binds: ids.binds)) ORDER BY id").all()
                .map { (id: try $0.int("id"), place: PlaceID(try $0.int("place_id"))) }
        }
        for payout in payouts {
            let name = "\(folder)/releve-lieu-\(payout.place)-\(payout.id).csv"
            let url = configuration.dataDirectory.appendingPathComponent(name)
            guard !FileManager.default.fileExists(atPath: url.path),
                  let statement = try await statement(payout: payout.id, place: payout.place) else { continue }
            try Data(StatementLine.csv(statement.lines).utf8).write(to: url, options: .atomic)
            written.append(name)
        }
        return written
    }

    /// The SEPA files written for a month, oldest first (names relative to the data directory).
    public func sepaFiles(for month: Month) -> [String] {
        let folder = configuration.dataDirectory.appendingPathComponent("payouts/\(month)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasPrefix("sepa-") && $0.hasSuffix(".xml") }.sorted().map { "payouts/\(month)/\($0)" }
    }

    /// Records bank details the operator checked, so that held-back payouts can go out.
    public func recordBankDetails(_ bank: ApplicationData.Bank, place: PlaceID, actor: Actor) async throws {
        guard case .success(let iban) = IBAN.check(bank.iban), let bic = BIC.check(bank.bic) else {
            throw DomainError.invalid(field: "bank", reason: "the IBAN or BIC is not valid")
        }
        let holder = try requiredText(bank.holder, field: "holder")
        let json = String(decoding: try JSONEncoder.sorted.encode(ApplicationData.Bank(holder: holder, iban: iban, bic: bic)), as: UTF8.self)
        let now = clock.now
        try await transaction { tx in
            _ = try await tx.placeState(place, lock: true)
            try await tx.sql.raw("DELETE FROM place_steps WHERE place_id = \(bind: place.rawValue) AND step = 'bank'").run()
            try await tx.sql.raw("""
                INSERT INTO place_steps (place_id, step, data, submitted_at) VALUES (\(bind: place.rawValue), 'bank', \(bind: json), \(bind: now.millis))
                """).run()
            try await tx.post(.event(.placeDecision, reference: "place:\(place):bank-details", reason: "bank details recorded"), actor: actor, at: now)
        }
    }
}

/// One check on a place's statement.
public struct StatementLine: Sendable {
    public let serial: CheckSerial
    public let redeemedAt: Date
    public let category: ServiceCategory?
    public let funder: String
    public let amount: Money

    /// Every check, then totals by funder and overall, as French CSV.
    public static func csv(_ lines: [StatementLine]) -> String {
        var rows = [["Numéro du chèque", "Date", "Service", "Financeur", "Montant (€)"]]
        rows += lines.map { [$0.serial.grouped, CivilDate($0.redeemedAt).description, $0.category?.rawValue ?? "", $0.funder, $0.amount.plainDecimal] }
        var byFunder: [String: Money] = [:]
        for line in lines { byFunder[line.funder, default: .zero] += line.amount }
        rows += byFunder.keys.sorted().map { ["Total " + $0, "", "", $0, byFunder[$0]!.plainDecimal] }
        rows.append(["Total", "", "", "", lines.reduce(Money.zero) { $0 + $1.amount }.plainDecimal])
        return FrenchCSV.render(rows)
    }
}

extension Transaction {
    /// The place's bank details, when its bank step (IBAN checked with mod 97-10, BIC) is recorded.
    func bankDetails(of place: PlaceID) async throws -> ApplicationData.Bank? {
        try await sql.raw("SELECT data FROM place_steps WHERE place_id = \(bind: place.rawValue) AND step = 'bank'")
            .first(decodingColumn: "data", as: String.self)
            .flatMap { try? JSONDecoder().decode(ApplicationData.Bank.self, from: Data($0.utf8)) }
    }

    func payoutRun(_ month: Month) async throws -> PayoutRunResult {
        guard let row = try await sql.raw("""
            SELECT payouts, checks, total_cents FROM payout_runs WHERE period = \(bind: month.description)
            """).first()
        else { throw DomainError.notFound("payout run \(month)") }
        return PayoutRunResult(
            month: month, ran: false, payouts: Int(try row.int("payouts")), checks: Int(try row.int("checks")),
            total: Money(cents: try row.int("total_cents")))
    }
}
