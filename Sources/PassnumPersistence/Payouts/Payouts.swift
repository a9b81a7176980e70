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
    /// The batch of transfers this run prepared, if it paid anyone.
    public var batch: Int64? = nil
    /// Files this run wrote, relative to the data directory (SEPA file and statements).
    public var files: [String] = []
}

/// The transfers of one payout run, handed to the bank as one SEPA file: prepared → exported → settled.
public struct PayoutBatch: Sendable, Equatable {
    public typealias State = PayoutBatchState

    public let id: Int64
    public let month: Month
    public let state: State
    public let payouts: Int
    public let total: Money
    public let createdAt: Date
    public let exportedAt: Date?
    public let settledOn: CivilDate?
    /// The SEPA file, relative to the data directory; nil when the batch transfers nothing.
    public let file: String?
}

/// A reversed check: what the place was credited is taken back.
public struct Reversal: Sendable, Equatable {
    public let serial: CheckSerial
    public let place: PlaceID
    public let amount: Money
    /// True when the check had been paid: the amount is deducted from the place's next payouts.
    public let deducted: Bool
}

/// A place's statement for one payout: every check paid, what was deducted, what was transferred.
public struct Statement: Sendable {
    public let period: String
    public let state: PayoutBatch.State
    public let lines: [StatementLine]
    public let deductions: [StatementDeduction]

    public var gross: Money { lines.reduce(Money.zero) { $0 + $1.amount } }
    public var net: Money { deductions.reduce(gross) { $0 - $1.amount } }

    /// The checks' value by funder, sorted by funder name.
    public var totalsByFunder: [(funder: String, amount: Money)] {
        var byFunder: [String: Money] = [:]
        for line in lines { byFunder[line.funder, default: .zero] += line.amount }
        return byFunder.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}

/// What one payout took of a deduction. `detail` is what the deduction row stores for its kind (the operator's
/// reason, the year); rows written before that store the whole French sentence, which the app shows as is.
public struct StatementDeduction: Sendable, Equatable {
    public let kind: DeductionKind
    public let reference: String
    public let detail: String
    public let amount: Money

    public init(kind: DeductionKind, reference: String, detail: String, amount: Money) {
        self.kind = kind
        self.reference = reference
        self.detail = detail
        self.amount = amount
    }
}

/// The operator's own account, the debtor of the SEPA files.
public struct OperatorAccount: Sendable, Equatable {
    public var account: SEPACreditTransfer.Account

    public init(account: SEPACreditTransfer.Account) { self.account = account }

    /// The demo's and the tests' account: never a real one. `passnum serve` outside `--demo` refuses to start on it.
    public static let demo = OperatorAccount(account: .init(name: "Opérateur Pass numérique", iban: "FR7630006000011234567890189", bic: "AGRIFRPP"))

    public static let nameVariable = "PASSNUM_OPERATOR_NAME"
    public static let ibanVariable = "PASSNUM_OPERATOR_IBAN"
    public static let bicVariable = "PASSNUM_OPERATOR_BIC"

    /// From PASSNUM_OPERATOR_NAME, PASSNUM_OPERATOR_IBAN and PASSNUM_OPERATOR_BIC, each missing one from the demo account
    /// (tests, the demo, commands that pay nobody). A value that is set but not valid is ignored here; `settings` says why.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> OperatorAccount {
        (try? settings(environment, required: false)) ?? .demo
    }

