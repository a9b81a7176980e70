import Foundation
import PassnumDomain
import SQLKit

/// An invoice to a funder (for an order) or to a place (its yearly subscription).
public struct Invoice: Sendable, Equatable {
    public enum Kind: String, Sendable { case order, subscription }

    public let id: InvoiceID
    public let number: String
    public let kind: Kind
    public let order: OrderID?
    public let funder: FunderID?
    public let place: PlaceID?
    /// Who is billed: the funder's or the place's name.
    public let customer: String
    public let amounts: InvoiceAmounts
    public let issuedAt: Date
    /// For an order: its programme, booklets and checks.
    public let programme: String?
    public let booklets: Int
    public let checks: Int
    /// The buyer's identifiers for its e-invoice: the funder's or the place's SIRET, the funder's service code, the
    /// order's engagement number or else the funder's.
    public var buyer = BuyerIdentifiers()
}

/// A credit note: the face value of a programme's expired checks, returned to its funder, split by co-funder.
public struct CreditNoteDocument: Sendable, Equatable {
    public let id: CreditNoteID
    public let number: String
    public let programme: ProgrammeID
    public let programmeName: String
    public let funder: FunderID
    public let funderName: String
    public let checks: Int
    public let faceValue: Money
    public let amount: Money
    public let issuedAt: Date
    public let shares: [Share]
    /// The funder's identifiers for its e-invoice.
    public var buyer = BuyerIdentifiers()

    public struct Share: Sendable, Equatable {
        public let cofunder: String
        public let percent: String
        public let amount: Money
    }
}

extension Store {
    /// The fees in force: the management fee on new orders and the yearly place subscription.
    public func feeSchedule() async throws -> FeeSchedule {
        try await read { tx in try await tx.feeSchedule() }
    }

    /// Changes the fees for orders created and subscriptions charged from now on; journaled with who and why.
    public func setFeeSchedule(_ schedule: FeeSchedule, actor: Actor, reason: String? = nil) async throws {
        try schedule.validate()
        let now = clock.now
        try await transaction { tx in
            for (name, value) in [("management_fee", schedule.managementFee.code), ("place_subscription_cents", String(schedule.placeSubscription.cents))] {
                try await tx.sql.raw("DELETE FROM settings WHERE name = \(bind: name)").run()
                try await tx.sql.raw("INSERT INTO settings (name, value) VALUES (\(bind: name), \(bind: value))").run()
            }
            try await tx.post(.event(.settingsChanged, reference: "fees",
                                     reason: "management fee \(schedule.managementFee.code), place subscription \(schedule.placeSubscription.cents) cents"
                                        + (reason.map { ": " + $0 } ?? "")),
                              actor: actor, at: now)
        }
    }

    /// Issues this year's subscription invoice to every qualified place that has none yet, when the subscription
    /// is not zero. Idempotent (one per place and year, enforced by a unique index). The amount, VAT included,
    /// is deducted from the place's next payouts. Returns the invoices issued by this call.
    @discardableResult
    public func chargeSubscriptions(actor: Actor = .system) async throws -> [Invoice] {
        let now = clock.now
        let year = CivilDate(now).year
        let schedule = try await feeSchedule()
        guard schedule.placeSubscription > .zero else { return [] }
        let places = try await read { tx in
            try await tx.sql.raw("""
                SELECT p.id FROM places p WHERE p.state = \(bind: PlaceState.qualified.rawValue) AND NOT EXISTS (
                  SELECT 1 FROM invoices i WHERE i.kind = 'subscription' AND i.place_id = p.id AND i.year = \(bind: Int64(year)))
                ORDER BY p.id
                """).all().map { PlaceID(try $0.int("id")) }
        }
        var issued: [Invoice] = []
        for place in places {
            let invoice: Invoice? = try await transaction { tx in
                // Checked under the place's lock: a concurrent tick that got there first makes this one do nothing.
                _ = try await tx.placeState(place, lock: true)
                guard try await tx.sql.raw("""
                    SELECT id FROM invoices WHERE kind = 'subscription' AND place_id = \(bind: place.rawValue) AND year = \(bind: Int64(year))
                    """).first() == nil else { return nil }
                let amounts = InvoiceAmounts(face: .zero, fee: schedule.placeSubscription)
                let invoice = try await tx.invoice(
                    try await tx.issueInvoice(kind: .subscription, amounts: amounts, order: nil, funder: nil, place: place, at: now, actor: actor))
                let number = invoice.number
                try await tx.sql.raw("""
                    INSERT INTO deductions (place_id, kind, reference, amount_cents, reason, created_at)
                    VALUES (\(bind: place.rawValue), \(bind: DeductionKind.subscription.rawValue), \(bind: number), \(bind: amounts.total.cents),
                      \(bind: String(year)), \(bind: now.millis))
                    """).run()
                try await tx.post(try JournalEntry(kind: .subscription, reference: "invoice:\(number)", lines: [
                    .debit(.placePayable(place), amounts.total),
                    .credit(.feeRevenue, amounts.fee),
                    .credit(.vatPayable, amounts.vat),
                ]), actor: actor, at: now)
                return invoice
            }
            if let invoice { issued.append(invoice) }
        }
        return issued
    }

