import Foundation
import PassnumDomain
import SQLKit

/// The transfers of one payout run, handed to the bank as one SEPA file: prepared → exported → settled.
public struct PayoutBatch: Sendable, Equatable {
    public typealias State = PayoutBatchState

    public let id: PayoutBatchID
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

/// A batch's SEPA file on disk is not the one the payout run recorded.
public enum PayoutFileError: Error, Equatable, CustomStringConvertible {
    case hashMismatch(batch: PayoutBatchID, recorded: String, found: String)

    public var description: String {
        switch self {
        case let .hashMismatch(batch, recorded, found):
            "the SEPA file of payout batch \(batch) has SHA-256 \(found), not the \(recorded) recorded when it was written: it was changed"
        }
    }
}

extension Store {
    /// Writes the batch's SEPA file (the document the run recorded) and the statement of each of its payouts under
    /// `payouts/YYYY-MM/`, worded by `render` (the app's `configuration.statementFile`), one payout at a time.
    func writePayoutFiles(for month: Month, batch: PayoutBatchID, document: String?,
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
        // Every statement of the batch from one walk over its paid checks in (payout, redemption time, serial) order, a
        // bounded page at a time on the index `checks_payout`: one place's statement in memory at a time, and a few
        // statements to the database whatever the number of places and checks.
        let (payouts, state, deductions) = try await read { tx in
            let payouts = try await tx.sql.raw("SELECT id, place_id FROM payouts WHERE batch_id = \(bind: batch.rawValue) ORDER BY id").all()
                .map { (id: try $0.id("id") as PayoutID, place: try $0.id("place_id") as PlaceID) }
            let state = try await tx.sql.raw("SELECT state FROM payout_batches WHERE id = \(bind: batch.rawValue)").first()
                .flatMap { try PayoutBatch.State(rawValue: try $0.string("state")).orThrow("payout_batches.state") }
            var deductions: [PayoutID: [StatementDeduction]] = [:]
            for row in try await tx.sql.raw(StatementDeduction.selection + """
                 JOIN payouts po ON po.id = a.payout_id WHERE po.batch_id = \(bind: batch.rawValue) ORDER BY a.payout_id, d.id
                """).all() {
                deductions[try row.id("payout_id"), default: []].append(try StatementDeduction(row: row))
            }
            return (payouts, state ?? .settled, deductions)
        }
        var pending = payouts[...]
        var lines: [StatementLine] = []
        // Writes the statements of the payouts up to `payout`, whose lines are `lines` (those before it have no check left
        // to read: the walk is in payout order).
        func flush(through payout: PayoutID) throws {
            while let next = pending.first, next.id <= payout {
                pending.removeFirst()
                let name = "\(folder)/releve-lieu-\(next.place)-\(next.id).csv"
                let url = configuration.dataDirectory.appendingPathComponent(name)
                if !FileManager.default.fileExists(atPath: url.path) {
                    let statement = Statement(period: month.description, state: state, lines: next.id == payout ? lines : [],
                                              deductions: deductions[next.id] ?? [])
                    try Data(render(statement).utf8).write(to: url, options: .atomic)
                    written.append(name)
                }
            }
            lines.removeAll(keepingCapacity: true)
        }
        guard let first = payouts.first?.id, let last = payouts.last?.id else { return written }
        var after: (payout: Int64, redeemedAt: Int64, check: Int64) = (first.rawValue, Int64.min, Int64.min)
        var current = first
        while true {
            let cursor = after
            let page = try await read { tx in
                try await tx.sql.raw(StatementLine.selection + """
                     JOIN payouts po ON po.id = c.payout_id
                    WHERE po.batch_id = \(bind: batch.rawValue) AND c.payout_id <= \(bind: last.rawValue)
                      AND (c.payout_id, c.redeemed_at, c.id) > (\(bind: cursor.payout), \(bind: cursor.redeemedAt), \(bind: cursor.check))
                    ORDER BY c.payout_id, c.redeemed_at, c.id LIMIT \(bind: Self.statementPage)
                    """).all()
            }
            for row in page {
                let payout: PayoutID = try row.id("payout_id")
                if payout != current {
                    try flush(through: current)
                    current = payout
                }
                if let line = try StatementLine(row: row) { lines.append(line) }
                after = (payout.rawValue, try row.int("redeemed_at"), try row.int("id"))
            }
            if page.count < Self.statementPage { break }
        }
        try flush(through: current)
        try flush(through: last)
        return written
    }

    /// Paid checks read at a time when the statements are written.
    static let statementPage = 5_000

    static func sepaFileName(month: Month, batch: PayoutBatchID) -> String { "payouts/\(month)/sepa-\(String(format: "%06lld", batch.rawValue)).xml" }