    /// The account from the environment, checked: a name, an IBAN (mod 97-10) and a BIC. When `required`, a missing
    /// variable is an error too, never a silent demo default. Every problem is listed, by variable name.
    public static func settings(_ environment: [String: String], required: Bool) throws(SettingsError) -> OperatorAccount {
        func value(_ name: String) -> String? {
            environment[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        var problems: [String] = []
        var account = demo.account
        if let name = value(nameVariable) {
            if name.count > 70 { problems.append("\(nameVariable) must be at most 70 characters (the SEPA limit)") } else { account.name = name }
        } else if required {
            problems.append("\(nameVariable) is not set (the operator's name, debtor of the payout files)")
        }
        if let iban = value(ibanVariable) {
            // The value itself is never repeated: an IBAN does not belong in a log.
            if case .success(let checked) = IBAN.check(iban) { account.iban = checked } else { problems.append("\(ibanVariable) is not a valid IBAN") }
        } else if required {
            problems.append("\(ibanVariable) is not set (the operator's own IBAN, debited by the payout files)")
        }
        if let bic = value(bicVariable) {
            if let checked = BIC.check(bic) { account.bic = checked } else { problems.append("\(bicVariable) is not a valid BIC (8 or 11 characters)") }
        } else if required {
            problems.append("\(bicVariable) is not set (the BIC of the operator's bank)")
        }
        guard problems.isEmpty else { throw SettingsError(problems: problems) }
        return OperatorAccount(account: account)
    }
}

/// Settings that are missing or wrong, each naming its environment variable.
public struct SettingsError: Error, Equatable, CustomStringConvertible {
    public var problems: [String]
    public init(problems: [String]) { self.problems = problems }
    public var description: String { problems.joined(separator: "; ") }
}

/// A batch's SEPA file on disk is not the one the payout run recorded.
public enum PayoutFileError: Error, Equatable, CustomStringConvertible {
    case hashMismatch(batch: Int64, recorded: String, found: String)

    public var description: String {
        switch self {
        case let .hashMismatch(batch, recorded, found):
            "the SEPA file of payout batch \(batch) has SHA-256 \(found), not the \(recorded) recorded when it was written: it was changed"
        }
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
        // Checked before any money moves: a run must leave each place its statement file, worded by the app.
        guard let render = configuration.statementFile else { throw StoreError.noStatementWording }
        let debtor = configuration.operatorAccount.account
        var run = try await transaction { tx in
            // The month's row is a lock: concurrent runs of one month take turns.
            try await tx.sql.raw("""
                INSERT INTO payout_runs (period, ran_at, payouts, checks, total_cents) VALUES (\(bind: month.description), \(bind: now.millis), 0, 0, 0)
                ON CONFLICT (period) DO NOTHING
                """).run()
            _ = try await tx.sql.raw("SELECT period FROM payout_runs WHERE period = \(bind: month.description)" + SQLQueryString(tx.forUpdate)).all()

            let places = try await tx.sql.raw("""
                SELECT DISTINCT c.place_id FROM checks c WHERE \(PayoutSQL.payable("c", in: month)) ORDER BY c.place_id
                """).all().map { PlaceID(try $0.int("place_id")) }
            var paid: [Int64] = []
            var held: [HeldBackPayout] = []
            var batch: Int64?
            var batchTotal = Money.zero
            for place in places {
                // Locked, in id order: a reversal or a subscription of this place waits for the run, or comes before
                // it; what the place is due is read after the lock, so a reversal just committed is taken into account.
                _ = try await tx.placeState(place, lock: true)
                guard let payout = try await tx.sql.raw("""
                    SELECT pl.name, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount
                    FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN places pl ON pl.id = c.place_id
                    WHERE c.place_id = \(bind: place.rawValue) AND \(PayoutSQL.payable("c", in: month))
                    GROUP BY pl.name
                    """).first().map({
                    (place: place, name: try $0.string("name"), checks: try $0.int("checks"), amount: Money(cents: try $0.int("amount")))
                }) else { continue }
                guard let bank = try await tx.bankDetails(of: payout.place) else {
                    held.append(HeldBackPayout(place: payout.place, name: payout.name, checks: Int(payout.checks), amount: payout.amount,
                                               reason: "no verified bank details"))
                    continue
                }
                let (applications, available) = Deductions.take(try await tx.outstandingDeductions(of: payout.place), from: payout.amount)
                if batch == nil {
                    batch = try await tx.insertReturningID("""
                        INSERT INTO payout_batches (period, state, payouts, total_cents, created_at, debtor_name, debtor_iban, debtor_bic)
                        VALUES (\(bind: month.description), \(bind: PayoutBatch.State.prepared.rawValue), 0, 0, \(bind: now.millis),
                          \(bind: debtor.name), \(bind: debtor.iban), \(bind: debtor.bic))
                        """)
                }
                let id = try await tx.insertReturningID("""
                    INSERT INTO payouts (place_id, period, checks, amount_cents, created_at, batch_id, creditor_name, creditor_iban, creditor_bic)
                    VALUES (\(bind: payout.place.rawValue), \(bind: month.description), \(bind: payout.checks), \(bind: available.cents),
                      \(bind: now.millis), \(bind: batch), \(bind: bank.holder), \(bind: bank.iban), \(bind: bank.bic))
                    """)
                let moved = try await tx.sql.raw("""
                    UPDATE checks SET state = \(bind: CheckState.payment.to.rawValue), payout_id = \(bind: id)
                    WHERE place_id = \(bind: payout.place.rawValue) AND \(PayoutSQL.payable("checks", in: month))
                    RETURNING id
                    """).all()
                guard Int64(moved.count) == payout.checks else {
                    throw Inconsistency("checks of place \(payout.place) changed during the payout run")
                }
                for application in applications {
                    try await tx.sql.raw("""
                        INSERT INTO deduction_applications (deduction_id, payout_id, amount_cents)
                        VALUES (\(bind: application.id), \(bind: id), \(bind: application.amount.cents))
                        """).run()
                }
                let reference = Self.payoutReference(id: id, month: month)
                if available > .zero {
                    try await tx.post(try .transfer(.payout, reference: reference, amount: available,
                                                    from: .placePayable(payout.place), to: .payoutsInTransit),
                                      actor: actor, at: now)
                } else {
                    try await tx.post(.event(.payout, reference: reference, reason: "nothing to transfer: \(payout.amount.cents) cents all deducted"),
                                      actor: actor, at: now)
                }
                paid.append(id)
                batchTotal += available
            }
            var document: String?
            if let batch {
                // A batch with nothing to transfer has no SEPA file and nothing to wait for: settled at once.
                let settled = batchTotal == .zero
                try await tx.sql.raw("""
                    UPDATE payout_batches SET payouts = \(bind: Int64(paid.count)), total_cents = \(bind: batchTotal.cents),
                      state = \(bind: (settled ? PayoutBatch.State.settled : .prepared).rawValue),
                      settled_on = \(bind: settled ? CivilDate(now).description : nil), settled_at = \(bind: settled ? now.millis : nil)
                    WHERE id = \(bind: batch)
                    """).run()
                // The file is decided here, from the rows just written, and its hash committed with them: whatever happens
                // to the file later, a download is checked against this hash and a lost file is written again identical.
                if let written = try await tx.sepaDocument(batch: batch, fallbackDebtor: debtor) {
                    let hash = sha256Hex(Data(written.utf8))
                    try await tx.sql.raw("UPDATE payout_batches SET sepa_sha256 = \(bind: hash) WHERE id = \(bind: batch)").run()
                    try await tx.post(.event(.payoutFileWritten, reference: "batch:\(batch):sha256:\(hash)",
                                             reason: "SEPA file \(Self.sepaFileName(month: month, batch: batch))"),
                                      actor: actor, at: now)
                    document = written
                }
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
                                            checks: Int(try totals.int("checks")), total: Money(cents: try totals.int("total")), heldBack: held,
                                            batch: batch),
                    paid: paid, document: document)
        }
        if let batch = run.result.batch {
            run.result.files = try await writePayoutFiles(for: month, batch: batch, payouts: run.paid, document: run.document, render: render)
        }
        return run.result
    }

    /// "PN-2026-03-12": the payout's reference, the SEPA EndToEndId the place finds on its bank statement.
    static func payoutReference(id: Int64, month: Month) -> String { "PN-\(month)-\(id)" }

    /// A place's statement for one payout: every check paid, with totals by funder, and what was deducted.
    public func statement(payout: Int64, place: PlaceID) async throws -> Statement? {
        try await read { tx in
            guard let row = try await tx.sql.raw("""
                SELECT po.period, b.state FROM payouts po LEFT JOIN payout_batches b ON b.id = po.batch_id
                WHERE po.id = \(bind: payout) AND po.place_id = \(bind: place.rawValue)
                """).first() else { return nil }
            let lines = try await tx.sql.raw("""
                SELECT c.id, c.redeemed_at, r.category, f.name AS funder, p.face_value_cents
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN funders f ON f.id = p.funder_id
                LEFT JOIN redemptions r ON r.check_id = c.id AND r.redeemed_at = c.redeemed_at AND r.place_id = c.place_id
                WHERE c.payout_id = \(bind: payout) ORDER BY c.redeemed_at, c.id
                """).all().compactMap { row -> StatementLine? in
                guard let serial = CheckSerial(number: try row.int("id")) else { return nil }
                return StatementLine(serial: serial, redeemedAt: Date(millis: try row.optionalInt("redeemed_at") ?? 0),
                                     category: try row.optionalString("category").flatMap(ServiceCategory.init(code:)),
                                     funder: try row.string("funder"), amount: Money(cents: try row.int("face_value_cents")))
            }
            let deductions = try await tx.sql.raw("""
                SELECT d.kind, d.reference, d.reason, a.amount_cents FROM deduction_applications a JOIN deductions d ON d.id = a.deduction_id
                WHERE a.payout_id = \(bind: payout) ORDER BY d.id
                """).all().map {
                StatementDeduction(kind: try DeductionKind(rawValue: try $0.string("kind")).orThrow("deductions.kind"),
                                   reference: try $0.string("reference"), detail: try $0.string("reason"),
                                   amount: Money(cents: try $0.int("amount_cents")))
            }
            return Statement(period: try row.string("period"),
                             state: try row.optionalString("state").flatMap(PayoutBatch.State.init(rawValue:)) ?? .settled,
                             lines: lines, deductions: deductions)
        }
    }

    /// Writes the batch's SEPA file (the document the run recorded) and each new payout's statement under `payouts/YYYY-MM/`,
    /// worded by `render` (the app's `configuration.statementFile`).
    func writePayoutFiles(for month: Month, batch: Int64, payouts ids: [Int64], document: String?,
                          render: @Sendable (Statement) -> String) async throws -> [String] {
        let folder = "payouts/\(month)"
        let directory = configuration.dataDirectory.appendingPathComponent(folder)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [String] = []
        if let document {
            let name = Self.sepaFileName(month: month, batch: batch)
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
            try Data(render(statement).utf8).write(to: url, options: .atomic)
            written.append(name)
        }
        return written
    }

    static func sepaFileName(month: Month, batch: Int64) -> String { "payouts/\(month)/sepa-\(String(format: "%06lld", batch)).xml" }

    /// The batches of transfers, newest first (of one month when given).
    public func payoutBatches(month: Month? = nil) async throws -> [PayoutBatch] {
        try await read { tx in
            var query: SQLQueryString = "SELECT id, period, state, payouts, total_cents, created_at, exported_at, settled_on FROM payout_batches"
            if let month { query = query + " WHERE period = \(bind: month.description)" }
            return try await tx.sql.raw(query + " ORDER BY id DESC").all().compactMap { row in
                guard let month = Month(try row.string("period")), let state = PayoutBatch.State(rawValue: try row.string("state")) else { return nil }
                let id = try row.int("id"), total = Money(cents: try row.int("total_cents"))
                return PayoutBatch(id: id, month: month, state: state, payouts: Int(try row.int("payouts")), total: total,
                                   createdAt: Date(millis: try row.int("created_at")), exportedAt: try row.optionalInt("exported_at").map(Date.init(millis:)),
                                   settledOn: try row.optionalString("settled_on").flatMap(CivilDate.init),
                                   file: total > .zero ? Self.sepaFileName(month: month, batch: id) : nil)
            }
        }
    }

    /// A batch's SEPA file, checked against the SHA-256 recorded by its run (`PayoutFileError.hashMismatch` when it
    /// differs: never hand a changed file to the bank). A missing file (a run whose files could not be written, a
    /// restored archive) is written again from the payouts' stored creditors and the batch's debtor: byte for byte
    /// the recorded file. Nil when the batch does not exist or transfers nothing.
    public func sepaFile(batch id: Int64) async throws -> (batch: PayoutBatch, data: Data)? {
        guard let batch = try await payoutBatches().first(where: { $0.id == id }), let file = batch.file else { return nil }
        // Batches written before hashes were recorded have none to check against.
        let recorded = try await sepaFileHash(batch: id)
        func checked(_ data: Data) throws -> Data {
            if let recorded, sha256Hex(data) != recorded {
                throw PayoutFileError.hashMismatch(batch: id, recorded: recorded, found: sha256Hex(data))
            }
            return data
        }
        let url = configuration.dataDirectory.appendingPathComponent(file)
        if let found = try? Data(contentsOf: url) { return (batch, try checked(found)) }
        let debtor = configuration.operatorAccount.account
        guard let document = try await read({ tx in try await tx.sepaDocument(batch: id, fallbackDebtor: debtor) }) else { return nil }
        // Checked before writing: a file that would not match is never put where the operator takes files from.
        let data = try checked(Data(document.utf8))
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
        return (batch, data)
    }

    /// The SHA-256 recorded for a batch's SEPA file when its run committed, nil for a batch without a file.
    public func sepaFileHash(batch id: Int64) async throws -> String? {
        try await read { tx in
            try await tx.sql.raw("SELECT sepa_sha256 FROM payout_batches WHERE id = \(bind: id)").first().flatMap { try $0.optionalString("sepa_sha256") }
        }
    }

    /// The operator handed the batch's SEPA file to the bank: prepared → exported.
    public func markExported(batch: Int64, actor: Actor) async throws {
        let now = clock.now
        try await transaction { tx in
            let moved = try await tx.sql.raw("""
                UPDATE payout_batches SET state = \(bind: PayoutBatch.State.exported.rawValue), exported_at = \(bind: now.millis)
                WHERE id = \(bind: batch) AND state IN (\(binds: Transition<PayoutBatch.State>(to: .exported).from.binds)) RETURNING id
                """).all()
            guard moved.count == 1 else { throw try await tx.batchTransitionError(batch, to: .exported) }
            try await tx.post(.event(.payoutExported, reference: "batch:\(batch)", reason: "SEPA file handed to the bank"), actor: actor, at: now)
        }
    }

    /// The bank executed the batch's transfers on `bankDate`: exported → settled. Only then does the money leave the
    /// operator's account in the journal (an entry dated now, the bank date in its reference and on the batch).
    public func settle(batch: Int64, bankDate: CivilDate, actor: Actor) async throws {
        let now = clock.now
        try await transaction { tx in
            guard let row = try await tx.sql.raw("SELECT created_at, total_cents FROM payout_batches WHERE id = \(bind: batch)" + SQLQueryString(tx.forUpdate)).first()
            else { throw DomainError.notFound("payout batch \(batch)") }
            let prepared = CivilDate(Date(millis: try row.int("created_at")))
            guard bankDate >= prepared, bankDate <= CivilDate(now) else {
                throw DomainError.invalid(field: .bankDate, problem: .dateOutOfRange(from: prepared, to: CivilDate(now)))
            }
            let moved = try await tx.sql.raw("""
                UPDATE payout_batches SET state = \(bind: PayoutBatch.State.settled.rawValue), settled_on = \(bind: bankDate.description),
                  settled_at = \(bind: now.millis)
                WHERE id = \(bind: batch) AND state IN (\(binds: Transition<PayoutBatch.State>(to: .settled).from.binds)) RETURNING id
                """).all()
            guard moved.count == 1 else { throw try await tx.batchTransitionError(batch, to: .settled) }
            try await tx.post(try .transfer(.payoutSettled, reference: "batch:\(batch):\(bankDate)", amount: Money(cents: try row.int("total_cents")),
                                            from: .payoutsInTransit, to: .bank),
                              actor: actor, at: now)
        }
    }

    /// Reverses a validated check (fraud, error): it becomes voided and its value goes back to its programme. When
    /// it was already paid, the amount is deducted from the place's next payouts. Nothing is deleted: the
    /// redemption and the payout stay, and the journal gets a correcting entry with who and why.
    public func reverse(_ serial: CheckSerial, reason: String, actor: Actor) async throws -> Reversal {
        let reason = try requiredText(reason, field: .reason)
        let now = clock.now
        return try await transaction { tx in
            func check() async throws -> (any SQLRow) {
                guard let row = try await tx.sql.raw("""
                    SELECT c.state, c.place_id, c.programme_id, p.face_value_cents FROM checks c JOIN programmes p ON p.id = c.programme_id
                    WHERE c.id = \(bind: serial.number)
                    """).first() else { throw DomainError.notFound("check \(serial.grouped)") }
                return row
            }
            guard let placeID = try await check().optionalInt("place_id") else {
                throw DomainError.invalidTransition(entity: "check \(serial.grouped)", from: try await check().string("state"), to: CheckState.voided.rawValue)
            }
            let place = PlaceID(placeID)
            // The place's row orders this with its payout runs, so a check is never paid and reversed at once; its state
            // is read after the lock, so a payout that just committed is seen.
            _ = try await tx.placeState(place, lock: true)
            let check = try await check()
            let state = try check.string("state")
            guard let current = CheckState(rawValue: state), CheckState.reversal.from.contains(current) else {
                throw DomainError.invalidTransition(entity: "check \(serial.grouped)", from: state, to: CheckState.voided.rawValue)
            }
            let voided = try await tx.sql.raw("""
                UPDATE checks SET state = \(bind: CheckState.reversal.to.rawValue), voided_at = \(bind: now.millis), void_reason = 'reversed'
                WHERE id = \(bind: serial.number) AND state = \(bind: state) RETURNING id
                """).all()
            guard voided.count == 1 else {
                throw DomainError.invalidTransition(entity: "check \(serial.grouped)", from: state, to: CheckState.voided.rawValue)
            }
            try await tx.sql.raw("UPDATE redemptions SET undone_at = \(bind: now.millis) WHERE check_id = \(bind: serial.number) AND undone_at IS NULL").run()
            let amount = Money(cents: try check.int("face_value_cents"))
            let paid = current == .paid
            if paid {
                try await tx.sql.raw("""
                    INSERT INTO deductions (place_id, kind, reference, amount_cents, reason, created_at)
                    VALUES (\(bind: place.rawValue), \(bind: DeductionKind.reversal.rawValue), \(bind: serial.grouped), \(bind: amount.cents),
                      \(bind: reason), \(bind: now.millis))
                    """).run()
            }
            var entry = try JournalEntry.transfer(.reversal, reference: "check:\(serial.grouped)", amount: amount,
                                                  from: .placePayable(place), to: .programmeFunds(ProgrammeID(try check.int("programme_id"))))
            entry.reason = reason
            try await tx.post(entry, actor: actor, at: now)
            return Reversal(serial: serial, place: place, amount: amount, deducted: paid)
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
}

extension Transaction {
    /// The SEPA credit transfer document of a batch (the payouts of one run: a file is handed to the bank once, so a
    /// later run's file never repeats an earlier transfer), one transaction per place paid something. Written only
    /// from what the run stored (each payout's creditor, the batch's debtor and instant), so writing it again at any
    /// time gives the same bytes, whatever the bank details or settings have become since.
    func sepaDocument(batch: Int64, fallbackDebtor: SEPACreditTransfer.Account) async throws -> String? {
        guard let header = try await sql.raw("""
            SELECT period, created_at, debtor_name, debtor_iban, debtor_bic FROM payout_batches WHERE id = \(bind: batch)
            """).first(), let month = Month(try header.string("period")) else { return nil }
        let rows = try await sql.raw("""
            SELECT id, checks, amount_cents, creditor_name, creditor_iban, creditor_bic FROM payouts
            WHERE batch_id = \(bind: batch) AND amount_cents > 0 ORDER BY id
            """).all()
        guard !rows.isEmpty else { return nil }
        let transfers = try rows.map { row in
            let id = try row.int("id"), checks = try row.int("checks")
            guard let name = try row.optionalString("creditor_name"), let iban = try row.optionalString("creditor_iban"),
                  let bic = try row.optionalString("creditor_bic") else {
                throw DomainError.notFound("the bank details paid by payout \(id)")
            }
            return SEPACreditTransfer.Transfer(
                endToEndID: Store.payoutReference(id: id, month: month), amount: Money(cents: try row.int("amount_cents")),
                creditor: .init(name: name, iban: iban, bic: bic),
                remittance: SEPACreditTransfer.remittance(month: month, checks: checks))
        }
        // Batches from before the debtor was stored (migration 51) take the account configured now.
        let debtor = SEPACreditTransfer.Account(
            name: try header.optionalString("debtor_name") ?? fallbackDebtor.name,
            iban: try header.optionalString("debtor_iban") ?? fallbackDebtor.iban,
            bic: try header.optionalString("debtor_bic") ?? fallbackDebtor.bic)
        let createdAt = Date(millis: try header.int("created_at"))
        // The message identifier must be unique per file for the bank: the batch names it.
        return SEPACreditTransfer.document(messageID: "PN-\(month)-B\(batch)", createdAt: createdAt, executionDate: CivilDate(createdAt).adding(days: 1),
                                           debtor: debtor, transfers: transfers)
    }

    /// A place's deductions not yet fully taken from its payouts, oldest first.
    func outstandingDeductions(of place: PlaceID) async throws -> [(id: Int64, remaining: Money)] {
        try await sql.raw("""
            SELECT d.id, CAST(d.amount_cents - COALESCE((SELECT SUM(a.amount_cents) FROM deduction_applications a WHERE a.deduction_id = d.id), 0) AS BIGINT) AS remaining
            FROM deductions d WHERE d.place_id = \(bind: place.rawValue) ORDER BY d.id
            """).all().compactMap { row in
            let remaining = Money(cents: try row.int("remaining"))
            return remaining > .zero ? (try row.int("id"), remaining) : nil
        }
    }

    func batchTransitionError(_ batch: Int64, to target: PayoutBatch.State) async throws -> DomainError {
        guard let state = try await sql.raw("SELECT state FROM payout_batches WHERE id = \(bind: batch)").first(decodingColumn: "state", as: String.self) else {
            return .notFound("payout batch \(batch)")
        }
        return .invalidTransition(entity: "payout batch \(batch)", from: state, to: target.rawValue)
    }
}
