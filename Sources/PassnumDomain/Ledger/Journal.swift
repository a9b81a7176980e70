/// The accounts of the double-entry journal. Balances are credit minus debit for liabilities.
public enum Account: Hashable, Sendable {
    /// The operator's bank account (asset): funders pay in, places and refunds are paid out.
    case bank
    /// Money held for the outstanding checks of a programme (liability towards its funder).
    case programmeFunds(ProgrammeID)
    /// Money owed to a place for checks it validated and that are not paid yet (liability).
    case placePayable(PlaceID)
    /// Credit notes owed to a funder for its expired checks (liability).
    case funderRefunds(FunderID)
    /// Management fees and place subscriptions earned by the operator, before VAT (revenue).
    case feeRevenue
    /// VAT collected on fees, owed to the State (liability).
    case vatPayable
    /// Payouts sent to the bank and not yet settled (liability): the place is paid, the money not yet gone.
    case payoutsInTransit
    /// Money a funder paid that is not yet applied to a paid order (liability): a part payment waiting for the
    /// rest of the invoice, or what was paid beyond it.
    case funderAdvances(FunderID)

    public var code: String {
        switch self {
        case .bank: "bank"
        case .programmeFunds: "programme_funds"
        case .placePayable: "place_payable"
        case .funderRefunds: "funder_refunds"
        case .feeRevenue: "fee_revenue"
        case .vatPayable: "vat_payable"
        case .payoutsInTransit: "payouts_in_transit"
        case .funderAdvances: "funder_advances"
        }
    }
}

public enum EntryKind: String, Sendable, Codable, CaseIterable {
    /// A payment received from a funder, recorded by the operator from the bank statement.
    case paymentReceived = "payment_received"
    /// An order's payments reached its invoice total: the money is applied to the programme, the fee and VAT.
    case orderPayment = "order_payment"
    case redemption
    case redemptionUndo = "redemption_undo"
    case payout
    case creditNote = "credit_note"
    /// The bank settled a batch of payouts: the money left the operator's account.
    case payoutSettled = "payout_settled"
    /// A redeemed or paid check was reversed (fraud, error): its value goes back to the programme and, when
    /// it was paid, is deducted from the place's next payout.
    case reversal
    /// A place's yearly subscription, deducted from its payouts.
    case subscription
    // Events without money, kept in the same tamper-evident chain.
    case placeDecision = "place_decision"
    case affiliationDecision = "affiliation_decision"
    case accountCreated = "account_created"
    case invoiceIssued = "invoice_issued"
    case payoutExported = "payout_exported"
    case settingsChanged = "settings_changed"
    /// A partner API key created or revoked (keys act for an organisation, like a role).
    case apiKeyChanged = "api_key_changed"
    /// An order moved one step (quoted, signed, invoiced, fulfilled, cancelled), by whom.
    case orderMoved = "order_moved"
    /// New bank details for a place proposed (pending a second person's decision), with the old and new IBAN masked.
    case bankDetailsProposed = "bank_details_proposed"
    /// Proposed bank details verified or rejected by an operator admin other than the proposer.
    case bankDetailsDecided = "bank_details_decided"
    /// A payout batch's SEPA file written: its SHA-256 in the reference, checked before every download.
    case payoutFileWritten = "payout_file_written"
    /// A run of the personal-data purge: how many people were pseudonymised (a count, never a name).
    case personalDataPurged = "personal_data_purged"
    /// A beneficiary erased at their request (right to erasure): the record's number, never the name.
    case personalDataErased = "personal_data_erased"
    /// An account invited (created without a password) or its invitation sent again, by whom.
    case accountInvited = "account_invited"
    /// An invitation used: the account holder chose a password.
    case invitationAccepted = "invitation_accepted"
    /// A member's role changed within the organisation's roles, by whom and why.
    case roleChanged = "role_changed"
    /// An account deactivated (its sessions ended, the API keys it created revoked), by whom and why.
    case accountDeactivated = "account_deactivated"
    /// A deactivated account made usable again by an operator admin, and why.
    case accountReactivated = "account_reactivated"
}

public struct JournalLine: Hashable, Sendable {
    public let account: Account
    public let debit: Money
    public let credit: Money

    public static func debit(_ account: Account, _ amount: Money) -> JournalLine {
        JournalLine(account: account, debit: amount, credit: .zero)
    }

    public static func credit(_ account: Account, _ amount: Money) -> JournalLine {
        JournalLine(account: account, debit: .zero, credit: amount)
    }
}

/// A balanced journal transaction, ready to be written. It cannot be built unbalanced.
public struct JournalEntry: Sendable {
    public let kind: EntryKind
    public let reference: String
    public let lines: [JournalLine]
    /// Why, for decisions (a place suspended, a role given…).
    public var reason: String?

    /// An event that moves no money: recorded with who, when and why, in the same chain.
    public static func event(_ kind: EntryKind, reference: String, reason: String?) -> JournalEntry {
        JournalEntry(kind: kind, reference: reference, lines: [], reason: reason)
    }

