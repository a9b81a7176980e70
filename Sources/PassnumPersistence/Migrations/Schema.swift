import Foundation
import SQLKit

/// The database schema as numbered migrations. Append only: a released migration is never edited; a change
/// is a new migration at the end. Each one runs in its own transaction and is recorded in `schema_migrations`.
///
/// The DDL is plain SQL that SQLite and PostgreSQL both accept, except the identity column: `{id}`.
/// Amounts are BIGINT cents, instants BIGINT milliseconds since 1970, calendar days TEXT "YYYY-MM-DD".
enum Schema {
    struct Migration: Sendable {
        let version: Int
        let name: String
        let statements: [String]
        /// Data moved in Swift after the statements, in the same transaction, when plain SQL cannot (JSON columns).
        var backfill: (@Sendable (Transaction) async throws -> Void)? = nil
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "create settings", statements: [
            "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ]),
        Migration(version: 2, name: "create funders", statements: [
            "CREATE TABLE funders ({id}, name TEXT NOT NULL, created_at BIGINT NOT NULL)",
        ]),
        Migration(version: 3, name: "create prescribers", statements: [
            "CREATE TABLE prescribers ({id}, name TEXT NOT NULL, commune TEXT NOT NULL, created_at BIGINT NOT NULL)",
        ]),
        Migration(version: 4, name: "create places", statements: [
            """
            CREATE TABLE places ({id}, name TEXT NOT NULL, siret TEXT UNIQUE, commune TEXT NOT NULL,
              postcode TEXT NOT NULL, state TEXT NOT NULL, state_reason TEXT, created_at BIGINT NOT NULL,
              updated_at BIGINT NOT NULL)
            """,
        ]),
        Migration(version: 5, name: "create affiliations", statements: [
            """
            CREATE TABLE affiliations (place_id BIGINT NOT NULL REFERENCES places (id),
              funder_id BIGINT NOT NULL REFERENCES funders (id), state TEXT NOT NULL, reason TEXT,
              updated_at BIGINT NOT NULL, PRIMARY KEY (place_id, funder_id))
            """,
        ]),
        Migration(version: 6, name: "create programmes", statements: [
            """
            CREATE TABLE programmes ({id}, funder_id BIGINT NOT NULL REFERENCES funders (id), name TEXT NOT NULL,
              face_value_cents BIGINT NOT NULL, checks_per_booklet BIGINT NOT NULL, valid_from TEXT NOT NULL,
              valid_until TEXT NOT NULL, grace_days BIGINT NOT NULL, departements TEXT NOT NULL,
              communes TEXT NOT NULL, categories TEXT NOT NULL, min_checks BIGINT, max_checks BIGINT,
              created_at BIGINT NOT NULL, expired_at BIGINT)
            """,
            "CREATE INDEX programmes_funder ON programmes (funder_id)",
        ]),
        Migration(version: 7, name: "create programme_shares", statements: [
            """
            CREATE TABLE programme_shares (programme_id BIGINT NOT NULL REFERENCES programmes (id),
              position BIGINT NOT NULL, cofunder TEXT NOT NULL, basis_points BIGINT NOT NULL,
              PRIMARY KEY (programme_id, position))
            """,
        ]),
        Migration(version: 8, name: "create orders", statements: [
            """
            CREATE TABLE orders ({id}, programme_id BIGINT NOT NULL REFERENCES programmes (id),
              booklets BIGINT NOT NULL, face_total_cents BIGINT NOT NULL, fee_cents BIGINT NOT NULL,
              state TEXT NOT NULL, first_booklet_id BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX orders_programme ON orders (programme_id)",
        ]),
        Migration(version: 9, name: "create prescriber_quotas", statements: [
            """
            CREATE TABLE prescriber_quotas (programme_id BIGINT NOT NULL REFERENCES programmes (id),
              prescriber_id BIGINT NOT NULL REFERENCES prescribers (id), max_booklets BIGINT NOT NULL,
              PRIMARY KEY (programme_id, prescriber_id))
            """,
        ]),
        // booklets and checks are the bulk tables: issuance writes millions of rows at once. Their columns
        // carry no foreign keys on purpose: PostgreSQL runs a trigger per row and per reference, even for a
        // NULL, which made issuance 2 to 3 times slower than a plain insert. Only the operations of this
        // module write these columns, each after reading the row it points to, and `verify` checks every
        // reference (invariant 2).
        Migration(version: 10, name: "create booklets", statements: [
            """
            CREATE TABLE booklets (id BIGINT PRIMARY KEY, programme_id BIGINT NOT NULL,
              order_id BIGINT NOT NULL, first_check_id BIGINT NOT NULL,
              last_check_id BIGINT NOT NULL, prescriber_id BIGINT, allocated_at BIGINT)
            """,
            "CREATE INDEX booklets_stock ON booklets (programme_id, prescriber_id)",
        ]),
        Migration(version: 11, name: "create beneficiaries", statements: [
            """
            CREATE TABLE beneficiaries ({id}, prescriber_id BIGINT NOT NULL REFERENCES prescribers (id),
              first_name TEXT NOT NULL, last_name TEXT NOT NULL, birth_year BIGINT, commune TEXT NOT NULL,
              diagnostic_level BIGINT, consent_date TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX beneficiaries_prescriber ON beneficiaries (prescriber_id)",
        ]),
        // The id is the serial's sequence number, and a booklet's checks are the contiguous ids
        // first_check_id...last_check_id: the primary key finds them, so there is no index on booklet_id.
        // Issuance writes only the first four columns; the partial indexes stay empty for fresh checks.
        // No foreign keys: see booklets above.
        Migration(version: 12, name: "create checks", statements: [
            """
            CREATE TABLE checks (id BIGINT PRIMARY KEY, booklet_id BIGINT NOT NULL,
              programme_id BIGINT NOT NULL, state TEXT NOT NULL, beneficiary_id BIGINT, distributed_at BIGINT,
              place_id BIGINT, redeemed_at BIGINT, payout_id BIGINT,
              voided_at BIGINT, void_reason TEXT, expired_at BIGINT)
            """,
            "CREATE INDEX checks_payable ON checks (place_id, redeemed_at) WHERE state = 'redeemed'",
            "CREATE INDEX checks_beneficiary ON checks (beneficiary_id) WHERE beneficiary_id IS NOT NULL",
        ]),
        Migration(version: 13, name: "create redemptions", statements: [
            """
            CREATE TABLE redemptions ({id}, check_id BIGINT NOT NULL REFERENCES checks (id),
              place_id BIGINT NOT NULL REFERENCES places (id), category TEXT NOT NULL,
              redeemed_at BIGINT NOT NULL, request_key TEXT, undone_at BIGINT)
            """,
            // Invariant 5 enforced by the database itself: one live redemption per check, ever.
            "CREATE UNIQUE INDEX redemptions_live ON redemptions (check_id) WHERE undone_at IS NULL",
            "CREATE INDEX redemptions_place ON redemptions (place_id, redeemed_at)",
        ]),
        Migration(version: 14, name: "create validation_requests", statements: [
            """
            CREATE TABLE validation_requests (place_id BIGINT NOT NULL REFERENCES places (id),
              request_key TEXT NOT NULL, fingerprint TEXT NOT NULL, outcome TEXT NOT NULL,
              created_at BIGINT NOT NULL, PRIMARY KEY (place_id, request_key))
            """,
        ]),
        Migration(version: 15, name: "create payout_runs", statements: [
            """
            CREATE TABLE payout_runs (period TEXT PRIMARY KEY, ran_at BIGINT NOT NULL,
              payouts BIGINT NOT NULL, checks BIGINT NOT NULL, total_cents BIGINT NOT NULL)
            """,
        ]),
        Migration(version: 16, name: "create payouts", statements: [
            """
            CREATE TABLE payouts ({id}, place_id BIGINT NOT NULL REFERENCES places (id), period TEXT NOT NULL,
              checks BIGINT NOT NULL, amount_cents BIGINT NOT NULL, created_at BIGINT NOT NULL,
              UNIQUE (place_id, period))
            """,
        ]),
        Migration(version: 17, name: "create credit_notes", statements: [
            """
            CREATE TABLE credit_notes ({id}, programme_id BIGINT NOT NULL UNIQUE REFERENCES programmes (id),
              funder_id BIGINT NOT NULL REFERENCES funders (id), checks BIGINT NOT NULL,
              amount_cents BIGINT NOT NULL, created_at BIGINT NOT NULL)
            """,
        ]),
        Migration(version: 18, name: "create journal_transactions", statements: [
            """
            CREATE TABLE journal_transactions ({id}, kind TEXT NOT NULL, reference TEXT NOT NULL,
              actor TEXT NOT NULL, occurred_at BIGINT NOT NULL)
            """,
        ]),
        Migration(version: 19, name: "create journal_lines", statements: [
            """
            CREATE TABLE journal_lines ({id},
              transaction_id BIGINT NOT NULL REFERENCES journal_transactions (id), account TEXT NOT NULL,
              programme_id BIGINT REFERENCES programmes (id), place_id BIGINT REFERENCES places (id),
              funder_id BIGINT REFERENCES funders (id), debit_cents BIGINT NOT NULL, credit_cents BIGINT NOT NULL)
            """,
            "CREATE INDEX journal_lines_transaction ON journal_lines (transaction_id)",
        ]),
        // Serial numbers and booklet numbers are handed out in blocks from these counters.
        Migration(version: 20, name: "create counters", statements: [
            "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
            "INSERT INTO counters (name, value) VALUES ('check', 9999999999), ('booklet', 0)",
        ]),
        Migration(version: 21, name: "create users", statements: [
            """
            CREATE TABLE users ({id}, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, password_hash TEXT NOT NULL,
              organisation_kind TEXT NOT NULL, organisation_id BIGINT, role TEXT NOT NULL,
              failed_logins BIGINT NOT NULL, locked_until BIGINT, created_at BIGINT NOT NULL)
            """,
        ]),
        // Sessions live in the database so that several app servers can share them. Only token digests are kept.
        Migration(version: 22, name: "create sessions", statements: [
            """
            CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id),
              csrf_token TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
        ]),
        Migration(version: 23, name: "create password_resets", statements: [
            """
            CREATE TABLE password_resets (token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id),
              expires_at BIGINT NOT NULL, used_at BIGINT)
            """,
        ]),
        // A place's application: one row per step, its data as JSON; submitted_at locks the step.
        Migration(version: 24, name: "create place_steps", statements: [
            """
            CREATE TABLE place_steps (place_id BIGINT NOT NULL REFERENCES places (id), step TEXT NOT NULL, data TEXT NOT NULL,
              submitted_at BIGINT NOT NULL, PRIMARY KEY (place_id, step))
            """,
        ]),
        // Points of presence. open_data keeps the site's full record in the national standard, so that an
        // import followed by an export gives back every field.
        Migration(version: 25, name: "create place_sites", statements: [
            """
            CREATE TABLE place_sites ({id}, place_id BIGINT NOT NULL REFERENCES places (id), position BIGINT NOT NULL,
              name TEXT NOT NULL, address TEXT NOT NULL, postcode TEXT NOT NULL, commune_code TEXT, commune_name TEXT NOT NULL,
              latitude DOUBLE PRECISION, longitude DOUBLE PRECISION, access TEXT, open_data TEXT NOT NULL)
            """,
            "CREATE INDEX place_sites_place ON place_sites (place_id)",
            "CREATE INDEX place_sites_postcode ON place_sites (postcode)",
        ]),
        Migration(version: 26, name: "create place_documents", statements: [
            """
            CREATE TABLE place_documents ({id}, place_id BIGINT NOT NULL REFERENCES places (id), filename TEXT NOT NULL,
              content_type TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL, path TEXT NOT NULL, uploaded_at BIGINT NOT NULL)
            """,
        ]),
        // Every qualification decision: who, when, why. Never updated.
        Migration(version: 27, name: "create place_decisions", statements: [
            """
            CREATE TABLE place_decisions ({id}, place_id BIGINT NOT NULL REFERENCES places (id), from_state TEXT NOT NULL,
              to_state TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT, decided_at BIGINT NOT NULL)
            """,
            "CREATE INDEX place_decisions_place ON place_decisions (place_id)",
        ]),
        Migration(version: 28, name: "create place_services", statements: [
            """
            CREATE TABLE place_services ({id}, place_id BIGINT NOT NULL REFERENCES places (id), category TEXT NOT NULL,
              title TEXT NOT NULL, description TEXT NOT NULL, duration_minutes BIGINT NOT NULL, price_checks BIGINT NOT NULL,
              active BIGINT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX place_services_place ON place_services (place_id)",
        ]),
        Migration(version: 29, name: "create service_sessions", statements: [
            """
            CREATE TABLE service_sessions ({id}, service_id BIGINT NOT NULL REFERENCES place_services (id),
              starts_at TEXT NOT NULL, capacity BIGINT NOT NULL)
            """,
        ]),
        Migration(version: 30, name: "add service to redemptions", statements: [
            "ALTER TABLE redemptions ADD COLUMN service_id BIGINT",
        ]),
        // The tamper-evident chain: entries are numbered in the order they are chained, and each carries the
        // hash of the previous one. There are 16 chains ("lanes"), each with its head row in journal_head:
        // a transaction appends to one lane, chosen at random, and locks only that lane's head until it
        // commits. One single chain made every money transaction on PostgreSQL wait for the previous one's
        // commit (validations fell from 674/s to 313/s, see docs/BENCHMARKS.md).
        Migration(version: 31, name: "add sequence to journal_transactions", statements: [
            "ALTER TABLE journal_transactions ADD COLUMN sequence BIGINT",
        ]),
        Migration(version: 32, name: "add previous_hash to journal_transactions", statements: [
            "ALTER TABLE journal_transactions ADD COLUMN previous_hash TEXT",
        ]),
        Migration(version: 33, name: "add hash to journal_transactions", statements: [
            "ALTER TABLE journal_transactions ADD COLUMN hash TEXT",
        ]),
        Migration(version: 34, name: "add reason to journal_transactions", statements: [
            "ALTER TABLE journal_transactions ADD COLUMN reason TEXT",
        ]),
        Migration(version: 35, name: "add lane to journal_transactions", statements: [
            "ALTER TABLE journal_transactions ADD COLUMN lane BIGINT",
        ]),
        Migration(version: 36, name: "create journal_head", statements: [
            "CREATE TABLE journal_head (id BIGINT PRIMARY KEY, sequence BIGINT NOT NULL, hash TEXT NOT NULL)",
            "INSERT INTO journal_head (id, sequence, hash) VALUES "
                + (0..<16).map { "(\($0), 0, '\(String(repeating: "0", count: 64))')" }.joined(separator: ", "),
        ]),
        Migration(version: 37, name: "index journal_transactions by lane and sequence", statements: [
            "CREATE UNIQUE INDEX journal_transactions_chain ON journal_transactions (lane, sequence)",
        ]),
        // A payout run's transfers go to the bank as one SEPA file: the batch, prepared → exported → settled.
        Migration(version: 38, name: "create payout_batches", statements: [
            """
            CREATE TABLE payout_batches ({id}, period TEXT NOT NULL, state TEXT NOT NULL, payouts BIGINT NOT NULL,
              total_cents BIGINT NOT NULL, created_at BIGINT NOT NULL, exported_at BIGINT, settled_on TEXT, settled_at BIGINT)
            """,
        ]),
        Migration(version: 39, name: "add batch_id to payouts", statements: [
            "ALTER TABLE payouts ADD COLUMN batch_id BIGINT REFERENCES payout_batches (id)",
        ]),
        // What a place owes the operator (a reversed paid check, its subscription), taken from its next payouts.
        Migration(version: 40, name: "create deductions", statements: [
            """
            CREATE TABLE deductions ({id}, place_id BIGINT NOT NULL REFERENCES places (id), kind TEXT NOT NULL,
              reference TEXT NOT NULL, amount_cents BIGINT NOT NULL, reason TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX deductions_place ON deductions (place_id)",
        ]),
        // A deduction may be taken over several payouts when one is not enough.
        Migration(version: 41, name: "create deduction_applications", statements: [
            """
            CREATE TABLE deduction_applications (deduction_id BIGINT NOT NULL REFERENCES deductions (id),
              payout_id BIGINT NOT NULL REFERENCES payouts (id), amount_cents BIGINT NOT NULL, PRIMARY KEY (deduction_id, payout_id))
            """,
        ]),
        // Invoices to funders (orders) and places (subscriptions). Numbers come from per-year counters taken in
        // the invoice's own transaction, so a rolled-back invoice leaves no gap.
        Migration(version: 42, name: "create invoices", statements: [
            """
            CREATE TABLE invoices ({id}, number TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, year BIGINT NOT NULL,
              order_id BIGINT UNIQUE REFERENCES orders (id), funder_id BIGINT REFERENCES funders (id),
              place_id BIGINT REFERENCES places (id), face_cents BIGINT NOT NULL, fee_cents BIGINT NOT NULL,
              vat_cents BIGINT NOT NULL, issued_at BIGINT NOT NULL)
            """,
            "CREATE UNIQUE INDEX invoices_subscription ON invoices (place_id, year) WHERE kind = 'subscription'",
            "CREATE INDEX invoices_funder ON invoices (funder_id)",
        ]),
        Migration(version: 43, name: "add vat_cents to orders", statements: [
            "ALTER TABLE orders ADD COLUMN vat_cents BIGINT NOT NULL DEFAULT 0",
        ]),
        Migration(version: 44, name: "add number to credit_notes", statements: [
            "ALTER TABLE credit_notes ADD COLUMN number TEXT",
        ]),
        Migration(version: 45, name: "add booklet_text to programmes", statements: [
            "ALTER TABLE programmes ADD COLUMN booklet_text TEXT NOT NULL DEFAULT ''",
        ]),
        // Partner API keys: only the SHA-256 of the key is kept; the key itself is shown once.
        Migration(version: 46, name: "create api_keys", statements: [
            """
            CREATE TABLE api_keys ({id}, key_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, name TEXT NOT NULL,
              organisation_kind TEXT NOT NULL, organisation_id BIGINT NOT NULL, scopes TEXT NOT NULL, created_by TEXT NOT NULL,
              created_at BIGINT NOT NULL, last_used_at BIGINT, revoked_at BIGINT)
            """,
            "CREATE INDEX api_keys_organisation ON api_keys (organisation_kind, organisation_id)",
        ]),
        // Request counters per bucket (a key, a client address) and fixed window: in the database, so that the
        // limits hold across several app servers.
        Migration(version: 47, name: "create rate_limits", statements: [
            "CREATE TABLE rate_limits (bucket TEXT NOT NULL, window_start BIGINT NOT NULL, hits BIGINT NOT NULL, PRIMARY KEY (bucket, window_start))",
        ]),
        // Payments received for orders, as the operator reads them on the bank statement (segregation of duties:
        // the funder signs, the operator records the money; an order is paid when its payments reach the total).
        Migration(version: 48, name: "create order_payments", statements: [
            """
            CREATE TABLE order_payments ({id}, order_id BIGINT NOT NULL REFERENCES orders(id), funder_id BIGINT NOT NULL REFERENCES funders(id),
              amount_cents BIGINT NOT NULL CHECK (amount_cents > 0), value_date TEXT NOT NULL, bank_reference TEXT NOT NULL,
              recorded_by TEXT NOT NULL, recorded_at BIGINT NOT NULL)
            """,
            "CREATE INDEX order_payments_order ON order_payments (order_id)",
        ], backfill: OrderPaymentsMigration.recordEarlierPayments),
        // A place's bank details as a history of changes, each proposed by one person and verified or rejected by an
        // operator admin who is someone else (four eyes); payouts pay the latest verified change. At most one change
        // is pending per place. The details recorded before this migration (the application's bank step, one
        // person's entry) become pending changes: an operator admin verifies them once before they are paid again.
        Migration(version: 49, name: "create bank_detail_changes", statements: [
            """
            CREATE TABLE bank_detail_changes ({id}, place_id BIGINT NOT NULL REFERENCES places (id), holder TEXT NOT NULL,
              iban TEXT NOT NULL, bic TEXT NOT NULL, previous_iban TEXT, reason TEXT NOT NULL, proposed_by TEXT NOT NULL,
              proposer_kind TEXT NOT NULL, proposed_at BIGINT NOT NULL, state TEXT NOT NULL, decided_by TEXT, decided_at BIGINT,
              decision_reason TEXT)
            """,
            "CREATE INDEX bank_detail_changes_place ON bank_detail_changes (place_id, state)",
            "CREATE UNIQUE INDEX bank_detail_changes_pending ON bank_detail_changes (place_id) WHERE state = 'pending'",
        ], backfill: BankDetailsMigration.proposeRecordedDetails),
        // What each payout pays to, copied in the run's transaction: the SEPA file is written from these, never from
        // details changed later. Payouts made before this migration get the details recorded at migration time.
        Migration(version: 50, name: "add creditor to payouts", statements: [
            "ALTER TABLE payouts ADD COLUMN creditor_name TEXT",
            "ALTER TABLE payouts ADD COLUMN creditor_iban TEXT",
            "ALTER TABLE payouts ADD COLUMN creditor_bic TEXT",
        ], backfill: BankDetailsMigration.copyCreditorsToPayouts),
        // A batch's SEPA file: the debtor account it was written with and its SHA-256, so that a download is checked and
        // a missing file is written again byte for byte.
        Migration(version: 51, name: "add debtor and sepa_sha256 to payout_batches", statements: [
            "ALTER TABLE payout_batches ADD COLUMN debtor_name TEXT",
            "ALTER TABLE payout_batches ADD COLUMN debtor_iban TEXT",
            "ALTER TABLE payout_batches ADD COLUMN debtor_bic TEXT",
            "ALTER TABLE payout_batches ADD COLUMN sepa_sha256 TEXT",
        ]),
        // Sessions also end after an idle time: when each was last used, written at most once a minute.
        Migration(version: 52, name: "add last_seen_at to sessions", statements: [
            "ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT",
        ]),
        // Each run of `verify` (web, CLI, scheduler): the journal page shows the last one instead of running the whole
        // verification on every visit.
        Migration(version: 53, name: "create verify_runs", statements: [
            """
            CREATE TABLE verify_runs ({id}, started_at BIGINT NOT NULL, finished_at BIGINT NOT NULL,
              outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'violation')), violations TEXT NOT NULL, actor TEXT NOT NULL)
            """,
        ]),
        // A funder's stock in booklet order: allocation takes the lowest-numbered booklets without sorting the stock.
        Migration(version: 54, name: "index the booklets in stock", statements: [
            "CREATE INDEX booklets_in_stock ON booklets (programme_id, id) WHERE prescriber_id IS NULL",
        ]),
        // When the public index (below) last changed: the open data's ETag and Last-Modified. One row, written by the
        // transaction that changes the index.
        Migration(version: 55, name: "create public_places_version", statements: [
            "CREATE TABLE public_places_version (id BIGINT PRIMARY KEY, version BIGINT NOT NULL, changed_at BIGINT NOT NULL)",
        ]),
        // The public search index: what the finder, the places API and the open data show, one row per public place and
        // one per site, rebuilt for a place in the transaction that changes it (Places/PublicIndex.swift). Names and
        // communes are kept as keys of lower-case ASCII letters and digits, so that a prefix is a range on an index.
        // x, y, z: the site on the unit sphere in integer units of 10⁻⁸, to sort by distance with integer arithmetic only.
        Migration(version: 56, name: "create the public places index", statements: [
            """
            CREATE TABLE public_places (place_id BIGINT PRIMARY KEY REFERENCES places (id), listed BIGINT NOT NULL, name TEXT NOT NULL,
              name_key TEXT NOT NULL, category_mask BIGINT NOT NULL, programme_categories BIGINT NOT NULL, card TEXT NOT NULL,
              fingerprint TEXT NOT NULL)
            """,
            "CREATE INDEX public_places_by_name ON public_places (listed, name_key, place_id)",
            """
            CREATE TABLE public_sites (place_id BIGINT NOT NULL REFERENCES public_places (place_id), position BIGINT NOT NULL,
              name TEXT NOT NULL, address TEXT NOT NULL, postcode TEXT NOT NULL, commune_code TEXT, commune_name TEXT NOT NULL,
              commune_key TEXT NOT NULL, departement TEXT NOT NULL, latitude DOUBLE PRECISION, longitude DOUBLE PRECISION,
              x BIGINT, y BIGINT, z BIGINT, access TEXT, open_data TEXT, PRIMARY KEY (place_id, position))
            """,
            "CREATE INDEX public_sites_postcode ON public_sites (postcode)",
            "CREATE INDEX public_sites_commune_code ON public_sites (commune_code)",
            "CREATE INDEX public_sites_commune_key ON public_sites (commune_key)",
            "CREATE INDEX public_sites_departement ON public_sites (departement)",
        ], backfill: PublicIndexMigration.build),
        // How many of a booklet's checks are validated, kept by the operations that validate, undo and reverse: the row's
        // lock tells exactly one of two concurrent validations that the booklet starts (the dashboard counts started
        // booklets). Filled here for the booklets already started.
        Migration(version: 57, name: "add validated_checks to booklets", statements: [
            "ALTER TABLE booklets ADD COLUMN validated_checks BIGINT NOT NULL DEFAULT 0",
            """
            UPDATE booklets SET validated_checks = (SELECT COUNT(*) FROM checks c
              WHERE c.id BETWEEN booklets.first_check_id AND booklets.last_check_id AND c.state IN ('redeemed', 'paid'))
            WHERE id IN (SELECT booklet_id FROM checks WHERE state IN ('redeemed', 'paid'))
            """,
        ]),
        // Counters the dashboards and the overview read instead of scanning checks, kept in the transaction of each
        // operation that changes them and spread over the journal's lanes (see Reporting/Tallies.swift); `verify`
        // recomputes them. Filled here from the rows (months are Paris months: computed in Swift).
        Migration(version: 58, name: "create tallies", statements: [
            """
            CREATE TABLE tallies (dimension TEXT NOT NULL, programme_id BIGINT NOT NULL, ref BIGINT NOT NULL, code TEXT NOT NULL,
              lane BIGINT NOT NULL, checks BIGINT NOT NULL, PRIMARY KEY (dimension, programme_id, ref, code, lane))
            """,
        ], backfill: { tx in try await tx.refillTallies(TallyDimension.allCases.filter { !TallyDimension.filledLater.contains($0) }) }),
        // The listings page by keyset (Database/Paging.swift): each page is a range of one of these indexes, in the
        // listing's order, so any page costs what the first does. The place's validations gain the id as a tie-break
        // (the new index replaces the old one, a prefix of it).
        Migration(version: 59, name: "index the listings' keyset orders", statements: [
            "CREATE INDEX places_by_name ON places (name, id)",
            "CREATE INDEX places_by_state ON places (state, name, id)",
            "CREATE INDEX redemptions_place_page ON redemptions (place_id, redeemed_at, id)",
            "DROP INDEX redemptions_place",
            "CREATE INDEX invoices_funder_page ON invoices (funder_id, id)",
            "CREATE INDEX invoices_place_page ON invoices (place_id, id)",
            "CREATE INDEX beneficiaries_by_name ON beneficiaries (prescriber_id, last_name, first_name, id)",
            "CREATE INDEX booklets_prescriber ON booklets (prescriber_id, id) WHERE prescriber_id IS NOT NULL",
            "CREATE INDEX affiliations_funder ON affiliations (funder_id, place_id)",
        ]),
        // A payout's checks (its statement, the run's per-payout check, verify's recount of each payout) by index, not by
        // a scan of every check; in the statement's order. Only paid checks have a payout, so the index stays small.
        Migration(version: 60, name: "index the checks of each payout", statements: [
            "CREATE INDEX checks_payout ON checks (payout_id, redeemed_at, id) WHERE payout_id IS NOT NULL",
        ]),
        // The mail outbox (Mail/Outbox.swift): written with the event, delivered by the app's worker.
        Migration(version: 61, name: "create outbox", statements: [
            """
            CREATE TABLE outbox ({id}, recipient TEXT NOT NULL, kind TEXT NOT NULL, notice TEXT NOT NULL,
              state TEXT NOT NULL, attempts BIGINT NOT NULL, next_attempt_at BIGINT NOT NULL, created_at BIGINT NOT NULL,
              sent_at BIGINT, last_error TEXT, message_id TEXT)
            """,
            "CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id)",
        ]),
        // A prescriber's stock (checks still to hand out, by booklet) by index, not by a range join over every check: only
        // allocated checks are in it. Queries must write the condition as here (a literal) for the index to apply.
        Migration(version: 62, name: "index the allocated checks of each booklet", statements: [
            "CREATE INDEX checks_allocated ON checks (booklet_id) WHERE state = 'allocated'",
        ]),
        // The month's payout preview totals (the operator's payouts page) from this index alone, in date order: only
        // checks waiting for their payout are in it. The condition as in PayoutSQL.payable.
        Migration(version: 63, name: "index the payable checks by date", statements: [
            "CREATE INDEX checks_payable_month ON checks (redeemed_at, programme_id, place_id) WHERE state = 'redeemed'",
        ]),
        // What each payout took of deductions (a place's statement, the statement files, verify), by index: the table only grows.
        Migration(version: 64, name: "index deduction applications by payout", statements: [
            "CREATE INDEX deduction_applications_payout ON deduction_applications (payout_id)",
        ]),
        // The outbox's delivery (PassnumApp/Mail/MailDelivery.swift): the run that claimed a row (several servers share
        // the queue), and the operator's list by state, newest first.
        Migration(version: 65, name: "outbox claims and list", statements: [
            "ALTER TABLE outbox ADD COLUMN claim TEXT",
            "CREATE INDEX outbox_claim ON outbox (claim) WHERE claim IS NOT NULL",
            "CREATE INDEX outbox_by_state ON outbox (state, id)",
        ]),
        // An invited account has no password until its holder follows the link (Accounts/Team.swift). Only the token's
        // digest is kept; a row is purged once accepted or expired.
        Migration(version: 66, name: "create invitations", statements: [
            """
            CREATE TABLE invitations (token_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id),
              invited_by TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, accepted_at BIGINT)
            """,
            "CREATE INDEX invitations_user ON invitations (user_id)",
        ]),
        // A member who leaves is deactivated, never deleted: the journal and the records keep naming them.
        Migration(version: 67, name: "add deactivation to users", statements: [
            "ALTER TABLE users ADD COLUMN deactivated_at BIGINT",
            "ALTER TABLE users ADD COLUMN deactivated_by TEXT",
            "CREATE INDEX users_organisation ON users (organisation_kind, organisation_id, email)",
        ]),
        // Scheduled jobs (PassnumApp/Jobs): one row per job, its lease (the server that runs it, until when) and its last run.
        Migration(version: 68, name: "create jobs", statements: [
            """
            CREATE TABLE jobs (name TEXT PRIMARY KEY, leased_by TEXT, lease_until BIGINT, last_started_at BIGINT,
              last_finished_at BIGINT, last_duration_ms BIGINT, last_result TEXT, last_error TEXT, next_due_at BIGINT NOT NULL)
            """,
        ]),
        // The purge removes idempotency records by age (Jobs/Purge.swift): without an index it would read them all.
        Migration(version: 69, name: "index validation_requests by age", statements: [
            "CREATE INDEX validation_requests_created ON validation_requests (created_at)",
        ]),
        // A beneficiary whose name was replaced by a pseudonym (Privacy/PersonalData.swift): when, so the purge skips them.
        Migration(version: 70, name: "add pseudonymised_at to beneficiaries", statements: [
            "ALTER TABLE beneficiaries ADD COLUMN pseudonymised_at BIGINT",
        ]),
        // Messages that must go once whatever the number of runs (Mail/Notices.swift: "programme-ending:<id>:30").
        Migration(version: 71, name: "create notice_marks", statements: [
            "CREATE TABLE notice_marks (key TEXT PRIMARY KEY, created_at BIGINT NOT NULL)",
        ]),
        // A public buyer's identifiers on its e-invoices (Billing/FacturXSources.swift): a funder's SIRET, Chorus Pro service
        // code and default engagement number; an order's own engagement number, which wins.
        Migration(version: 72, name: "add buyer identifiers to funders and orders", statements: [
            "ALTER TABLE funders ADD COLUMN siret TEXT",
            "ALTER TABLE funders ADD COLUMN chorus_service_code TEXT",
            "ALTER TABLE funders ADD COLUMN engagement_number TEXT",
            "ALTER TABLE orders ADD COLUMN engagement_number TEXT",
        ]),
        // `passnum invoices export --month` finds a month's documents by date, then pages them by id.
        Migration(version: 73, name: "index invoices and credit notes by date", statements: [
            "CREATE INDEX invoices_issued_at ON invoices (issued_at)",
            "CREATE INDEX credit_notes_created_at ON credit_notes (created_at)",
        ]),
        // The public statistics' distinct people and places by département and month (Reporting/UsageStatistics.swift):
        // the marks a validation claims, filled here from the redemptions with their counters.
        Migration(version: 74, name: "create usage_marks", statements: [
            "CREATE TABLE usage_marks (measure TEXT NOT NULL, code TEXT NOT NULL, ref BIGINT NOT NULL, PRIMARY KEY (measure, code, ref))",
        ], backfill: { tx in
            try await tx.refillUsageMarks()
            try await tx.refillTallies([.people, .activePlaces])
        }),
        // The journal's public witness of each day (Ledger/JournalWitnesses.swift): the hash of the 16 lanes' heads at the
        // end of the day and the sequences of that cut.
        Migration(version: 75, name: "create journal_witnesses", statements: [
            "CREATE TABLE journal_witnesses (day TEXT PRIMARY KEY, hash TEXT NOT NULL, sequences TEXT NOT NULL, published_at BIGINT NOT NULL)",
        ]),
        // A programme's diagnostic grid (`DiagnosticGrid.code`); NULL is the standard grid.
        Migration(version: 76, name: "add diagnostic_grid to programmes", statements: [
            "ALTER TABLE programmes ADD COLUMN diagnostic_grid TEXT",
        ]),
        // The co-funding statement's monthly grain: checks issued and handed out by programme and month (tallies).
        Migration(version: 77, name: "fill tallies of checks issued and handed out by month", statements: [],
                  backfill: { tx in try await tx.refillTallies([.issuedMonth, .handedOutMonth]) }),
        // The publics a programme declares (`TargetPublic` codes joined by "|", '' for none) and the one a hand-out recorded
        // on each check, as a statistic only (not on the person): the co-funding statement's split. No backfill: no
        // check had one before.
        Migration(version: 78, name: "add target publics to programmes and checks", statements: [
            "ALTER TABLE programmes ADD COLUMN target_publics TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE checks ADD COLUMN target_public TEXT",
        ]),
        // When the diagnostic's level was recorded; NULL for levels recorded before this column existed.
        Migration(version: 79, name: "add diagnostic_at to beneficiaries", statements: [
            "ALTER TABLE beneficiaries ADD COLUMN diagnostic_at BIGINT",
        ]),
        // The communes the platform knows (Places/Communes.swift): the published places' sites give codes, names and
        // postcodes, the programmes' perimeters codes only (name NULL). name_key as public_sites.commune_key, so that a
        // prefix of a name is a range on an index.
        Migration(version: 80, name: "create communes", statements: [
            "CREATE TABLE communes (code TEXT PRIMARY KEY, name TEXT, name_key TEXT)",
            "CREATE INDEX communes_by_name ON communes (name_key, code)",
            "CREATE TABLE commune_postcodes (postcode TEXT NOT NULL, code TEXT NOT NULL REFERENCES communes (code), PRIMARY KEY (postcode, code))",
            "CREATE INDEX commune_postcodes_code ON commune_postcodes (code)",
        ], backfill: { tx in try await tx.fillCommunes() }),
        // People reached by each programme (Reporting/PeopleReached.swift): one mark per programme and person, claimed at
        // the first hand-out with the month and the person's commune, age bracket and level that day; filled here from
        // the checks (with the people's commune, birth year and level as they are now), with their three tallies.
        Migration(version: 81, name: "create reach_marks", statements: [
            """
            CREATE TABLE reach_marks (programme_id BIGINT NOT NULL, beneficiary_id BIGINT NOT NULL, month TEXT NOT NULL,
              commune TEXT NOT NULL, age TEXT NOT NULL, level TEXT NOT NULL, PRIMARY KEY (programme_id, beneficiary_id))
            """,
        ], backfill: { tx in
            try await tx.refillReachMarks()
            try await tx.refillTallies(TallyDimension.reach)
        }),
        // The VAT rate an order's fee was taxed at, copied on its invoice (and a subscription's): an e-invoice states the
        // rate of its issue, not today's. Every earlier amount was taxed at 20 %, the only rate the code ever applied.
        Migration(version: 82, name: "add vat_rate_bp to orders and invoices", statements: [
            "ALTER TABLE orders ADD COLUMN vat_rate_bp BIGINT NOT NULL DEFAULT 2000",
            "ALTER TABLE invoices ADD COLUMN vat_rate_bp BIGINT NOT NULL DEFAULT 2000",
        ]),
        // Paid checks by programme and month of redemption (tallies): with the validated ones by month, the payout
        // preview's totals without reading the month's checks.
        Migration(version: 83, name: "fill tallies of checks paid by month of redemption", statements: [],
                  backfill: { tx in try await tx.refillTallies([.paidMonth]) }),
    ]

    static func ddl(_ statement: String, for kind: DatabaseKind) -> String {
        let identity = switch kind {
        case .sqlite: "id INTEGER PRIMARY KEY"
        case .postgres: "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
        }
        return statement.replacingOccurrences(of: "{id}", with: identity)
    }

    /// Applies the migrations not yet recorded, each in its own transaction. Safe when several servers start
    /// together: on PostgreSQL an advisory lock lets one migrate while the others wait.
    static func migrate(_ store: Store) async throws {
        // Under the lock too: two PostgreSQL sessions creating the same table at once can both pass IF NOT EXISTS,
        // and the second then fails on the catalogue's unique index.
        try await store.transaction { tx in
            try await lockMigrations(tx)
            try await tx.sql.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL,
                  applied_at BIGINT NOT NULL)
                """).run()
        }
        for migration in migrations {
            try await store.transaction { tx in
                try await lockMigrations(tx)
                let applied = try await tx.sql.raw("SELECT version FROM schema_migrations WHERE version = \(bind: Int64(migration.version))")
                    .first()
                guard applied == nil else { return }
                for statement in migration.statements {
                    try await tx.sql.raw(SQLQueryString(ddl(statement, for: tx.kind))).run()
                }
                try await migration.backfill?(tx)
                try await tx.sql.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: Int64(migration.version)), \(bind: migration.name), \(bind: Date().millis))
                    """).run()
            }
        }
    }

    /// Until the transaction ends, the other servers' migrations wait here (PostgreSQL; SQLite's write transactions
    /// are serialised already).
    private static func lockMigrations(_ tx: Transaction) async throws {
        if tx.kind == .postgres { try await tx.sql.raw("SELECT pg_advisory_xact_lock(7247262)").run() }
    }
}

extension Date {
    /// Milliseconds since 1970, as stored in the database.
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }
}
