import Foundation

/// One co-funder's part of a programme, in basis points (10 000 = 100 %).
public struct CoFundingShare: Hashable, Sendable, Codable {
    public var cofunder: String
    public var basisPoints: Int

    public init(cofunder: String, basisPoints: Int) {
        self.cofunder = cofunder
        self.basisPoints = basisPoints
    }

    public init(cofunder: String, percent: Int) { self.init(cofunder: cofunder, basisPoints: percent * 100) }
}

/// The rules a programme sets for its checks. Pure data, checked by `validate()`.
public struct ProgrammeTerms: Hashable, Sendable, Codable {
    public var name: String
    public var faceValue: Money
    public var checksPerBooklet: Int
    public var validFrom: CivilDate
    public var validUntil: CivilDate
    public var graceDays: Int
    public var perimeter: Perimeter
    public var categories: [ServiceCategory]
    public var shares: [CoFundingShare]
    public var minChecksPerBeneficiary: Int?
    public var maxChecksPerBeneficiary: Int?
    /// The funder's own words printed on every check and booklet cover (personalisation), possibly empty.
    public var bookletText: String

    public static let defaultFaceValue = Money(cents: 1000)
    public static let defaultChecksPerBooklet = 10
    public static let defaultGraceDays = 31

    public init(
        name: String, faceValue: Money = defaultFaceValue, checksPerBooklet: Int = defaultChecksPerBooklet,
        validFrom: CivilDate, validUntil: CivilDate, graceDays: Int = defaultGraceDays, perimeter: Perimeter,
        categories: [ServiceCategory] = ServiceCategory.allCases, shares: [CoFundingShare],
        minChecksPerBeneficiary: Int? = nil, maxChecksPerBeneficiary: Int? = nil, bookletText: String = ""
    ) {
        self.name = name
        self.faceValue = faceValue
        self.checksPerBooklet = checksPerBooklet
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.graceDays = graceDays
        self.perimeter = perimeter
        self.categories = categories
        self.shares = shares
        self.minChecksPerBeneficiary = minChecksPerBeneficiary
        self.maxChecksPerBeneficiary = maxChecksPerBeneficiary
        self.bookletText = bookletText
    }

    /// Room for two printed lines on a check.
    public static let maximumBookletText = 160

    /// The last day a place may validate a distributed check: end of validity plus grace.
    public var lastRedemptionDay: CivilDate { validUntil.adding(days: graceDays) }

    /// Prescribers and funders are warned from this day on (end − 30 days).
    public var alertDay: CivilDate { validUntil.adding(days: -30) }

    /// Checks can no longer be handed out from this day on (end − 15 days): people must have time to use them.
    public var handOutStopDay: CivilDate { Self.handOutStopDay(validUntil: validUntil) }

    public static let handOutStopDays = 15

    /// The hand-out stop day of a programme ending on `validUntil` (for a notice that carries only that day).
    public static func handOutStopDay(validUntil: CivilDate) -> CivilDate { validUntil.adding(days: -handOutStopDays) }

    /// The first day on which unused checks expire and go back to the funder.
    public var expiryDay: CivilDate { lastRedemptionDay.adding(days: 1) }

    public func validate() throws(DomainError) {
        if name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .invalid(field: .name, problem: .empty)
        }
        guard faceValue.cents > 0, faceValue.cents <= 100_000 else {
            throw .invalid(field: .faceValue, problem: .amountOutOfRange(min: Money(cents: 1), max: .euros(1_000)))
        }
        guard (1...100).contains(checksPerBooklet) else {
            throw .invalid(field: .checksPerBooklet, problem: .outOfRange(min: 1, max: 100))
        }
        guard validFrom <= validUntil else { throw .invalid(field: .validUntil, problem: .beforeStart) }
        guard bookletText.count <= Self.maximumBookletText else {
            throw .invalid(field: .bookletText, problem: .tooLong(max: Self.maximumBookletText))
        }
        guard (0...366).contains(graceDays) else { throw .invalid(field: .graceDays, problem: .outOfRange(min: 0, max: 366)) }
        guard !perimeter.departements.isEmpty else {
            throw .invalid(field: .perimeter, problem: .empty)
        }
        for commune in perimeter.communes where !perimeter.departements.contains(commune.departement) {
            throw .invalid(field: .perimeter, problem: .outsidePerimeter(commune: "\(commune)"))
        }
        guard !categories.isEmpty else { throw .invalid(field: .categories, problem: .empty) }
        guard !shares.isEmpty else { throw .invalid(field: .shares, problem: .empty) }
        var names = Set<String>()
        for share in shares {
            let name = share.cofunder.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else { throw .invalid(field: .shares, problem: .empty) }
            guard names.insert(name).inserted else { throw .invalid(field: .shares, problem: .duplicate(name)) }
            guard share.basisPoints > 0 else { throw .invalid(field: .shares, problem: .notPositive(name)) }
        }
        let total = shares.reduce(0) { $0 + $1.basisPoints }
        guard total == 10_000 else {
            throw .invalid(field: .shares, problem: .sharesTotal(basisPoints: total))
        }
        if let min = minChecksPerBeneficiary, min < 1 {
            throw .invalid(field: .minChecksPerBeneficiary, problem: .tooSmall(min: 1))
        }
        if let max = maxChecksPerBeneficiary {
            guard max >= (minChecksPerBeneficiary ?? 1) else {
                throw .invalid(field: .maxChecksPerBeneficiary, problem: .belowMinimum)
            }
        }
    }

    /// Splits an amount between the co-funders by their shares, to the cent (`CoFunding.split`): the parts always add
    /// up to the amount.
    public func split(_ amount: Money) -> [(cofunder: String, amount: Money)] {
        Array(zip(shares.map(\.cofunder), CoFunding.split(amount, basisPoints: shares.map(\.basisPoints))))
            .map { (cofunder: $0.0, amount: $0.1) }
    }
}
