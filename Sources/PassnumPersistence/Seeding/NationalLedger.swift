import Foundation
import PassnumDomain
import SQLKit

/// The money side of the national dataset, month by month: validations, payout runs settled by the bank, reversals.
/// It carries from one month to the next what the payout run of the month just over will pay, and what places owe.
struct Ledger: Sendable {
    struct Redeemed: Sendable {
        let check: Int64
        let place: PlaceID
        let programme: ProgrammeID
        let amount: Money
    }

    /// Per place, its checks redeemed during the last month generated: what its payout run pays.
    private var due: [PlaceID: (checks: Int64, amount: Money)] = [:]
    /// One check in about a thousand validations of that month, reversed after it is paid.
    private var toReverse: [Redeemed] = []
    /// Per place, deductions not yet taken from a payout, oldest first.
    private var owed: [PlaceID: [(id: DeductionID, remaining: Money)]] = [:]

    // MARK: Validations

    /// What `validate` writes for each validation of `month`: beneficiaries handed their checks the month before use
    /// two of them in one validation, those of two months before a third one, at a place of their funder's
    /// territory for the first service of its catalogue. Redemptions, answers stored under their key and journal
    /// entries are inserted as the operation writes them; then the checks are marked redeemed from the redemptions.
    mutating func redeem(month: Int, months: [Month], world: World, store: Store, _ tx: Transaction, _ journal: inout BulkJournal) async throws {
        due = [:]
        toReverse = []
        let batches: [(programme: Int, people: Range<Int>, checks: [Int])] = world.programmes.indices.flatMap { programme in
            [(month - 1, [0, 1]), (month - 2, [2])].compactMap { handed, checks in
                let people = world.beneficiaries(of: programme, handedIn: handed)
                return people.isEmpty ? nil : (programme, people, checks)
            }
        }
        let total = batches.reduce(0) { $0 + $1.people.count }
        var rank = 0
        let actorByPlace = { (place: World.Place) in NationalSeed.placeEmail(place.index) }
        for batch in batches {
            let issued = world.programmes[batch.programme]
            let territory = world.places[world.funder(of: batch.programme)]
            var redemptions: [BulkRow] = []
            var answers: [BulkRow] = []
            for person in batch.people {
                let place = territory[person % territory.count]
                let placeID = PlaceID(place.id)
                let at = NationalSeed.spread(months[month], rank: rank, of: total).millis
                let ids = batch.checks.map { issued.firstCheck + Int64(person * NationalSeed.checksPerBeneficiary + $0) }
                let serials = ids.compactMap(CheckSerial.init(number:))
                guard serials.count == ids.count else { throw Inconsistency("check id outside the serial range") }
                let key = "national-\(ids[0])"
                let request = ValidationRequest(
                    place: placeID, checks: serials.map { PresentedCheck(serial: $0.compact, code: store.secret.securityCode(for: $0).canonical) },
                    category: place.category, key: key, service: ServiceID(place.service))
                let face = issued.terms.faceValue
                let amount = face * Int64(ids.count)
                let outcome = ValidationOutcome(accepted: true, items: serials.map { .init(serial: $0.compact, refusal: nil, amount: face) }, total: amount)
                for id in ids {
                    redemptions.append([id, place.id, place.category.code, at, key, place.service])
                }
                answers.append([place.id, key, Store.fingerprint(of: request), try Store.encode(outcome), at])
                journal.post(try JournalEntry(kind: .redemption, reference: "checks:" + serials.map(\.compact).joined(separator: ","), lines: [
                    .debit(.programmeFunds(issued.programme), amount), .credit(.placePayable(placeID), amount),
                ]), actor: actorByPlace(place), at: at)
                due[placeID, default: (0, .zero)].checks += Int64(ids.count)
                due[placeID, default: (0, .zero)].amount += amount
                if rank % 1000 == 0 { toReverse.append(Redeemed(check: ids[0], place: placeID, programme: issued.programme, amount: face)) }
                rank += 1
            }
            try await tx.insertRows("redemptions", ["check_id", "place_id", "category", "redeemed_at", "request_key", "service_id"], redemptions)
            try await tx.insertRows("validation_requests", ["place_id", "request_key", "fingerprint", "outcome", "created_at"], answers)
            try await journal.flushIfLarge(tx)
        }
        let (start, end) = months[month].interval
        let live: SQLQueryString = "r.check_id = checks.id AND r.undone_at IS NULL"
        try await tx.sql.raw("""
            UPDATE checks SET state = \(bind: CheckState.redemption.to.rawValue),
              place_id = (SELECT r.place_id FROM redemptions r WHERE \(live)), redeemed_at = (SELECT r.redeemed_at FROM redemptions r WHERE \(live))
            WHERE id IN (SELECT check_id FROM redemptions WHERE redeemed_at >= \(bind: start.millis) AND redeemed_at < \(bind: end.millis))
              AND state IN (\(binds: CheckState.redemption.from.binds))
            """).run()
    }