    public func invoice(_ id: InvoiceID) async throws -> Invoice {
        try await read { tx in try await tx.invoice(id) }
    }

    /// A funder's invoices, or a place's (all when both are nil), newest first, a page at a time.
    public func invoices(funder: FunderID? = nil, place: PlaceID? = nil, _ page: PageRequest = .first) async throws -> Page<Invoice> {
        var conditions: SQLQueryString = "1 = 1"
        if let funder { conditions = conditions + " AND i.funder_id = \(bind: funder.rawValue)" }
        if let place { conditions = conditions + " AND i.place_id = \(bind: place.rawValue)" }
        let filter = conditions
        return try await read { tx in
            try await tx.page(Transaction.invoiceSelect + " WHERE " + filter, keyset: Keyset(.invoices, id: "i.id", descending: true), page,
                              row: Transaction.invoice)
        }
    }

    /// A funder's credit notes (all when nil), newest first, a page at a time, each split by co-funding share. The
    /// shares of the page's programmes are read together.
    public func creditNotes(funder: FunderID? = nil, _ page: PageRequest = .first) async throws -> Page<CreditNoteDocument> {
        let filter: SQLQueryString = funder.map { "cn.funder_id = \(bind: $0.rawValue)" } ?? "1 = 1"
        return try await read { tx in try await tx.creditNotes(where: filter, page) }
    }

    /// One credit note, if `funder` may see it (every one for the operator: `funder` nil).
    public func creditNote(_ id: CreditNoteID, funder: FunderID?) async throws -> CreditNoteDocument? {
        let filter: SQLQueryString = "cn.id = \(bind: id.rawValue)" + (funder.map { " AND cn.funder_id = \(bind: $0.rawValue)" } ?? "")
        return try await read { tx in try await tx.creditNotes(where: filter, .first).rows.first }
    }
}

extension Transaction {
    /// Credit notes matching `filter` (on `credit_notes cn`), newest first, a page at a time.
    func creditNotes(where filter: SQLQueryString, _ page: PageRequest) async throws -> Page<CreditNoteDocument> {
        let rows = try await self.page("""
            SELECT cn.id, cn.number, cn.programme_id, cn.funder_id, cn.checks, cn.amount_cents, cn.created_at,
              p.name AS programme_name, p.face_value_cents, f.name AS funder_name,
              f.siret AS buyer_siret, f.chorus_service_code, f.engagement_number
            FROM credit_notes cn JOIN programmes p ON p.id = cn.programme_id JOIN funders f ON f.id = cn.funder_id
            """ + " WHERE " + filter, keyset: Keyset(.creditNotes, id: "cn.id", descending: true), page) { $0 }
        // The terms of the page's programmes, read together: two statements whatever the number of notes.
        let terms = try await programmes(ids: try rows.rows.map { try $0.int("programme_id") }).mapValues(\.terms)
        var notes: [CreditNoteDocument] = []
        for row in rows.rows {
            let programme: ProgrammeID = try row.id("programme_id")
            guard let programmeTerms = terms[programme] else { throw DomainError.notFound("programme \(programme)") }
            let amount = Money(cents: try row.int("amount_cents"))
            var note = CreditNoteDocument(
                id: try row.id("id"), number: try row.optionalString("number") ?? "—", programme: programme,
                programmeName: try row.string("programme_name"), funder: try row.id("funder_id"),
                funderName: try row.string("funder_name"), checks: Int(try row.int("checks")),
                faceValue: Money(cents: try row.int("face_value_cents")), amount: amount,
                issuedAt: Date(millis: try row.int("created_at")),
                shares: zip(programmeTerms.shares, programmeTerms.split(amount)).map {
                    CreditNoteDocument.Share(cofunder: $0.1.cofunder, percent: $0.0.percentText, amount: $0.1.amount)
                })
            note.buyer = try Self.buyer(row)
            notes.append(note)
        }
        return Page(rows: notes, next: rows.next)
    }
}

extension Transaction {
    func feeSchedule() async throws -> FeeSchedule {
        var settings: [String: String] = [:]
        for row in try await sql.raw("SELECT name, value FROM settings WHERE name IN ('management_fee', 'place_subscription_cents')").all() {
            settings[try row.string("name")] = try row.string("value")
        }
        return FeeSchedule(
            managementFee: settings["management_fee"].flatMap(ManagementFee.init(code:)) ?? .none,
            placeSubscription: Money(cents: settings["place_subscription_cents"].flatMap { Int64($0) } ?? 0))
    }