    private init(kind: EntryKind, reference: String, lines: [JournalLine], reason: String?) {
        self.kind = kind
        self.reference = reference
        self.lines = lines
        self.reason = reason
    }

    public init(kind: EntryKind, reference: String, lines: [JournalLine]) throws(DomainError) {
        let lines = lines.filter { $0.debit != .zero || $0.credit != .zero }
        guard lines.count >= 2 else { throw .invalid(field: .journal, problem: .unbalanced) }
        for line in lines {
            guard line.debit.cents >= 0, line.credit.cents >= 0, (line.debit == .zero) != (line.credit == .zero) else {
                throw .invalid(field: .journal, problem: .unbalanced)
            }
        }
        let debits = lines.reduce(Money.zero) { $0 + $1.debit }
        let credits = lines.reduce(Money.zero) { $0 + $1.credit }
        guard debits == credits else {
            throw .invalid(field: .journal, problem: .unbalanced)
        }
        self.kind = kind
        self.reference = reference
        self.lines = lines
        self.reason = nil
    }

    /// The usual two-line entry: debit one account, credit another, same amount.
    public static func transfer(_ kind: EntryKind, reference: String, amount: Money, from debit: Account, to credit: Account) throws(DomainError) -> JournalEntry {
        try JournalEntry(kind: kind, reference: reference, lines: [.debit(debit, amount), .credit(credit, amount)])
    }
}

/// What `passnum verify` checks: the five invariants of DESIGN.md, the journal's chain and the maintained counters.
public enum LedgerInvariant: Int, CaseIterable, Sendable, CustomStringConvertible {
    case balancedTransactions = 1
    case programmeConservation = 2
    case placePayable = 3
    case funderMoney = 4
    case redeemedAtMostOnce = 5
    case tamperEvidentJournal = 6
    /// Not one of DESIGN.md's five: the counters the dashboards read and the public index are what the rows say.
    case maintainedTallies = 7

    public var description: String {
        switch self {
        case .balancedTransactions: "every journal transaction balances"
        case .programmeConservation: "per programme, checks issued = redeemed + outstanding + voided + expired"
        case .placePayable: "per place, payable balance = face value of redeemed checks not yet paid"
        case .funderMoney: "per funder, money received = payments recorded; paid orders (face value + fees) = money applied, never more than received; credit notes = expired checks"
        case .redeemedAtMostOnce: "a check is redeemed at most once"
        case .tamperEvidentJournal: "the journal's chain of hashes is unbroken"
        case .maintainedTallies: "the counters the dashboards read (tallies, booklets' validated checks, payout runs) and the public index match the rows"
        }
    }
}

public struct InvariantViolation: Sendable, Equatable, Error, CustomStringConvertible {
    public let invariant: LedgerInvariant
    public let detail: String

    public init(_ invariant: LedgerInvariant, _ detail: String) {
        self.invariant = invariant
        self.detail = detail
    }

    public var description: String { "invariant \(invariant.rawValue) (\(invariant)) violated: \(detail)" }
}

/// The journal's tamper-evident chain: each entry carries the SHA-256 of the previous one.
public enum JournalChain {
    /// The "previous hash" of the very first entry of each lane.
    public static let genesis = String(repeating: "0", count: 64)

    /// Independent chains, so that concurrent transactions rarely wait for each other.
    public static let lanes: Int64 = 16

    /// A line as `journal_lines` stores it and the canonical text hashes it: the account's code and key column, in cents.
    public typealias Line = (account: String, programme: Int64?, place: Int64?, funder: Int64?, debit: Int64, credit: Int64)

    /// The text an entry's hash is computed over: its position, content, lines and the previous hash.
    public static func canonical(lane: Int64, sequence: Int64, kind: String, reference: String, actor: String, occurredAt: Int64, reason: String?,
                                 lines: [Line],
                                 previousHash: String) -> String {
        let (before, after) = canonicalParts(lane: lane, kind: kind, reference: reference, actor: actor, occurredAt: occurredAt, reason: reason,
                                             lines: lines)
        return before + String(sequence) + after + previousHash
    }

    /// The canonical text around what only the lane's head knows: it is `before + String(sequence) + after + previousHash`
    /// (the validation has PostgreSQL finish the text and hash it under the head's lock).
    public static func canonicalParts(lane: Int64, kind: String, reference: String, actor: String, occurredAt: Int64, reason: String?,
                                      lines: [Line])
        -> (before: String, after: String) {
        var after = "\n\(kind)\n\(reference)\n\(actor)\n\(occurredAt)\n\(reason ?? "")\n"
        for line in lines {
            after += "\(line.account)|\(line.programme.map(String.init) ?? "")|\(line.place.map(String.init) ?? "")|\(line.funder.map(String.init) ?? "")|\(line.debit)|\(line.credit)\n"
        }
        return ("passnum-journal-v1\n\(lane)\n", after)
    }
}
