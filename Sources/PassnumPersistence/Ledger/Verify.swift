import Foundation
import PassnumDomain
import SQLKit

extension Store {
    /// Checks the five invariants of DESIGN.md over the whole database with aggregate queries, the journal's chain of
    /// hashes, the maintained counters (`verifyTallies`) and the public index (`verifyPublicIndex`). Returns the first violation of each, in order; empty when everything holds.
    ///
    /// Every query reads the same snapshot (one read-only REPEATABLE READ transaction on PostgreSQL, whose snapshot two
    /// more connections share; one read transaction on SQLite): a validation committed between two queries would otherwise
    /// be half seen and reported as a violation.
    public func verify() async throws -> [InvariantViolation] {
        typealias Pass = (name: String, run: @Sendable (Transaction) async throws -> InvariantViolation?)
        // In the invariants' order: the money and the checks, the journal's chain, the read models.
        let groups: [[Pass]] = [
            [("balanced", { try await $0.verifyBalanced() }), ("programmes", { try await $0.verifyProgrammes() }),
             ("places", { try await $0.verifyPlaces() }), ("funders", { try await $0.verifyFunders() }),
             ("redeemed once", { try await $0.verifyRedeemedOnce() })],
            [("chain", { try await $0.verifyChain() })],
            [("tallies", { try await $0.verifyTallies() }), ("public index", { try await $0.verifyPublicIndex() })],
        ]
        let logger = self.logger
        @Sendable func run(_ passes: [Pass], on tx: Transaction) async throws -> [InvariantViolation?] {
            if tx.kind == .postgres {
                // Verify joins whole tables (10 M checks against 1 M booklets nationally): hashes that fit in memory instead
                // of spilling to disk in batches, for this read-only transaction only.
                try await tx.sql.raw("SET LOCAL work_mem = '64MB'").run()
            }
            var found: [InvariantViolation?] = []
            for pass in passes {
                let started = ContinuousClock.now
                found.append(try await pass.run(tx))
                // `passnum verify --log debug` shows where the time goes.
                logger.debug("verify: \(pass.name) took \(ContinuousClock.now - started)")
            }
            return found
        }
        return try await snapshot { tx in
            var found: [InvariantViolation?] = []
            if tx.kind == .postgres {
                // The three groups at once, each on its connection, all on this transaction's snapshot: the chain's walk
                // spends its time here (decoding and hashing 2 M entries nationally), the others in the database, and the
                // two longest (the chain, the counters' recounts) then overlap on two cores. This transaction stays open
                // until the others end, as the import of its snapshot requires.
                let name = try await tx.sql.raw("SELECT pg_export_snapshot() AS name").first(decodingColumn: "name", as: String.self)
                    .orThrow("pg_export_snapshot")
                found = try await withThrowingTaskGroup(of: (Int, [InvariantViolation?]).self) { group in
                    for index in groups.indices.dropFirst() {
                        group.addTask { (index, try await self.onExportedSnapshot(name) { try await run(groups[index], on: $0) }) }
                    }
                    var results = [0: try await run(groups[0], on: tx)]
                    for try await (index, found) in group { results[index] = found }
                    return groups.indices.flatMap { results[$0] ?? [] }
                }
            } else {
                for passes in groups { found += try await run(passes, on: tx) }
            }
            // In the invariants' order. Two passes check the maintained read models (counters, public index): one
            // violation of the invariant, naming what drifts in both.
            var violations: [InvariantViolation] = []
            for case let violation? in found {
                if let last = violations.last, last.invariant == violation.invariant {
                    violations[violations.count - 1] = InvariantViolation(violation.invariant, last.detail + "; " + violation.detail)
                } else {
                    violations.append(violation)
                }
            }
            return violations
        }
    }
}

extension Transaction {
    /// Rows of (key, value) as a dictionary; both columns must be integers.
    func integers(_ query: SQLQueryString) async throws -> [Int64: Int64] {
        var result: [Int64: Int64] = [:]
        for row in try await sql.raw(query).all() { result[try row.int("k")] = try row.int("v") }
        return result
    }

