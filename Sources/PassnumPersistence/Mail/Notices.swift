import Foundation
import PassnumDomain
import SQLKit

// The messages people expect (issue 14), queued by the operations that cause them, inside their transaction: a
// rolled-back operation queues nothing. Each function reads what the wording needs and picks the recipients.

extension Transaction {
    /// A decision on a place's application or state, to the place's managers: received, qualified (or reinstated),
    /// rejected, suspended. Other moves (back to draft, disqualified) send nothing.
    func noticePlaceMove(_ place: PlaceID, to target: PlaceState, reason: String?, at now: Date) async throws {
        let name = try await placeName(place)
        let notice: Notice
        switch target {
        case .submitted: notice = .applicationReceived(place: place, placeName: name)
        case .qualified: notice = .applicationQualified(place: place, placeName: name)
        case .rejected: notice = .applicationRejected(place: place, placeName: name, reason: reason ?? "")
        case .suspended: notice = .placeSuspended(place: place, placeName: name, reason: reason ?? "")
        case .draft, .disqualified: return
        }
        try await enqueue(notice, toManagersOf: .place(place), at: now)
    }

    /// A place asks to accept a funder's checks: the funder's managers decide.
    func noticeAffiliationRequested(place: PlaceID, funder: FunderID, at now: Date) async throws {
        let names = try await names(place: place, funder: funder)
        try await enqueue(.affiliationRequested(place: place, placeName: names.place, funderName: names.funder), toManagersOf: .funder(funder), at: now)
    }

    /// The funder's answer, to the place's managers.
    func noticeAffiliationDecided(place: PlaceID, funder: FunderID, accepted: Bool, reason: String?, at now: Date) async throws {
        let names = try await names(place: place, funder: funder)
        try await enqueue(.affiliationDecided(place: place, placeName: names.place, funderName: names.funder, accepted: accepted, reason: reason),
                          toManagersOf: .place(place), at: now)
    }

    /// An invoice, to those it bills: the funder's managers for an order, the place's for its subscription.
    func noticeInvoice(_ invoice: InvoiceID, number: String, total: Money, funder: FunderID?, place: PlaceID?, at now: Date) async throws {
        guard let customer: Organisation = funder.map(Organisation.funder) ?? place.map(Organisation.place) else { return }
        try await enqueue(.invoiceIssued(invoice: invoice, number: number, amountCents: total.cents), toManagersOf: customer, at: now)
    }

    /// A programme's credit note (one per programme), to the funder's managers.
    func noticeCreditNote(programme: ProgrammeID, funder: FunderID, at now: Date) async throws {
        guard let row = try await sql.raw("""
            SELECT cn.id, cn.number, cn.amount_cents, p.name FROM credit_notes cn JOIN programmes p ON p.id = cn.programme_id
            WHERE cn.programme_id = \(bind: programme.rawValue)
            """).first() else { throw DomainError.notFound("credit note of programme \(programme)") }
        try await enqueue(.creditNoteIssued(creditNote: try row.id("id"), number: try row.string("number"), amountCents: try row.int("amount_cents"),
                                            programmeName: try row.string("name")),
                          toManagersOf: .funder(funder), at: now)
    }

    /// New bank details wait for a second person: the operator's admins.
    func noticeBankDetailsPending(place: PlaceID, at now: Date) async throws {
        try await enqueue(.bankDetailsPending(place: place, placeName: try await placeName(place)), toManagersOf: .operator, at: now)
    }

    // The bulk queries below pick recipients as `enqueue(_:toManagersOf:at:)` does (role by kind of organisation,
    // deactivated accounts left out).

    /// Every payout of a run's batch, to its place's managers, with the statement's link. Set-based like the run: one
    /// query for the payouts and their recipients, then multi-row inserts, so the run's statements do not grow with
    /// the places paid.
    func noticePayouts(batch: PayoutBatchID, at now: Date) async throws {
        let messages = try await sql.raw("""
            SELECT po.id, po.period, po.amount_cents, pl.name, u.email
            FROM payouts po JOIN places pl ON pl.id = po.place_id
              JOIN users u ON u.organisation_kind = \(bind: OrganisationKind.place.rawValue) AND u.organisation_id = po.place_id
                AND u.role = \(bind: Role.placeManager.rawValue) AND u.deactivated_at IS NULL
            WHERE po.batch_id = \(bind: batch.rawValue) ORDER BY po.id, u.id
            """).all().map { row in
            (address: try row.string("email"),
             notice: Notice.payoutSent(payout: try row.id("id"), placeName: try row.string("name"), month: try row.string("period"),
                                       amountCents: try row.int("amount_cents")))
        }
        try await enqueue(messages, at: now)
    }

