/// Everything a business operation can refuse, with cases a caller can act on. The web layer turns these
/// into French messages; `description` is the English text used by the CLI and the API.
public enum DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field of the input is unacceptable, for a reason the user can act on.
    case invalid(field: Field, problem: Problem)
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
        case let .invalid(field, problem): "invalid \(field.rawValue): \(problem.description)"
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

extension DomainError {
    /// The input fields a refusal can name. The raw value is the form and API field name, so the web layer
    /// can put the message next to the field.
    public enum Field: String, CaseIterable, Sendable {
        // People and accounts
        case name, firstName, lastName, email, password, role, token, birthYear, consentDate, level, answers
        // Programmes and orders
        case faceValue, checksPerBooklet, validUntil, bookletText, graceDays, perimeter, categories, shares
        case minChecksPerBeneficiary, maxChecksPerBeneficiary, booklets, checks, amount, valueDate, bankReference
        // A programme's diagnostic grid; a co-funding statement's period
        case diagnosticThresholds, recommendedChecks, period
        // The public a hand-out records (`TargetPublic`)
        case targetPublic
        // Places, their application and catalogue
        case placeName, siret, postcode, sites, documents, document, organisation, representative, eligibility
        case services, hours, service, title, description, durationMinutes, priceChecks, startsAt, capacity
        case phone, website, summary
        // Money and partners
        case holder, iban, bic, bank, bankDate, fee, subscription, reason, scopes, key, journal
        // A public buyer's identifiers on its e-invoices (Chorus Pro)
        case serviceCode, engagementNumber
    }

    /// Why a field is refused; each case tells the user what to change.
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        /// Nothing given where something is required.
        case empty
        /// Longer than `max` characters.
        case tooLong(max: Int)
        /// Shorter than `min` characters.
        case tooShort(min: Int)
        /// A number outside `min...max`.
        case outOfRange(min: Int, max: Int)
        /// A number below `min` (no upper bound).
        case tooSmall(min: Int)
        /// An amount outside `min...max`.
        case amountOutOfRange(min: Money, max: Money)
        /// A percentage outside 0...100.
        case rateOutOfRange
        /// Not in the expected format (an e-mail address, a SIRET, an IBAN, a date and time…).
        case malformed
        /// Already used by another record (an e-mail address, a SIRET).
        case alreadyUsed
        /// The same thing is already recorded (a payment with the same amount, value date and bank reference).
        case alreadyRecorded
        /// A date that is not reached yet.
        case inFuture
        /// A date outside `from...to`.
        case dateOutOfRange(from: CivilDate, to: CivilDate)
        /// An end date before the start date.
        case beforeStart
        /// A maximum below the minimum.
        case belowMinimum
        /// A commune outside the programme's départements.
        case outsidePerimeter(commune: String)
        /// Co-funding shares that do not add up to 100 % (`basisPoints` out of 10 000).
        case sharesTotal(basisPoints: Int)
        /// A co-funder listed twice.
        case duplicate(String)
        /// A co-funder with a share of zero or less.
        case notPositive(String)
        /// A file larger than `megabytes`.
        case fileTooLarge(megabytes: Int)
        /// A file that is not a PDF, PNG or JPEG.
        case fileType
        /// A site of the application (1-based) without a name, an address or a postcode.
        case incompleteSite(position: Int)
        /// An application step not filled yet.
        case stepNotDone
        /// A value this organisation or place may not use (a role, an API scope, a service).
        case notAvailable
        /// A link that is unknown, already used or expired.
        case expired
        /// Not enough serial numbers left for this many checks.
        case serialsExhausted
        /// `expected` answers were expected.
        case answerCount(expected: Int)
        /// A journal entry that is not a balanced set of at least two positive lines.
        case unbalanced
        /// The change would leave an organisation without an active member in its managing role.
        case lastManager
        /// Values that must each be larger than the one before (a diagnostic grid's thresholds).
        case notIncreasing
        /// A place qualified with fewer weekly hours than the State's charter asks (nil: hours missing or unreadable)
        /// and no reason recorded.
        case belowCharter(weeklyMinutes: Int?)

        public var description: String {
            switch self {
            case .empty: "must not be empty"
            case .tooLong(let max): "must be at most \(max) characters"
            case .tooShort(let min): "must be at least \(min) characters"
            case let .outOfRange(min, max): "must be between \(min) and \(max)"
            case .tooSmall(let min): "must be at least \(min)"
            case let .amountOutOfRange(min, max): "must be between \(min.cents) and \(max.cents) cents"
            case .rateOutOfRange: "the rate must be between 0 and 100 %"
            case .malformed: "is not in the expected format"
            case .alreadyUsed: "is already used by another record"
            case .alreadyRecorded: "is already recorded"
            case .inFuture: "cannot be in the future"
            case let .dateOutOfRange(from, to): "must be between \(from) and \(to)"
            case .beforeStart: "must not be before the start"
            case .belowMinimum: "must not be below the minimum"
            case .outsidePerimeter(let commune): "commune \(commune) is outside the listed départements"
            case .sharesTotal(let basisPoints): "shares add up to \(Double(basisPoints) / 100) %, not 100 %"
            case .duplicate(let name): "\(name) is listed twice"
            case .notPositive(let name): "\(name) has a share of zero or less"
            case .fileTooLarge(let megabytes): "is larger than \(megabytes) MB"
            case .fileType: "is not a PDF, PNG or JPEG file"
            case .incompleteSite(let position): "site \(position) needs a name, an address and a 5-digit postcode"
            case .stepNotDone: "this step is not done yet"
            case .notAvailable: "is not available here"
            case .expired: "this link is unknown, already used or expired"
            case .serialsExhausted: "no serial numbers left for this many checks"
            case .answerCount(let expected): "expected \(expected) answers"
            case .notIncreasing: "each value must be larger than the one before"
            case .unbalanced: "an entry needs at least two positive lines whose debits and credits balance"
            case .lastManager: "the organisation must keep at least one active manager"
            case .belowCharter(let minutes):
                (minutes.map { "the place opens \($0) minutes a week" } ?? "the place's opening hours are unknown")
                    + ", below the charter's 24 hours: give the reason for qualifying it"
            }
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