    /// Invariant 1: every journal transaction balances, and no line is negative.
    func verifyBalanced() async throws -> InvariantViolation? {
        if let row = try await sql.raw("""
            SELECT transaction_id, CAST(SUM(debit_cents) AS BIGINT) AS debits, CAST(SUM(credit_cents) AS BIGINT) AS credits
            FROM journal_lines GROUP BY transaction_id HAVING SUM(debit_cents) <> SUM(credit_cents)
            ORDER BY transaction_id LIMIT 1
            """).first() {
            return InvariantViolation(.balancedTransactions, """
                journal transaction \(try row.int("transaction_id")) has debits \(Money(cents: try row.int("debits"))) \
                and credits \(Money(cents: try row.int("credits")))
                """)
        }
        if let row = try await sql.raw("""
            SELECT id, transaction_id FROM journal_lines WHERE debit_cents < 0 OR credit_cents < 0 ORDER BY id LIMIT 1
            """).first() {
            return InvariantViolation(.balancedTransactions, "journal line \(try row.int("id")) of transaction \(try row.int("transaction_id")) is negative")
        }
        return nil
    }

    /// Invariant 2: per programme, every check issued by a fulfilled order is accounted for in exactly one
    /// state, and the money held for the programme matches its checks that can still be used or refunded.
    func verifyProgrammes() async throws -> InvariantViolation? {
        let states = CheckState.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        // The first offender as MIN over the whole set, not ORDER BY id LIMIT 1: with no offender (the normal case) the
        // latter walks every check through the primary key. `id + 0` keeps the planner from doing just that for MIN.
        if let row = try await sql.raw("""
            SELECT id, state FROM checks WHERE id = (SELECT MIN(id + 0) FROM checks WHERE state NOT IN (\(unsafeRaw: states)))
            """).first() {
            return InvariantViolation(.programmeConservation, "check \(try row.int("id")) has unknown state \(try row.string("state"))")
        }
        // The bulk tables have no foreign keys (see the schema): their references are checked here.
        if let row = try await sql.raw("""
            SELECT b.id FROM booklets b LEFT JOIN orders o ON o.id = b.order_id
            WHERE o.id IS NULL OR o.programme_id <> b.programme_id OR o.state <> \(bind: OrderState.fulfilled.rawValue)
              OR (b.prescriber_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM prescribers p WHERE p.id = b.prescriber_id))
            ORDER BY b.id LIMIT 1
            """).first() {
            return InvariantViolation(.programmeConservation, "booklet \(try row.int("id")) does not belong to a fulfilled order of its programme")
        }
        // Joined, not a subquery per check: one pass over the checks with a hash of each table they point to.
        if let id = try await sql.raw("""
            SELECT MIN(c.id) AS id FROM checks c LEFT JOIN booklets b ON b.id = c.booklet_id
              LEFT JOIN beneficiaries bn ON bn.id = c.beneficiary_id LEFT JOIN places pl ON pl.id = c.place_id
              LEFT JOIN payouts po ON po.id = c.payout_id AND po.place_id = c.place_id
            WHERE b.id IS NULL OR b.programme_id <> c.programme_id OR c.id NOT BETWEEN b.first_check_id AND b.last_check_id
              OR (c.beneficiary_id IS NOT NULL AND bn.id IS NULL) OR (c.place_id IS NOT NULL AND pl.id IS NULL)
              OR (c.payout_id IS NOT NULL AND po.id IS NULL)
            """).first().flatMap({ try $0.optionalInt("id") }) {
            return InvariantViolation(.programmeConservation, """
                check \(Self.serial(id)) points to a booklet, beneficiary, place or payout that does not match
                """)
        }
        let ordered = try await integers("""
            SELECT o.programme_id AS k, CAST(SUM(o.booklets * p.checks_per_booklet) AS BIGINT) AS v
            FROM orders o JOIN programmes p ON p.id = o.programme_id WHERE o.state = \(bind: OrderState.fulfilled.rawValue) GROUP BY o.programme_id
            """)
        let existing = try await integers("SELECT programme_id AS k, CAST(COUNT(*) AS BIGINT) AS v FROM checks GROUP BY programme_id")
        for programme in Set(ordered.keys).union(existing.keys).sorted() {
            let issued = ordered[programme] ?? 0
            let accounted = existing[programme] ?? 0
            if issued != accounted {
                return InvariantViolation(.programmeConservation, """
                    programme \(programme): fulfilled orders issued \(issued) checks, but \(accounted) are accounted for \
                    (redeemed + outstanding + voided + expired)
                    """)
            }
        }
        // Money held for a programme = face value of its checks not redeemed nor expired (outstanding or
        // voided) + orders paid and not yet fulfilled.
        // Grouped once, then joined: a count per programme in a subquery would scan `checks` once per programme.
        let expected = try await integers("""
            SELECT p.id AS k, CAST(p.face_value_cents * COALESCE(h.n, 0) + COALESCE(unfulfilled.v, 0) AS BIGINT) AS v
            FROM programmes p
            LEFT JOIN (SELECT c.programme_id, COUNT(*) AS n FROM checks c WHERE c.state IN (\(binds: CheckState.heldByProgramme.binds))
              GROUP BY c.programme_id) h ON h.programme_id = p.id
            LEFT JOIN (SELECT o.programme_id, SUM(o.face_total_cents) AS v FROM orders o WHERE o.state = \(bind: OrderState.paid.rawValue)
              GROUP BY o.programme_id) unfulfilled ON unfulfilled.programme_id = p.id
            """)
        let held = try await integers("""
            SELECT programme_id AS k, CAST(SUM(credit_cents) - SUM(debit_cents) AS BIGINT) AS v
            FROM journal_lines WHERE account = 'programme_funds' GROUP BY programme_id
            """)
        for programme in Set(expected.keys).union(held.keys).sorted() where (expected[programme] ?? 0) != (held[programme] ?? 0) {
            return InvariantViolation(.programmeConservation, """
                programme \(programme): the journal holds \(Money(cents: held[programme] ?? 0)) for it, but its \
                outstanding and voided checks and unfulfilled paid orders are worth \(Money(cents: expected[programme] ?? 0))
                """)
        }
        return nil
    }