    /// The batches of transfers, newest first (of one month when given).
    public func payoutBatches(month: Month? = nil) async throws -> [PayoutBatch] {
        try await read { tx in
            var query: SQLQueryString = "SELECT id, period, state, payouts, total_cents, created_at, exported_at, settled_on FROM payout_batches"
            if let month { query = query + " WHERE period = \(bind: month.description)" }
            return try await tx.sql.raw(query + " ORDER BY id DESC").all().compactMap { row in
                guard let month = Month(try row.string("period")), let state = PayoutBatch.State(rawValue: try row.string("state")) else { return nil }
                let id: PayoutBatchID = try row.id("id"), total = Money(cents: try row.int("total_cents"))
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
    public func sepaFile(batch id: PayoutBatchID) async throws -> (batch: PayoutBatch, data: Data)? {
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
    public func sepaFileHash(batch id: PayoutBatchID) async throws -> String? {
        try await read { tx in
            try await tx.sql.raw("SELECT sepa_sha256 FROM payout_batches WHERE id = \(bind: id.rawValue)").first().flatMap { try $0.optionalString("sepa_sha256") }
        }
    }

    /// The operator handed the batch's SEPA file to the bank: prepared → exported.
    public func markExported(batch: PayoutBatchID, actor: Actor) async throws {
        let now = clock.now
        try await transaction { tx in
            let moved = try await tx.sql.raw("""
                UPDATE payout_batches SET state = \(bind: PayoutBatch.State.exported.rawValue), exported_at = \(bind: now.millis)
                WHERE id = \(bind: batch.rawValue) AND state IN (\(binds: Transition<PayoutBatch.State>(to: .exported).from.binds)) RETURNING id
                """).all()
            guard moved.count == 1 else { throw try await tx.batchTransitionError(batch, to: .exported) }
            try await tx.post(.event(.payoutExported, reference: "batch:\(batch)", reason: "SEPA file handed to the bank"), actor: actor, at: now)
        }
    }

    /// The bank executed the batch's transfers on `bankDate`: exported → settled. Only then does the money leave the
    /// operator's account in the journal (an entry dated now, the bank date in its reference and on the batch).
    public func settle(batch: PayoutBatchID, bankDate: CivilDate, actor: Actor) async throws {
        let now = clock.now
        try await transaction { tx in
            guard let row = try await tx.sql.raw("SELECT created_at, total_cents FROM payout_batches WHERE id = \(bind: batch.rawValue)" + SQLQueryString(tx.forUpdate)).first()
            else { throw DomainError.notFound("payout batch \(batch)") }
            let prepared = CivilDate(Date(millis: try row.int("created_at")))
            guard bankDate >= prepared, bankDate <= CivilDate(now) else {
                throw DomainError.invalid(field: .bankDate, problem: .dateOutOfRange(from: prepared, to: CivilDate(now)))
            }
            let moved = try await tx.sql.raw("""
                UPDATE payout_batches SET state = \(bind: PayoutBatch.State.settled.rawValue), settled_on = \(bind: bankDate.description),
                  settled_at = \(bind: now.millis)
                WHERE id = \(bind: batch.rawValue) AND state IN (\(binds: Transition<PayoutBatch.State>(to: .settled).from.binds)) RETURNING id
                """).all()
            guard moved.count == 1 else { throw try await tx.batchTransitionError(batch, to: .settled) }
            try await tx.post(try .transfer(.payoutSettled, reference: "batch:\(batch):\(bankDate)", amount: Money(cents: try row.int("total_cents")),
                                            from: .payoutsInTransit, to: .bank),
                              actor: actor, at: now)
        }
    }
}

extension Transaction {
    /// The SEPA credit transfer document of a batch (the payouts of one run: a file is handed to the bank once, so a
    /// later run's file never repeats an earlier transfer), one transaction per place paid something. Written only
    /// from what the run stored (each payout's creditor, the batch's debtor and instant), so writing it again at any
    /// time gives the same bytes, whatever the bank details or settings have become since.
    func sepaDocument(batch: PayoutBatchID, fallbackDebtor: SEPACreditTransfer.Account) async throws -> String? {
        guard let header = try await sql.raw("""
            SELECT period, created_at, debtor_name, debtor_iban, debtor_bic FROM payout_batches WHERE id = \(bind: batch.rawValue)
            """).first(), let month = Month(try header.string("period")) else { return nil }
        let rows = try await sql.raw("""
            SELECT id, checks, amount_cents, creditor_name, creditor_iban, creditor_bic FROM payouts
            WHERE batch_id = \(bind: batch.rawValue) AND amount_cents > 0 ORDER BY id
            """).all()
        guard !rows.isEmpty else { return nil }
        let transfers = try rows.map { row in
            let id: PayoutID = try row.id("id"), checks = try row.int("checks")
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

    func batchTransitionError(_ batch: PayoutBatchID, to target: PayoutBatch.State) async throws -> DomainError {
        guard let state = try await sql.raw("SELECT state FROM payout_batches WHERE id = \(bind: batch.rawValue)").first(decodingColumn: "state", as: String.self) else {
            return .notFound("payout batch \(batch)")
        }
        return .invalidTransition(entity: "payout batch \(batch)", from: state, to: target.rawValue)
    }
}
