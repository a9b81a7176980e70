import Foundation
import PassnumDomain
import SQLKit

/// The records the page benchmark opens as each role: one funder, prescriber and place (those of the accounts it signs
/// in with) and some of their records, so that every page that takes an id gets a real one.
public struct PageTargets: Sendable {
    public var funder: FunderID
    public var programme: ProgrammeID?
    public var order: OrderID?
    public var invoice: InvoiceID?
    public var creditNote: CreditNoteID?
    public var prescriber: PrescriberID
    public var beneficiary: BeneficiaryID?
    public var place: PlaceID
    public var payout: PayoutID?
    public var batch: PayoutBatchID?
    /// The place's first site: what a visitor of the finder types.
    public var postcode: String?
    public var departement: String?
    /// A check of the funder handed out and not used yet, for the public check pages.
    public var check: CheckSerial?
    /// The month of the latest check waiting for its payout (the month a seed leaves to pay), for the payout pages.
    public var payoutMonth: Month?
}

extension Store {
    /// The benchmark's records, from the organisations of three accounts (a funder manager, a prescriber agent, a place
    /// member). Nil when one of them does not exist.
    public func pageTargets(funderUser: String, prescriberUser: String, placeUser: String) async throws -> PageTargets? {
        try await read { tx in
            func organisation(_ email: String) async throws -> Int64? {
                try await tx.sql.raw("SELECT organisation_id FROM users WHERE email = \(bind: email)").first()?.optionalInt("organisation_id")
            }
            func first(_ query: SQLQueryString) async throws -> Int64? {
                try await tx.sql.raw(query).first()?.optionalInt("id")
            }
            guard let funder = try await organisation(funderUser), let prescriber = try await organisation(prescriberUser),
                  let place = try await organisation(placeUser) else { return nil }
            let programme = try await first("SELECT MAX(id) AS id FROM programmes WHERE funder_id = \(bind: funder)")
            let order = try await first("SELECT MAX(id) AS id FROM orders WHERE programme_id = \(bind: programme)")
            let site = try await tx.sql.raw("SELECT postcode, commune_code FROM place_sites WHERE place_id = \(bind: place) ORDER BY position LIMIT 1").first()
            let commune = try site?.optionalString("commune_code").flatMap(CommuneCode.init)
            return PageTargets(
                funder: FunderID(funder), programme: programme.map(ProgrammeID.init), order: order.map(OrderID.init),
                invoice: try await first("SELECT MAX(id) AS id FROM invoices WHERE order_id = \(bind: order)").map(InvoiceID.init),
                creditNote: try await first("SELECT MAX(id) AS id FROM credit_notes WHERE funder_id = \(bind: funder)").map(CreditNoteID.init),
                prescriber: PrescriberID(prescriber),
                beneficiary: try await first("SELECT MAX(id) AS id FROM beneficiaries WHERE prescriber_id = \(bind: prescriber)").map(BeneficiaryID.init),
                place: PlaceID(place),
                payout: try await first("SELECT MAX(id) AS id FROM payouts WHERE place_id = \(bind: place)").map(PayoutID.init),
                batch: try await first("SELECT MAX(id) AS id FROM payout_batches").map(PayoutBatchID.init),
                postcode: try site?.optionalString("postcode"), departement: commune?.departement.value,
                check: try await first("""
                    SELECT MAX(c.id) AS id FROM checks c JOIN programmes p ON p.id = c.programme_id
                    WHERE p.funder_id = \(bind: funder) AND c.state = \(bind: CheckState.distributed.rawValue)
                    """).flatMap(CheckSerial.init(number:)),
                payoutMonth: try await tx.sql.raw("""
                    SELECT MAX(redeemed_at) AS last FROM checks WHERE state = \(literal: CheckState.redeemed.rawValue)
                    """).first()?.optionalInt("last").map { CivilDate(Date(millis: $0)).calendarMonth })
        }
    }
}