    /// Invariant 3: per place, what the journal owes it equals its redeemed checks not yet paid, less what it owes
    /// (deductions not yet taken from a payout). Each payout transferred its checks' value less its deductions, and
    /// the money in transit is what the batches not yet settled transfer.
    func verifyPlaces() async throws -> InvariantViolation? {
        let owed = try await integers("""
            SELECT place_id AS k, CAST(SUM(credit_cents) - SUM(debit_cents) AS BIGINT) AS v
            FROM journal_lines WHERE account = 'place_payable' GROUP BY place_id
            """)
        // A literal, as in `PayoutSQL.payable`: SQLite uses the partial index `checks_payable` only then.
        let redeemed = try await integers("""
            SELECT c.place_id AS k, CAST(SUM(p.face_value_cents) AS BIGINT) AS v
            FROM checks c JOIN programmes p ON p.id = c.programme_id WHERE c.state = \(literal: CheckState.redeemed.rawValue) GROUP BY c.place_id
            """)
        let pending = try await integers("""
            SELECT d.place_id AS k, CAST(SUM(d.amount_cents - COALESCE((SELECT SUM(a.amount_cents) FROM deduction_applications a
              WHERE a.deduction_id = d.id), 0)) AS BIGINT) AS v FROM deductions d GROUP BY d.place_id
            """)
        for place in Set(owed.keys).union(redeemed.keys).union(pending.keys).sorted() {
            let balance = owed[place] ?? 0, expected = (redeemed[place] ?? 0) - (pending[place] ?? 0)
            if balance != expected {
                return InvariantViolation(.placePayable, """
                    place \(place): payable balance is \(Money(cents: balance)) but its redeemed, unpaid checks are worth \
                    \(Money(cents: redeemed[place] ?? 0)) less \(Money(cents: pending[place] ?? 0)) of deductions still to take
                    """)
            }
        }
        // Grouped once, then joined: a sum per payout in a subquery would read the paid checks once per payout.
        if let row = try await sql.raw("""
            SELECT po.id FROM payouts po
            LEFT JOIN (SELECT c.payout_id, SUM(p.face_value_cents) AS v FROM checks c JOIN programmes p ON p.id = c.programme_id
              WHERE c.payout_id IS NOT NULL GROUP BY c.payout_id) pc ON pc.payout_id = po.id
            LEFT JOIN (SELECT a.payout_id, SUM(a.amount_cents) AS v FROM deduction_applications a GROUP BY a.payout_id) pd ON pd.payout_id = po.id
            WHERE po.amount_cents <> COALESCE(pc.v, 0) - COALESCE(pd.v, 0) OR po.amount_cents < 0
            ORDER BY po.id LIMIT 1
            """).first() {
            return InvariantViolation(.placePayable, "payout \(try row.int("id")) does not transfer its checks' value less its deductions")
        }
        let inTransit = try await sql.raw("""
            SELECT CAST(COALESCE(SUM(credit_cents) - SUM(debit_cents), 0) AS BIGINT) AS v FROM journal_lines WHERE account = 'payouts_in_transit'
            """).first(decodingColumn: "v", as: Int64.self) ?? 0
        let unsettled = try await sql.raw("""
            SELECT CAST(COALESCE(SUM(total_cents), 0) AS BIGINT) AS v FROM payout_batches WHERE state <> \(bind: PayoutBatchState.settled.rawValue)
            """).first(decodingColumn: "v", as: Int64.self) ?? 0
        if inTransit != unsettled {
            return InvariantViolation(.placePayable, """
                payouts in transit are \(Money(cents: inTransit)) in the journal but the batches not yet settled transfer \(Money(cents: unsettled))
                """)
        }
        return nil
    }

