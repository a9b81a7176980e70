import Foundation
import PassnumDomain
import SQLKit

/// A document to issue as an e-invoice: an invoice, or a credit note with the invoices it corrects (those of its
/// programme's orders: the credit note returns the face value of their checks left unused).
public enum EDocument: Sendable, Equatable {
    case invoice(Invoice)
    case creditNote(CreditNoteDocument, corrects: [FacturX.Reference])

    public var number: String {
        switch self {
        case .invoice(let invoice): invoice.number
        case .creditNote(let note, _): note.number
        }
    }
}

extension Store {
    /// A funder's identifiers as a public buyer (its organisation page).
    public func buyerIdentifiers(funder: FunderID) async throws -> BuyerIdentifiers {
        try await read { tx in
            guard let row = try await tx.sql.raw("""
                SELECT siret AS buyer_siret, chorus_service_code, engagement_number FROM funders WHERE id = \(bind: funder.rawValue)
                """).first() else { throw DomainError.notFound("funder \(funder)") }
            return try Transaction.buyer(row)
        }
    }

    /// Sets a funder's SIRET, Chorus Pro service code and default engagement number, read on every e-invoice issued from
    /// now on (and on the downloads of earlier ones: the XML is made when asked). The funder's managers or the operator;
    /// journaled with who and what.
    public func setBuyerIdentifiers(_ identifiers: BuyerIdentifiers, funder: FunderID, actor: Actor) async throws {
        let checked = try BuyerIdentifiers.validated(siret: identifiers.siret, serviceCode: identifiers.serviceCode,
                                                     engagementNumber: identifiers.engagementNumber)
        try actor.requireFunderOrOperator(funder, else: "funder \(funder)")
        let now = clock.now
        try await transaction { tx in
            let updated = try await tx.sql.raw("""
                UPDATE funders SET siret = \(bind: checked.siret), chorus_service_code = \(bind: checked.serviceCode),
                  engagement_number = \(bind: checked.engagementNumber)
                WHERE id = \(bind: funder.rawValue) RETURNING id
                """).all()
            guard updated.count == 1 else { throw DomainError.notFound("funder \(funder)") }
            try await tx.post(.event(.settingsChanged, reference: "funder:\(funder):buyer",
                                     reason: "SIRET \(checked.siret ?? "none"), service code \(checked.serviceCode ?? "none"), "
                                        + "engagement number \(checked.engagementNumber ?? "none")"),
                              actor: actor, at: now)
        }
    }

    /// Sets an order's engagement (purchase order) number, which wins over the funder's, while the order is not yet
    /// invoiced: the invoice must carry the number it was issued with. Journaled.
    public func setEngagementNumber(_ text: String?, order id: OrderID, actor: Actor) async throws {
        let number = try BuyerIdentifiers.engagementNumber(text)
        let now = clock.now
        try await transaction { tx in
            let order = try await tx.order(id, lock: true)
            _ = try tx.party(of: actor, forOrderOf: try await tx.programme(order.programme).funder, order: id)
            let editable = OrderState.allCases.filter(\.isBeforeInvoice)
            let updated = try await tx.sql.raw("""
                UPDATE orders SET engagement_number = \(bind: number), updated_at = \(bind: now.millis)
                WHERE id = \(bind: id.rawValue) AND state IN (\(binds: editable.binds)) RETURNING id
                """).all()
            guard updated.count == 1 else {
                throw DomainError.invalidTransition(entity: "order \(id)", from: order.state.rawValue, to: "new engagement number")
            }
            try await tx.post(.event(.settingsChanged, reference: "order:\(id):engagement", reason: "engagement number \(number ?? "none")"),
                              actor: actor, at: now)
        }
    }

    /// A credit note with the invoices it corrects, if `funder` may see it (every one for the operator: `funder` nil).
    public func eCreditNote(_ id: CreditNoteID, funder: FunderID?) async throws -> EDocument? {
        let filter: SQLQueryString = "cn.id = \(bind: id.rawValue)" + (funder.map { " AND cn.funder_id = \(bind: $0.rawValue)" } ?? "")
        return try await read { tx in try await tx.eCreditNotes(where: filter, .first).rows.first }
    }

    /// Every invoice (oldest first) and credit note (newest first) issued in `month` (Paris time), a batch at a time: a
    /// bounded number of statements per batch whatever the month holds (national scale: thousands of documents).
    public func forEachEDocument(issuedIn month: Month, batch: Int = 500, _ body: (EDocument) async throws -> Void) async throws {
        let (start, end) = month.interval
        var after: Int64 = 0
        while true {
            let from = after
            let invoices = try await read { tx in
                try await tx.sql.raw(Transaction.invoiceSelect + """
                     WHERE i.issued_at >= \(bind: start.millis) AND i.issued_at < \(bind: end.millis) AND i.id > \(bind: from)
                    ORDER BY i.id LIMIT \(bind: Int64(batch))
                    """).all().map(Transaction.invoice)
            }
            for invoice in invoices { try await body(.invoice(invoice)) }
            guard invoices.count == batch, let last = invoices.last else { break }
            after = last.id.rawValue
        }
        var cursor: Cursor? = nil
        repeat {
            let filter: SQLQueryString = "cn.created_at >= \(bind: start.millis) AND cn.created_at < \(bind: end.millis)"
            let page = PageRequest(after: cursor, limit: min(batch, PageRequest.maximumLimit))
            let notes = try await read { tx in try await tx.eCreditNotes(where: filter, page) }
            for note in notes.rows { try await body(note) }
            cursor = notes.next
        } while cursor != nil
    }
}

extension Transaction {
    /// Credit notes matching `filter`, newest first, a page at a time, each with the invoices of its programme's
    /// orders, read for the whole page in one statement.
    func eCreditNotes(where filter: SQLQueryString, _ page: PageRequest) async throws -> Page<EDocument> {
        let notes = try await creditNotes(where: filter, page)
        let programmes = notes.rows.map(\.programme.rawValue)
        var corrected: [ProgrammeID: [FacturX.Reference]] = [:]
        var engagement: [ProgrammeID: String] = [:]
        if !programmes.isEmpty {
            for row in try await sql.raw("""
                SELECT o.programme_id, o.engagement_number, i.number, i.issued_at FROM invoices i JOIN orders o ON o.id = i.order_id
                WHERE o.programme_id IN (\(binds: programmes)) ORDER BY i.id
                """).all() {
                let programme: ProgrammeID = try row.id("programme_id")
                corrected[programme, default: []].append(
                    FacturX.Reference(number: try row.string("number"), issued: CivilDate(Date(millis: try row.int("issued_at")))))
                // The latest order's number, when it has one, is the engagement the credit note goes against.
                if let number = try row.optionalString("engagement_number") { engagement[programme] = number }
            }
        }
        return Page(rows: notes.rows.map { note in
            var note = note
            if let number = engagement[note.programme] { note.buyer.engagementNumber = number }
            return .creditNote(note, corrects: corrected[note.programme] ?? [])
        }, next: notes.next)
    }
}