    /// Queues many messages at once, as `enqueue(_:to:at:)` writes them one by one.
    func enqueue(_ messages: [(address: String, notice: Notice)], at now: Date) async throws {
        let encoder = JSONEncoder()
        try await insertRows("outbox", ["recipient", "kind", "notice", "state", "attempts", "next_attempt_at", "created_at"], messages.map {
            [$0.address, $0.notice.kind, String(decoding: try encoder.encode($0.notice), as: UTF8.self), "queued", Int64(0), now.millis, now.millis] as BulkRow
        })
    }

    private func placeName(_ place: PlaceID) async throws -> String {
        guard let name = try await sql.raw("SELECT name FROM places WHERE id = \(bind: place.rawValue)").first(decodingColumn: "name", as: String.self) else {
            throw DomainError.notFound("place \(place)")
        }
        return name
    }

    private func names(place: PlaceID, funder: FunderID) async throws -> (place: String, funder: String) {
        guard let row = try await sql.raw("""
            SELECT pl.name AS place_name, f.name AS funder_name FROM places pl, funders f
            WHERE pl.id = \(bind: place.rawValue) AND f.id = \(bind: funder.rawValue)
            """).first() else { throw DomainError.notFound("place \(place) or funder \(funder)") }
        return (try row.string("place_name"), try row.string("funder_name"))
    }
}

extension Store {
    /// The expiry timeline's alerts (DESIGN.md): when a programme reaches its end − 30 days, then its end − 15 days
    /// (hand-outs stop), its funder's managers and the agents of its prescribers (those holding a quota or booklets
    /// of it) are told, each alert once however often this runs (`notice_marks`). A run that finds a programme already
    /// past end − 15 sends only that alert. Called by `passnum tick`; returns the number of messages queued.
    @discardableResult
    public func queueProgrammeAlerts(now: Date) async throws -> Int {
        let today = CivilDate(now)
        let programmes = try await read { tx in
            try await tx.sql.raw("SELECT \(unsafeRaw: ProgrammeColumns.select) FROM programmes p WHERE p.expired_at IS NULL ORDER BY p.id")
                .all().map { try ProgrammeColumns.decode($0) }
        }
        var queued = 0
        for programme in programmes where today >= programme.terms.alertDay && today <= programme.terms.validUntil {
            queued += try await transaction { tx in try await tx.queueAlert(programme, today: today, at: now) }
        }
        return queued
    }
}

extension Transaction {
    /// The alert `programme` is due today, unless it was already queued. Returns the messages queued.
    fileprivate func queueAlert(_ programme: Programme, today: CivilDate, at now: Date) async throws -> Int {
        let terms = programme.terms
        let threshold = today >= terms.handOutStopDay ? 15 : 30
        // The earlier alert is marked too: once hand-outs stop, it would come too late.
        let marks: [SQLQueryString] = Set([30, threshold]).sorted().map { "(\(bind: "programme-ending:\(programme.id):\($0)"), \(bind: now.millis))" }
        let claimed = try await sql.raw("INSERT INTO notice_marks (key, created_at) VALUES " + marks.joined(separator: ", ")
            + " ON CONFLICT (key) DO NOTHING RETURNING key").all().map { try $0.string("key") }
        guard claimed.contains("programme-ending:\(programme.id):\(threshold)") else { return 0 }
        let daysLeft = Int((terms.validUntil.start.timeIntervalSince(today.start) / 86_400).rounded())
        func notice(toPrescribers: Bool) -> Notice {
            .programmeEnding(programme: programme.id, programmeName: terms.name, endsOn: terms.validUntil.description, daysLeft: daysLeft,
                             lastRedemptionDay: terms.lastRedemptionDay.description, toPrescribers: toPrescribers)
        }
        let recipients = try await sql.raw("""
            SELECT u.email, u.organisation_kind FROM users u
            WHERE u.deactivated_at IS NULL AND (
              (u.organisation_kind = \(bind: OrganisationKind.funder.rawValue) AND u.organisation_id = \(bind: programme.funder.rawValue)
                AND u.role = \(bind: Role.funderManager.rawValue))
              OR (u.organisation_kind = \(bind: OrganisationKind.prescriber.rawValue) AND u.role = \(bind: Role.prescriberAgent.rawValue)
                AND u.organisation_id IN (
                  SELECT q.prescriber_id FROM prescriber_quotas q WHERE q.programme_id = \(bind: programme.id.rawValue)
                  UNION SELECT b.prescriber_id FROM booklets b WHERE b.programme_id = \(bind: programme.id.rawValue) AND b.prescriber_id IS NOT NULL)))
            ORDER BY u.id
            """).all().map { row in
            (address: try row.string("email"), notice: notice(toPrescribers: try row.string("organisation_kind") == OrganisationKind.prescriber.rawValue))
        }
        try await enqueue(recipients, at: now)
        return recipients.count
    }
}