    /// Invariant 4: per funder, money received = the payments recorded, and what was applied to paid orders =
    /// their face value + fees + VAT, never more than was received (and the checks of fulfilled orders exist);
    /// credit notes = face value of its expired checks.
    func verifyFunders() async throws -> InvariantViolation? {
        // Orders paid before payments were recorded took the money from the bank in their `order_payment` entry
        // (migration 48 recorded each as one payment): that money was received and applied at once.
        let paidAtOnce = try await integers("""
            SELECT p.funder_id AS k, CAST(SUM(l.debit_cents) AS BIGINT) AS v
            FROM journal_lines l JOIN journal_transactions t ON t.id = l.transaction_id
            JOIN orders o ON t.reference = 'order:' || o.id JOIN programmes p ON p.id = o.programme_id
            WHERE t.kind = 'order_payment' AND l.account = 'bank' GROUP BY p.funder_id
            """)
        let received = try await integers("""
            SELECT l.funder_id AS k, CAST(SUM(l.credit_cents) - SUM(l.debit_cents) AS BIGINT) AS v
            FROM journal_lines l JOIN journal_transactions t ON t.id = l.transaction_id
            WHERE t.kind = 'payment_received' AND l.account = 'funder_advances' GROUP BY l.funder_id
            """).merging(paidAtOnce, uniquingKeysWith: +)
        let recorded = try await integers("""
            SELECT funder_id AS k, CAST(SUM(amount_cents) AS BIGINT) AS v FROM order_payments GROUP BY funder_id
            """)
        for funder in Set(received.keys).union(recorded.keys).sorted() where (received[funder] ?? 0) != (recorded[funder] ?? 0) {
            return InvariantViolation(.funderMoney, """
                funder \(funder): the journal received \(Money(cents: received[funder] ?? 0)) but the payments recorded \
                amount to \(Money(cents: recorded[funder] ?? 0))
                """)
        }
        let applied = try await integers("""
            SELECT l.funder_id AS k, CAST(SUM(l.debit_cents) AS BIGINT) AS v
            FROM journal_lines l JOIN journal_transactions t ON t.id = l.transaction_id
            WHERE t.kind = 'order_payment' AND l.account = 'funder_advances' GROUP BY l.funder_id
            """).merging(paidAtOnce, uniquingKeysWith: +)
        let billed = try await integers("""
            SELECT p.funder_id AS k, CAST(SUM(o.face_total_cents + o.fee_cents + o.vat_cents) AS BIGINT) AS v
            FROM orders o JOIN programmes p ON p.id = o.programme_id WHERE o.state IN (\(binds: OrderState.paidInFull.binds)) GROUP BY p.funder_id
            """)
        for funder in Set(applied.keys).union(billed.keys).sorted() {
            // That no order is paid beyond what it received is checked order by order below.
            let journal = applied[funder] ?? 0, orders = billed[funder] ?? 0
            if journal != orders {
                return InvariantViolation(.funderMoney, """
                    funder \(funder): its paid orders amount to \(Money(cents: orders)) but the journal applied \(Money(cents: journal))
                    """)
            }
        }
        if let row = try await sql.raw("""
            SELECT o.id FROM orders o WHERE o.state IN (\(binds: OrderState.paidInFull.binds))
              AND o.face_total_cents + o.fee_cents + o.vat_cents >
                (SELECT COALESCE(SUM(amount_cents), 0) FROM order_payments op WHERE op.order_id = o.id)
            ORDER BY o.id LIMIT 1
            """).first() {
            return InvariantViolation(.funderMoney, "order \(try row.int("id")) is paid but its recorded payments do not reach its total")
        }
        let fulfilled = try await integers("""
            SELECT p.funder_id AS k, CAST(SUM(o.face_total_cents) AS BIGINT) AS v
            FROM orders o JOIN programmes p ON p.id = o.programme_id WHERE o.state = \(bind: OrderState.fulfilled.rawValue) GROUP BY p.funder_id
            """)
        let issuedValue = try await integers("""
            SELECT p.funder_id AS k, CAST(SUM(p.face_value_cents) AS BIGINT) AS v
            FROM checks c JOIN programmes p ON p.id = c.programme_id GROUP BY p.funder_id
            """)
        for funder in Set(fulfilled.keys).union(issuedValue.keys).sorted() where (fulfilled[funder] ?? 0) != (issuedValue[funder] ?? 0) {
            return InvariantViolation(.funderMoney, """
                funder \(funder): fulfilled orders are worth \(Money(cents: fulfilled[funder] ?? 0)) but its checks \
                are worth \(Money(cents: issuedValue[funder] ?? 0))
                """)
        }
        let refunded = try await integers("""
            SELECT funder_id AS k, CAST(SUM(credit_cents) - SUM(debit_cents) AS BIGINT) AS v
            FROM journal_lines WHERE account = 'funder_refunds' GROUP BY funder_id
            """)
        let notes = try await integers("""
            SELECT funder_id AS k, CAST(SUM(amount_cents) AS BIGINT) AS v FROM credit_notes GROUP BY funder_id
            """)
        let expiredValue = try await integers("""
            SELECT p.funder_id AS k, CAST(SUM(p.face_value_cents) AS BIGINT) AS v
            FROM checks c JOIN programmes p ON p.id = c.programme_id WHERE c.state IN (\(binds: CheckState.creditedToFunder.binds)) GROUP BY p.funder_id
            """)
        for funder in Set(refunded.keys).union(notes.keys).union(expiredValue.keys).sorted() {
            let journal = refunded[funder] ?? 0, documents = notes[funder] ?? 0, expired = expiredValue[funder] ?? 0
            if journal != expired || documents != expired {
                return InvariantViolation(.funderMoney, """
                    funder \(funder): credit notes are \(Money(cents: documents)) (journal \(Money(cents: journal))) but \
                    its expired checks are worth \(Money(cents: expired))
                    """)
            }
        }
        return nil
    }

