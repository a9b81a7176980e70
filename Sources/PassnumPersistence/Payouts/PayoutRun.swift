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
    public var batch: PayoutBatchID? = nil
    /// Files this run wrote, relative to the data directory (SEPA file and statements).
    public var files: [String] = []
    /// What this run itself paid (the counts above are the month's so far): places, and the amount transferred.
    public var placesPaidByRun = 0
    public var transferredByRun = Money.zero
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

            // Set-based, so that the run sends the same few statements for ten places or ten thousand, whatever their checks:
            // one query for what every place is due, one for their bank details, one for their deductions, then multi-row
            // inserts, one UPDATE of the checks and one append to the journal.
            let placesDue: SQLQueryString = "SELECT DISTINCT c.place_id FROM checks c WHERE \(PayoutSQL.payable("c", in: month))"
            // Locked in id order: a reversal or a subscription of these places waits for the run, or comes before it; what
            // they are due is read after the locks, so a reversal just committed is taken into account.
            if tx.kind == .postgres {
                try await tx.sql.raw("SELECT id FROM places WHERE id IN (\(placesDue)) ORDER BY id FOR NO KEY UPDATE").run()
            }
            let due = try await tx.sql.raw("""
                SELECT c.place_id, pl.name, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN places pl ON pl.id = c.place_id
                WHERE \(PayoutSQL.payable("c", in: month)) GROUP BY c.place_id, pl.name ORDER BY c.place_id
                """).all().map { row in
                (place: try row.id("place_id") as PlaceID, name: try row.string("name"), checks: try row.int("checks"),
                 amount: Money(cents: try row.int("amount")))
            }
            let banks = try await tx.verifiedBankDetails(ofPlacesIn: placesDue)
            let deductions = try await tx.outstandingDeductions(ofPlacesIn: placesDue)
            var held: [HeldBackPayout] = []
            var payable: [(place: PlaceID, checks: Int64, gross: Money, net: Money, taken: [(id: DeductionID, amount: Money)],
                           bank: ApplicationData.Bank)] = []
            for payout in due {
                guard let bank = banks[payout.place] else {
                    held.append(HeldBackPayout(place: payout.place, name: payout.name, checks: Int(payout.checks), amount: payout.amount,
                                               reason: "no verified bank details"))
                    continue
                }
                let (taken, net) = Deductions.take(deductions[payout.place] ?? [], from: payout.amount)
                payable.append((payout.place, payout.checks, payout.amount, net, taken, bank))
            }
            var paid: [PayoutID] = []
            var batch: PayoutBatchID?
            let batchTotal = payable.reduce(Money.zero) { $0 + $1.net }
            if !payable.isEmpty {
                let batchID = PayoutBatchID(try await tx.insertReturningID("""
                    INSERT INTO payout_batches (period, state, payouts, total_cents, created_at, debtor_name, debtor_iban, debtor_bic)
                    VALUES (\(bind: month.description), \(bind: PayoutBatch.State.prepared.rawValue), 0, 0, \(bind: now.millis),
                      \(bind: debtor.name), \(bind: debtor.iban), \(bind: debtor.bic))
                    """))
                batch = batchID
                // 9 parameters a payout: chunks stay far below SQLite's 32 766.
                var ids: [PlaceID: PayoutID] = [:]
                for start in stride(from: 0, to: payable.count, by: 1_000) {
                    let rows: [SQLQueryString] = payable[start..<min(start + 1_000, payable.count)].map { payout in
                        """
                        (\(bind: payout.place.rawValue), \(bind: month.description), \(bind: payout.checks), \(bind: payout.net.cents), \(bind: now.millis), \
                        \(bind: batchID.rawValue), \(bind: payout.bank.holder), \(bind: payout.bank.iban), \(bind: payout.bank.bic))
                        """
                    }
                    for row in try await tx.sql.raw("""
                        INSERT INTO payouts (place_id, period, checks, amount_cents, created_at, batch_id, creditor_name, creditor_iban, creditor_bic)
                        VALUES \(rows.joined(separator: ", ")) RETURNING id, place_id
                        """).all() {
                        ids[try row.id("place_id")] = try row.id("id")
                    }
                }
                paid = try payable.map { try ids[$0.place].orThrow("payouts.id") }
                try await tx.insertRows("deduction_applications", ["deduction_id", "payout_id", "amount_cents"], zip(payable, paid).flatMap { payout, id in
                    payout.taken.map { [$0.id.rawValue, id.rawValue, $0.amount.cents] as BulkRow }
                })
                // Every check paid at once, each to its place's payout of the month (one per place and month).
                var tallies = try await tx.moveChecks(
                    where: PayoutSQL.payable("checks", in: month)
                        + " AND checks.place_id IN (SELECT po.place_id FROM payouts po WHERE po.batch_id = \(bind: batchID.rawValue))",
                    along: CheckState.payment,
                    setting: "payout_id = (SELECT po.id FROM payouts po WHERE po.place_id = checks.place_id AND po.period = \(bind: month.description))")
                if let changed = try await tx.sql.raw("""
                    SELECT po.place_id FROM payouts po WHERE po.batch_id = \(bind: batchID.rawValue)
                      AND po.checks <> (SELECT COUNT(*) FROM checks c WHERE c.payout_id = po.id) ORDER BY po.place_id LIMIT 1
                    """).first() {
                    throw Inconsistency("checks of place \(try changed.int("place_id")) changed during the payout run")
                }
                try await tx.post(try zip(payable, paid).map { payout, id in
                    let reference = Self.payoutReference(id: id, month: month)
                    return payout.net > .zero
                        ? try .transfer(.payout, reference: reference, amount: payout.net, from: .placePayable(payout.place), to: .payoutsInTransit)
                        : .event(.payout, reference: reference, reason: "nothing to transfer: \(payout.gross.cents) cents all deducted")
                }, actor: actor, at: now)
                tallies.paid(redeemedIn: month)
                try await tx.apply(tallies)
            }
            var document: String?
            if let batch {
                // A batch with nothing to transfer has no SEPA file and nothing to wait for: settled at once.
                let settled = batchTotal == .zero
                try await tx.sql.raw("""
                    UPDATE payout_batches SET payouts = \(bind: Int64(paid.count)), total_cents = \(bind: batchTotal.cents),
                      state = \(bind: (settled ? PayoutBatch.State.settled : .prepared).rawValue),
                      settled_on = \(bind: settled ? CivilDate(now).description : nil), settled_at = \(bind: settled ? now.millis : nil)
                    WHERE id = \(bind: batch.rawValue)
                    """).run()
                // The file is decided here, from the rows just written, and its hash committed with them: whatever happens
                // to the file later, a download is checked against this hash and a lost file is written again identical.
                if let written = try await tx.sepaDocument(batch: batch, fallbackDebtor: debtor) {
                    let hash = sha256Hex(Data(written.utf8))
                    try await tx.sql.raw("UPDATE payout_batches SET sepa_sha256 = \(bind: hash) WHERE id = \(bind: batch.rawValue)").run()
                    try await tx.post(.event(.payoutFileWritten, reference: "batch:\(batch):sha256:\(hash)",
                                             reason: "SEPA file \(Self.sepaFileName(month: month, batch: batch))"),
                                      actor: actor, at: now)
                    document = written
                }
                try await tx.noticePayouts(batch: batch, at: now)
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
                                            batch: batch, placesPaidByRun: paid.count, transferredByRun: batchTotal),
                    document: document)
        }
        if let batch = run.result.batch {
            run.result.files = try await writePayoutFiles(for: month, batch: batch, document: run.document, render: render)
        }
        return run.result
    }

    /// "PN-2026-03-12": the payout's reference, the SEPA EndToEndId the place finds on its bank statement.
    static func payoutReference(id: PayoutID, month: Month) -> String { "PN-\(month)-\(id)" }
}

extension Transaction {
    /// The deductions not yet fully taken from payouts of the places `places` (a query of place ids), oldest first.
    func outstandingDeductions(ofPlacesIn places: SQLQueryString) async throws -> [PlaceID: [(id: DeductionID, remaining: Money)]] {
        var result: [PlaceID: [(id: DeductionID, remaining: Money)]] = [:]
        for row in try await sql.raw("""
            SELECT d.id, d.place_id,
              CAST(d.amount_cents - COALESCE((SELECT SUM(a.amount_cents) FROM deduction_applications a WHERE a.deduction_id = d.id), 0) AS BIGINT) AS remaining
            FROM deductions d WHERE d.place_id IN (\(places)) ORDER BY d.place_id, d.id
            """).all() {
            let remaining = Money(cents: try row.int("remaining"))
            if remaining > .zero { result[try row.id("place_id"), default: []].append((try row.id("id"), remaining)) }
        }
        return result
    }
}