    // MARK: Payout runs, settlement, reversals

    /// What `runPayouts` writes for `month` on the 5th of `runMonth` (one batch, a payout per place with its
    /// deductions, the SEPA file's hash), then `markExported` the next day; with `settle`, `settle` two days later
    /// and, on the 20th, what `reverse` writes for the checks chosen in that month (deducted from the next payouts).
    /// The SEPA and statement files are not written: `sepaFile` writes a missing SEPA file again from the rows.
    mutating func payOut(_ month: Month, on runMonth: Month, settle: Bool, _ tx: Transaction, _ journal: inout BulkJournal, world: World,
                         debtor: SEPACreditTransfer.Account) async throws {
        let now = NationalSeed.instant(runMonth, day: 5, hour: 6).millis
        let operatorName = NationalSeed.operatorEmail
        let places = world.places.joined().reduce(into: [PlaceID: World.Place]()) { $0[PlaceID($1.id)] = $1 }
        let paid = due.keys.sorted()
        var totals = (payouts: Int64(0), checks: Int64(0), amount: Money.zero)
        if !paid.isEmpty {
            let batch = try await tx.maximumID("payout_batches") + 1
            var payoutID = try await tx.maximumID("payouts")
            var payouts: [BulkRow] = []
            var applications: [BulkRow] = []
            for place in paid {
                guard let gross = due[place], let seeded = places[place] else { continue }
                let (taken, net) = Deductions.take(owed[place] ?? [], from: gross.amount)
                payoutID += 1
                payouts.append([payoutID, place.rawValue, month.description, gross.checks, net.cents, now, batch, seeded.name,
                                World.iban(seeded.index), "AGRIFRPP"])
                for application in taken {
                    applications.append([application.id.rawValue, payoutID, application.amount.cents])
                    if let index = owed[place]?.firstIndex(where: { $0.id == application.id }), let remaining = owed[place]?[index].remaining {
                        owed[place]?[index].remaining = remaining - application.amount
                    }
                }
                owed[place]?.removeAll { $0.remaining <= .zero }
                let reference = Store.payoutReference(id: PayoutID(payoutID), month: month)
                if net > .zero {
                    journal.post(try .transfer(.payout, reference: reference, amount: net, from: .placePayable(place), to: .payoutsInTransit),
                                 actor: operatorName, at: now)
                } else {
                    journal.post(.event(.payout, reference: reference, reason: "nothing to transfer: \(gross.amount.cents) cents all deducted"),
                                 actor: operatorName, at: now)
                }
                totals.payouts += 1
                totals.checks += gross.checks
                totals.amount += net
            }
            let settledAtOnce = totals.amount == .zero
            try await tx.insertRows("payout_batches", ["id", "period", "state", "payouts", "total_cents", "created_at", "settled_on", "settled_at",
                                                       "debtor_name", "debtor_iban", "debtor_bic"], [[
                batch, month.description, (settledAtOnce ? PayoutBatchState.settled : .prepared).rawValue, totals.payouts, totals.amount.cents, now,
                settledAtOnce ? CivilDate(Date(millis: now)).description : nil, settledAtOnce ? now : nil, debtor.name, debtor.iban, debtor.bic,
            ]])
            try await tx.insertRows("payouts", ["id", "place_id", "period", "checks", "amount_cents", "created_at", "batch_id", "creditor_name",
                                                "creditor_iban", "creditor_bic"], payouts)
            try await tx.insertRows("deduction_applications", ["deduction_id", "payout_id", "amount_cents"], applications)
            try await tx.sql.raw("""
                UPDATE checks SET state = \(bind: CheckState.payment.to.rawValue),
                  payout_id = (SELECT po.id FROM payouts po WHERE po.place_id = checks.place_id AND po.period = \(bind: month.description))
                WHERE \(PayoutSQL.payable("checks", in: month))
                """).run()
            if let document = try await tx.sepaDocument(batch: PayoutBatchID(batch), fallbackDebtor: debtor) {
                let hash = sha256Hex(Data(document.utf8))
                try await tx.sql.raw("UPDATE payout_batches SET sepa_sha256 = \(bind: hash) WHERE id = \(bind: batch)").run()
                journal.post(.event(.payoutFileWritten, reference: "batch:\(batch):sha256:\(hash)",
                                    reason: "SEPA file \(Store.sepaFileName(month: month, batch: PayoutBatchID(batch)))"), actor: operatorName, at: now)
            }
            if !settledAtOnce {
                let exported = NationalSeed.instant(runMonth, day: 6, hour: 10).millis
                try await tx.sql.raw("""
                    UPDATE payout_batches SET state = \(bind: PayoutBatchState.exported.rawValue), exported_at = \(bind: exported) WHERE id = \(bind: batch)
                    """).run()
                journal.post(.event(.payoutExported, reference: "batch:\(batch)", reason: "SEPA file handed to the bank"), actor: operatorName, at: exported)
                if settle {
                    let settled = NationalSeed.instant(runMonth, day: 8, hour: 10)
                    let bankDate = CivilDate(settled)
                    try await tx.sql.raw("""
                        UPDATE payout_batches SET state = \(bind: PayoutBatchState.settled.rawValue), settled_on = \(bind: bankDate.description),
                          settled_at = \(bind: settled.millis) WHERE id = \(bind: batch)
                        """).run()
                    journal.post(try .transfer(.payoutSettled, reference: "batch:\(batch):\(bankDate)", amount: totals.amount,
                                               from: .payoutsInTransit, to: .bank), actor: operatorName, at: settled.millis)
                }
            }
        }
        try await tx.sql.raw("""
            INSERT INTO payout_runs (period, ran_at, payouts, checks, total_cents)
            VALUES (\(bind: month.description), \(bind: now), \(bind: totals.payouts), \(bind: totals.checks), \(bind: totals.amount.cents))
            """).run()
        due = [:]
        if settle { try await reverse(on: runMonth, tx, &journal) }
    }