    /// Invariant 5: a check has at most one live redemption, and it has one exactly when it is redeemed or paid.
    func verifyRedeemedOnce() async throws -> InvariantViolation? {
        if let row = try await sql.raw("""
            SELECT check_id, CAST(COUNT(*) AS BIGINT) AS n FROM redemptions WHERE undone_at IS NULL
            GROUP BY check_id HAVING COUNT(*) > 1 ORDER BY check_id LIMIT 1
            """).first() {
            return InvariantViolation(.redeemedAtMostOnce, "check \(Self.serial(try row.int("check_id"))) is redeemed \(try row.int("n")) times")
        }
        // MIN rather than ORDER BY … LIMIT 1 (see verifyProgrammes): a hash join over the sets instead of one probe per check.
        if let id = try await sql.raw("""
            SELECT MIN(c.id) AS id FROM checks c WHERE c.state IN (\(binds: CheckState.validated.binds)) AND NOT EXISTS (
              SELECT 1 FROM redemptions r WHERE r.check_id = c.id AND r.undone_at IS NULL AND r.place_id = c.place_id)
            """).first().flatMap({ try $0.optionalInt("id") }) {
            return InvariantViolation(.redeemedAtMostOnce, "check \(Self.serial(id)) is marked redeemed without a redemption by its place")
        }
        if let row = try await sql.raw("""
            SELECT id AS check_id, state FROM checks WHERE id = (SELECT MIN(r.check_id) FROM redemptions r JOIN checks c ON c.id = r.check_id
              WHERE r.undone_at IS NULL AND c.state NOT IN (\(binds: CheckState.validated.binds)))
            """).first() {
            return InvariantViolation(.redeemedAtMostOnce, """
                check \(Self.serial(try row.int("check_id"))) has a live redemption but is \(try row.string("state"))
                """)
        }
        return nil
    }

    static func serial(_ id: Int64) -> String { CheckSerial(number: id)?.grouped ?? "#\(id)" }
}
