/// Why a place cannot validate a check. The raw value is stable: the API and stored results use it.
public enum RefusalReason: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case unknownSerial = "unknown_serial"
    case badCheckDigit = "bad_check_digit"
    case wrongCode = "wrong_code"
    case notDistributed = "not_distributed"
    case alreadyRedeemed = "already_redeemed"
    case voided
    case expired
    case beforeValidity = "before_validity"
    case outsidePerimeter = "outside_perimeter"
    case placeNotQualified = "place_not_qualified"
    case placeSuspended = "place_suspended"
    case placeNotAffiliated = "place_not_affiliated"
    case categoryNotAllowed = "category_not_allowed"
    case duplicateInRequest = "duplicate_in_request"

    public var description: String {
        switch self {
        case .unknownSerial: "no check has this serial number"
        case .badCheckDigit: "the serial number has a typo (check digit does not match)"
        case .wrongCode: "the security code does not match the serial number"
        case .notDistributed: "this check has not been handed to a beneficiary yet"
        case .alreadyRedeemed: "this check has already been used"
        case .voided: "this check was reported lost or stolen"
        case .expired: "this check has expired"
        case .beforeValidity: "this check is not valid yet"
        case .outsidePerimeter: "this check cannot be used in this place's area"
        case .placeNotQualified: "this place is not qualified to accept checks"
        case .placeSuspended: "this place is suspended"
        case .placeNotAffiliated: "this place does not accept this funder's checks"
        case .categoryNotAllowed: "this programme does not pay for this kind of service"
        case .duplicateInRequest: "this check appears twice in the request"
        }
    }
}

/// What the rules need to know about the place that validates.
public struct RedeemingPlace: Sendable {
    public var state: PlaceState
    /// Nil while the application has no site yet.
    public var commune: CommuneCode?

    public init(state: PlaceState, commune: CommuneCode?) {
        self.state = state
        self.commune = commune
    }
}

public enum RedemptionRules {
    /// Why this check cannot be validated by this place today, or nil if it can. The serial's check digit and
    /// the security code are checked before, on the input alone.
    public static func refusal(
        state: CheckState, terms: ProgrammeTerms, place: RedeemingPlace, placeAffiliated: Bool,
        category: ServiceCategory, today: CivilDate
    ) -> RefusalReason? {
        switch place.state {
        case .qualified: break
        case .suspended: return .placeSuspended
        default: return .placeNotQualified
        }
        switch state {
        case .distributed: break
        case .issued, .allocated: return .notDistributed
        case .redeemed, .paid: return .alreadyRedeemed
        case .voided: return .voided
        case .expired, .refunded: return .expired
        }
        if today < terms.validFrom { return .beforeValidity }
        if today > terms.lastRedemptionDay { return .expired }
        guard let commune = place.commune, terms.perimeter.contains(commune) else { return .outsidePerimeter }
        if !placeAffiliated { return .placeNotAffiliated }
        if !terms.categories.contains(category) { return .categoryNotAllowed }
        return nil
    }

    /// At most this many checks in one validation request.
    public static let maximumChecksPerRequest = 50
}