    /// What `reverse` writes for each paid check chosen: voided, its redemption undone, a deduction for its place and
    /// the correcting journal entry.
    private mutating func reverse(on month: Month, _ tx: Transaction, _ journal: inout BulkJournal) async throws {
        let now = NationalSeed.instant(month, day: 20, hour: 11).millis
        let reason = "Atelier non réalisé (contrôle du financeur)"
        var deduction = try await tx.maximumID("deductions")
        var rows: [BulkRow] = []
        for check in toReverse {
            guard let serial = CheckSerial(number: check.check) else { continue }
            let voided = try await tx.sql.raw("""
                UPDATE checks SET state = \(bind: CheckState.reversal.to.rawValue), voided_at = \(bind: now), void_reason = 'reversed'
                WHERE id = \(bind: check.check) AND state = \(bind: CheckState.paid.rawValue) RETURNING id
                """).all()
            guard voided.count == 1 else { throw Inconsistency("check \(serial.grouped) was not paid when reversed") }
            try await tx.sql.raw("UPDATE redemptions SET undone_at = \(bind: now) WHERE check_id = \(bind: check.check) AND undone_at IS NULL").run()
            deduction += 1
            rows.append([deduction, check.place.rawValue, DeductionKind.reversal.rawValue, serial.grouped, check.amount.cents, reason, now])
            owed[check.place, default: []].append((DeductionID(deduction), check.amount))
            var entry = try JournalEntry.transfer(.reversal, reference: "check:\(serial.grouped)", amount: check.amount,
                                                  from: .placePayable(check.place), to: .programmeFunds(check.programme))
            entry.reason = reason
            journal.post(entry, actor: NationalSeed.operatorEmail, at: now)
        }
        try await tx.insertRows("deductions", ["id", "place_id", "kind", "reference", "amount_cents", "reason", "created_at"], rows)
        toReverse = []
    }
}
