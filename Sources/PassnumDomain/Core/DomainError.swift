/// Everything a business operation can refuse, with cases a caller can act on. The web layer turns these
/// into French messages; `description` is the English text used by the CLI and the API.
public enum DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field of the input is unacceptable; `reason` says why in plain English.
    case invalid(field: String, reason: String)
    /// The record does not exist (or is not visible to the caller).
    case notFound(String)
    /// The record is not in a state that allows this move.
    case invalidTransition(entity: String, from: String, to: String)
    /// The prescriber has no quota for this programme.
    case noQuota(programme: ProgrammeID, prescriber: PrescriberID)
    /// Allocating would exceed the prescriber's quota of booklets.
    case quotaExceeded(quota: Int, held: Int, requested: Int)
    /// Not enough booklets or checks in stock.
    case insufficientStock(available: Int, requested: Int)
    /// The programme's validity is over for this action (hand-out, allocation…).
    case programmeClosed(programme: ProgrammeID, since: CivilDate)
    /// The beneficiary would exceed the programme's maximum number of checks per person.
    case beneficiaryLimit(maximum: Int, held: Int, requested: Int)
    /// A payout run can only cover a month that is over.
    case monthNotOver(Month)
    /// A validation cannot be undone; the reason says why.
    case undoRefused(UndoRefusal)
    /// The same idempotency key was used with a different request.
    case idempotencyKeyReused
    /// The acting organisation may not do this (segregation of duties, or another organisation's record).
    case notAllowed(action: String)

    public var description: String {
        switch self {
        case let .invalid(field, reason): "invalid \(field): \(reason)"
        case let .notFound(what): "\(what) not found"
        case let .invalidTransition(entity, from, to): "\(entity) cannot go from \(from) to \(to)"
        case let .noQuota(programme, prescriber): "prescriber \(prescriber) has no quota in programme \(programme)"
        case let .quotaExceeded(quota, held, requested):
            "quota exceeded: quota \(quota) booklets, \(held) held, \(requested) requested"
        case let .insufficientStock(available, requested): "not enough stock: \(available) available, \(requested) requested"
        case let .programmeClosed(programme, since): "programme \(programme) is closed for this since \(since)"
        case let .beneficiaryLimit(maximum, held, requested):
            "beneficiary limit: at most \(maximum) checks, \(held) held, \(requested) requested"
        case let .monthNotOver(month): "month \(month) is not over yet"
        case let .undoRefused(reason): "cannot undo: \(reason.description)"
        case .idempotencyKeyReused: "this idempotency key was already used for a different request"
        case .notAllowed(let action): "not allowed: \(action)"
        }
    }
}

public enum UndoRefusal: String, Sendable, Codable, CustomStringConvertible {
    case notRedeemedHere = "not_redeemed_here"
    case notToday = "not_today"
    case alreadyPaid = "already_paid"

    public var description: String {
        switch self {
        case .notRedeemedHere: "this check is not currently validated by this place"
        case .notToday: "a validation can only be undone on the day it was made"
        case .alreadyPaid: "this check is already in a payout"
        }
    }
}