    /// The next number of a series in the year: the counter is incremented in this transaction, so its row
    /// stays locked until commit (PostgreSQL) and a rollback gives the number back. No gaps, no duplicates.
    func nextNumber(_ series: DocumentNumber.Series, at instant: Date) async throws -> DocumentNumber {
        let year = CivilDate(instant).year
        let name = series.counter(year: year)
        try await sql.raw("INSERT INTO counters (name, value) VALUES (\(bind: name), 0) ON CONFLICT (name) DO NOTHING").run()
        guard let value = try await sql.raw("UPDATE counters SET value = value + 1 WHERE name = \(bind: name) RETURNING value")
            .first(decodingColumn: "value", as: Int64.self) else { throw DomainError.notFound("counter \(name)") }
        return DocumentNumber(series: series, year: year, sequence: value)
    }

    /// Writes an invoice with the next number of the year and journals its issue. Returns its id.
    func issueInvoice(kind: Invoice.Kind, amounts: InvoiceAmounts, order: OrderID?, funder: FunderID?, place: PlaceID?,
                      at instant: Date, actor: Actor) async throws -> InvoiceID {
        let number = try await nextNumber(.invoice, at: instant)
        let id = InvoiceID(try await insertReturningID("""
            INSERT INTO invoices (number, kind, year, order_id, funder_id, place_id, face_cents, fee_cents, vat_cents, vat_rate_bp, issued_at)
            VALUES (\(bind: number.description), \(bind: kind.rawValue), \(bind: Int64(number.year)), \(bind: order?.rawValue),
              \(bind: funder?.rawValue), \(bind: place?.rawValue), \(bind: amounts.face.cents), \(bind: amounts.fee.cents),
              \(bind: amounts.vat.cents), \(bind: amounts.vatRate), \(bind: instant.millis))
            """))
        try await post(.event(.invoiceIssued, reference: "invoice:\(number)",
                              reason: "\(kind.rawValue) \(amounts.total.cents) cents" + (order.map { " for order \($0)" } ?? "")),
                       actor: actor, at: instant)
        try await noticeInvoice(id, number: number.description, total: amounts.total, funder: funder, place: place, at: instant)
        return id
    }

    func invoice(_ id: InvoiceID) async throws -> Invoice {
        guard let invoice = try await sql.raw(Self.invoiceSelect + " WHERE i.id = \(bind: id.rawValue)").first().map(Self.invoice) else {
            throw DomainError.notFound("invoice \(id)")
        }
        return invoice
    }

    /// Invoices with what their documents show, to be followed by a `WHERE` on `invoices i`.
    static let invoiceSelect: SQLQueryString = """
        SELECT i.id, i.number, i.kind, i.order_id, i.funder_id, i.place_id, i.face_cents, i.fee_cents, i.vat_cents, i.vat_rate_bp, i.issued_at,
          COALESCE(f.name, pl.name) AS customer, p.name AS programme_name, o.booklets, p.checks_per_booklet,
          COALESCE(f.siret, pl.siret) AS buyer_siret, f.chorus_service_code, COALESCE(o.engagement_number, f.engagement_number) AS engagement_number
        FROM invoices i LEFT JOIN funders f ON f.id = i.funder_id LEFT JOIN places pl ON pl.id = i.place_id
          LEFT JOIN orders o ON o.id = i.order_id LEFT JOIN programmes p ON p.id = o.programme_id
        """

    static func invoice(_ row: any SQLRow) throws -> Invoice {
        let booklets = try row.optionalInt("booklets") ?? 0
        var invoice = Invoice(
            id: try row.id("id"), number: try row.string("number"), kind: try Invoice.Kind(rawValue: try row.string("kind")).orThrow("invoices.kind"),
            order: try row.optionalID("order_id"), funder: try row.optionalID("funder_id"),
            place: try row.optionalID("place_id"), customer: try row.optionalString("customer") ?? "",
            amounts: InvoiceAmounts(face: Money(cents: try row.int("face_cents")), fee: Money(cents: try row.int("fee_cents")),
                                    vat: Money(cents: try row.int("vat_cents")), vatRate: try row.int("vat_rate_bp")),
            issuedAt: Date(millis: try row.int("issued_at")), programme: try row.optionalString("programme_name"),
            booklets: Int(booklets), checks: Int(booklets * (try row.optionalInt("checks_per_booklet") ?? 0)))
        invoice.buyer = try buyer(row)
        return invoice
    }

    /// The buyer's identifiers a document's select reads (`buyer_siret`, `chorus_service_code`, `engagement_number`).
    static func buyer(_ row: any SQLRow) throws -> BuyerIdentifiers {
        BuyerIdentifiers(siret: try row.optionalString("buyer_siret"), serviceCode: try row.optionalString("chorus_service_code"),
                         engagementNumber: try row.optionalString("engagement_number"))
    }
}
