/// What the platform tells someone by e-mail. A notice is written to the outbox in the same transaction as the
/// event that causes it (PassnumPersistence/Mail/Outbox.swift) and worded in French by the app when it is
/// delivered (PassnumApp/Mail), so a rolled-back operation sends nothing and a committed one loses nothing.
/// Values are what the wording needs, read at the time of the event; links are built from ids and tokens.
public enum Notice: Codable, Sendable, Equatable {
    /// A one-hour link to choose a new password. `token` is the secret of the link (only its hash is kept in
    /// `password_resets`); the outbox forgets it once the message is delivered.
    case passwordReset(token: String, name: String)
    /// A link to choose one's password and join `organisationName`, sent by `invitedBy`.
    case invitation(token: String, name: String, organisationName: String, invitedBy: String)
    /// To the place's managers.
    case applicationReceived(place: PlaceID, placeName: String)
    case applicationQualified(place: PlaceID, placeName: String)
    case applicationRejected(place: PlaceID, placeName: String, reason: String)
    case placeSuspended(place: PlaceID, placeName: String, reason: String)
    /// To the funder's managers.
    case affiliationRequested(place: PlaceID, placeName: String, funderName: String)
    /// To the place's managers.
    case affiliationDecided(place: PlaceID, placeName: String, funderName: String, accepted: Bool, reason: String?)
    /// To the funder's managers and the agents of its prescribers, 30 and 15 days before `endsOn` (ISO dates):
    /// hand-outs stop 15 days before the end, checks stay usable until `lastRedemptionDay`. The two audiences
    /// have different things to do and different pages, hence `toPrescribers`.
    case programmeEnding(programme: ProgrammeID, programmeName: String, endsOn: String, daysLeft: Int,
                         lastRedemptionDay: String, toPrescribers: Bool)
    /// To the place's managers, with the statement's link.
    case payoutSent(payout: PayoutID, placeName: String, month: String, amountCents: Int64)
    /// To the funder's managers.
    case invoiceIssued(invoice: InvoiceID, number: String, amountCents: Int64)
    case creditNoteIssued(creditNote: CreditNoteID, number: String, amountCents: Int64, programmeName: String)
    /// To the operator's admins: a bank-details change waits for a second person.
    case bankDetailsPending(place: PlaceID, placeName: String)

    /// A short stable name, for the operator's list and the metrics.
    public var kind: String {
        switch self {
        case .passwordReset: "password-reset"
        case .invitation: "invitation"
        case .applicationReceived: "application-received"
        case .applicationQualified: "application-qualified"
        case .applicationRejected: "application-rejected"
        case .placeSuspended: "place-suspended"
        case .affiliationRequested: "affiliation-requested"
        case .affiliationDecided: "affiliation-decided"
        case .programmeEnding: "programme-ending"
        case .payoutSent: "payout-sent"
        case .invoiceIssued: "invoice-issued"
        case .creditNoteIssued: "credit-note-issued"
        case .bankDetailsPending: "bank-details-pending"
        }
    }
}
