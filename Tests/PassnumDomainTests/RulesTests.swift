import Foundation
import PassnumDomain
import Testing

@Suite("Business rules")
struct RulesTests {
    static let terms = ProgrammeTerms(
        name: "Pass numérique Nord", validFrom: CivilDate("2026-03-01")!, validUntil: CivilDate("2026-06-30")!,
        perimeter: Perimeter(departements: [DepartementCode("59")!, DepartementCode("62")!]),
        categories: [.administrativeProcedures, .everydayTools],
        shares: [CoFundingShare(cofunder: "État", percent: 65), CoFundingShare(cofunder: "Département", percent: 35)])

    @Test("Money is written the French way, to the cent")
    func moneyFormatting() {
        #expect(Money(cents: 1000).description == "10,00\u{00A0}€")
        #expect(Money(cents: 123_456_789).description == "1\u{202F}234\u{202F}567,89\u{00A0}€")
        #expect(Money(cents: -5).description == "-0,05\u{00A0}€")
    }

    @Test("Splitting by co-funding shares always adds up to the amount", arguments: [0, 1, 999, 1000, 3333, 1_000_001])
    func splitAddsUp(cents: Int64) {
        var terms = Self.terms
        terms.shares = [CoFundingShare(cofunder: "A", basisPoints: 3333), CoFundingShare(cofunder: "B", basisPoints: 3333),
                        CoFundingShare(cofunder: "C", basisPoints: 3334)]
        let parts = terms.split(Money(cents: cents))
        #expect(parts.reduce(Money.zero) { $0 + $1.amount } == Money(cents: cents))
        #expect(parts.allSatisfy { abs($0.amount.cents * 10_000 - cents * 3333) <= 10_000 + cents })
    }

    enum InvalidTerms: String, CaseIterable {
        case duplicateCofunder, endBeforeStart, noDepartement, communeOutside, zeroFaceValue, noCategory, maximumBelowMinimum

        var expected: DomainError {
            switch self {
            case .duplicateCofunder: .invalid(field: .shares, problem: .duplicate("État"))
            case .endBeforeStart: .invalid(field: .validUntil, problem: .beforeStart)
            case .noDepartement: .invalid(field: .perimeter, problem: .empty)
            case .communeOutside: .invalid(field: .perimeter, problem: .outsidePerimeter(commune: "75056"))
            case .zeroFaceValue: .invalid(field: .faceValue, problem: .amountOutOfRange(min: Money(cents: 1), max: .euros(1_000)))
            case .noCategory: .invalid(field: .categories, problem: .empty)
            case .maximumBelowMinimum: .invalid(field: .maxChecksPerBeneficiary, problem: .belowMinimum)
            }
        }

        func apply(to terms: inout ProgrammeTerms) {
            switch self {
            case .duplicateCofunder: terms.shares = [CoFundingShare(cofunder: "État", percent: 50), CoFundingShare(cofunder: "État", percent: 50)]
            case .endBeforeStart: terms.validUntil = CivilDate("2026-01-01")!
            case .noDepartement: terms.perimeter = Perimeter(departements: [])
            case .communeOutside: terms.perimeter.communes = [CommuneCode("75056")!]
            case .zeroFaceValue: terms.faceValue = .zero
            case .noCategory: terms.categories = []
            case .maximumBelowMinimum: terms.minChecksPerBeneficiary = 5; terms.maxChecksPerBeneficiary = 2
            }
        }
    }

    @Test("Programme terms are checked", arguments: InvalidTerms.allCases)
    func termsValidation(invalid: InvalidTerms) {
        #expect(throws: Never.self) { try Self.terms.validate() }
        var terms = Self.terms
        invalid.apply(to: &terms)
        #expect {
            try terms.validate()
        } throws: { error in
            error as? DomainError == invalid.expected
        }
    }

    @Test("Départements come from INSEE codes, Corsica and overseas included", arguments: [
        ("59350", "59"), ("2A004", "2A"), ("2B033", "2B"), ("97411", "974"), ("01001", "01"),
    ])
    func departements(commune: String, departement: String) throws {
        #expect(try #require(CommuneCode(commune)).departement == DepartementCode(departement))
    }

    @Test("Invalid INSEE codes are refused", arguments: ["5935", "593500", "2C004", "ABCDE", "00000"])
    func invalidCommunes(text: String) {
        #expect(CommuneCode(text) == nil)
    }

    @Test("The perimeter is the départements, or only the listed communes")
    func perimeter() {
        let wide = Perimeter(departements: [DepartementCode("59")!])
        #expect(wide.contains(CommuneCode("59350")!))
        #expect(!wide.contains(CommuneCode("62041")!))
        let narrow = Perimeter(departements: [DepartementCode("59")!], communes: [CommuneCode("59512")!])
        #expect(narrow.contains(CommuneCode("59512")!))
        #expect(!narrow.contains(CommuneCode("59350")!))
    }

    @Test("A check moves only along the lifecycle of DESIGN.md")
    func checkTransitions() {
        #expect(CheckState.issued.canMove(to: .allocated))
        #expect(CheckState.allocated.canMove(to: .issued))
        #expect(CheckState.redeemed.canMove(to: .distributed))
        #expect(!CheckState.issued.canMove(to: .distributed))
        #expect(!CheckState.paid.canMove(to: .redeemed))
        #expect(CheckState.paid.canMove(to: .voided))  // reversal by the operator
        #expect(!CheckState.voided.canMove(to: .paid))
        #expect(!CheckState.voided.canMove(to: .distributed))
        #expect(!CheckState.expired.canMove(to: .distributed))
    }

    @Test("Orders move one step at a time and can be cancelled only before invoicing")
    func orderTransitions() {
        let path: [OrderState] = [.draft, .quoted, .signed, .invoiced, .paid, .fulfilled]
        for (from, to) in zip(path, path.dropFirst()) { #expect(from.canMove(to: to)) }
        #expect(!OrderState.draft.canMove(to: .paid))
        #expect(OrderState.signed.canMove(to: .cancelled))
        #expect(!OrderState.invoiced.canMove(to: .cancelled))
        #expect(!OrderState.fulfilled.canMove(to: .draft))
    }

    @Test("Disqualification is final; suspension can be lifted")
    func placeTransitions() {
        #expect(PlaceState.qualified.canMove(to: .suspended))
        #expect(PlaceState.suspended.canMove(to: .qualified))
        #expect(!PlaceState.disqualified.canMove(to: .qualified))
        #expect(!PlaceState.submitted.canMove(to: .suspended))
    }

    static let lille = RedeemingPlace(state: .qualified, commune: CommuneCode("59350")!)

    @Test("Redemption rules give the first reason that applies", arguments: [
        (CheckState.distributed, "2026-04-01", PlaceState.qualified, true, ServiceCategory.everydayTools, nil as RefusalReason?),
        (.distributed, "2026-07-31", .qualified, true, .everydayTools, nil),
        (.distributed, "2026-08-01", .qualified, true, .everydayTools, .expired),
        (.distributed, "2026-02-28", .qualified, true, .everydayTools, .beforeValidity),
        (.allocated, "2026-04-01", .qualified, true, .everydayTools, .notDistributed),
        (.paid, "2026-04-01", .qualified, true, .everydayTools, .alreadyRedeemed),
        (.voided, "2026-04-01", .qualified, true, .everydayTools, .voided),
        (.expired, "2026-04-01", .qualified, true, .everydayTools, .expired),
        (.distributed, "2026-04-01", .suspended, true, .everydayTools, .placeSuspended),
        (.distributed, "2026-04-01", .submitted, true, .everydayTools, .placeNotQualified),
        (.distributed, "2026-04-01", .qualified, false, .everydayTools, .placeNotAffiliated),
        (.distributed, "2026-04-01", .qualified, true, .leisure, .categoryNotAllowed),
    ])
    func redemptionRules(state: CheckState, day: String, placeState: PlaceState, affiliated: Bool, category: ServiceCategory, expected: RefusalReason?) {
        let place = RedeemingPlace(state: placeState, commune: Self.lille.commune)
        #expect(RedemptionRules.refusal(state: state, terms: Self.terms, place: place, placeAffiliated: affiliated,
                                        category: category, today: CivilDate(day)!) == expected)
    }

    @Test("A place outside the perimeter is refused")
    func outsidePerimeter() {
        let paris = RedeemingPlace(state: .qualified, commune: CommuneCode("75056")!)
        #expect(RedemptionRules.refusal(state: .distributed, terms: Self.terms, place: paris, placeAffiliated: true,
                                        category: .everydayTools, today: CivilDate("2026-04-01")!) == .outsidePerimeter)
    }

    @Test("A journal entry that does not balance cannot be built")
    func journalBalances() throws {
        let programme = ProgrammeID(1)
        #expect(throws: DomainError.self) {
            try JournalEntry(kind: .redemption, reference: "x", lines: [.debit(.programmeFunds(programme), Money(cents: 1000)),
                                                                        .credit(.placePayable(PlaceID(1)), Money(cents: 999))])
        }
        #expect(throws: DomainError.self) {
            try JournalEntry(kind: .redemption, reference: "x", lines: [.debit(.bank, Money(cents: -5)), .credit(.bank, Money(cents: -5))])
        }
        let entry = try JournalEntry.transfer(.payout, reference: "p", amount: Money(cents: 500), from: .placePayable(PlaceID(1)), to: .bank)
        #expect(entry.lines.count == 2)
    }

    @Test("The diagnostic gives a level from 1 to 4 and a number of checks within the programme's bounds")
    func diagnostic() throws {
        let count = Diagnostic.questions.count
        #expect(try Diagnostic.level(for: Array(repeating: .no, count: count)) == 1)
        #expect(try Diagnostic.level(for: Array(repeating: .withHelp, count: count)) == 2)
        #expect(try Diagnostic.level(for: Array(repeating: .alone, count: count)) == 4)
        #expect(throws: DomainError.self) { try Diagnostic.level(for: [.no]) }
        #expect(Diagnostic.recommendedChecks(level: 1, minimum: nil, maximum: 6) == 6)
        #expect(Diagnostic.recommendedChecks(level: 4, minimum: 5, maximum: nil) == 5)
    }

    @Test("Calendar days and months are Paris time")
    func parisCalendar() throws {
        // 2026-03-31 23:30 UTC is already April 1st in Paris (UTC+2 in summer time).
        let instant = Date(timeIntervalSince1970: 1_774_999_800)
        #expect(CivilDate(instant) == CivilDate("2026-04-01"))
        let march = try #require(Month("2026-03"))
        #expect(march.interval.end == CivilDate("2026-04-01")!.start)
        #expect(march.next == Month("2026-04") && march.previous == Month("2026-02"))
        #expect(CivilDate("2026-02-29") == nil)
        #expect(CivilDate("2026-06-30")!.adding(days: 31) == CivilDate("2026-07-31"))
    }
}

@Suite("Fees")
struct FeeRulesTests {
    @Test("Fees round to the nearest cent, VAT is 20 % of the fee only, and settings codes round-trip")
    func fees() {
        #expect(ManagementFee.rate(basisPoints: 250).amount(on: Money(cents: 1001)) == Money(cents: 25))  // 25.025 → 25
        #expect(ManagementFee.rate(basisPoints: 250).amount(on: Money(cents: 1002)) == Money(cents: 25))  // 25.05 → 25
        #expect(ManagementFee.rate(basisPoints: 250).amount(on: Money(cents: 1020)) == Money(cents: 26))  // 25.5 → 26
        #expect(ManagementFee.fixed(.euros(50)).amount(on: .euros(1_000_000)) == .euros(50))
        #expect(InvoiceAmounts(face: .euros(100), fee: Money(cents: 1234)).vat == Money(cents: 247))  // 246.8 → 247
        #expect(InvoiceAmounts(face: .euros(100), fee: Money(cents: 1234)).total == Money(cents: 10_000 + 1234 + 247))
        for fee in [ManagementFee.none, .rate(basisPoints: 125), .fixed(Money(cents: 4999))] {
            #expect(ManagementFee(code: fee.code) == fee)
        }
        #expect(ManagementFee(code: "rate:-1") == nil && ManagementFee(code: "fixed:") == nil && ManagementFee(code: "none:1") == nil)
        #expect(DocumentNumber(series: .invoice, year: 2026, sequence: 7).description == "F-2026-00007")
        #expect(DocumentNumber(series: .creditNote, year: 2027, sequence: 123_456).description == "A-2027-123456")
        #expect(DecimalText.text(250, decimals: 2) == "2,5" && DecimalText.text(1000, decimals: 2) == "10")
    }
}

@Suite("Deductions")
struct DeductionRulesTests {
    @Test("A payout takes what the place owes oldest first, never goes below zero, and leaves the rest for later")
    func take() {
        let owed: [(id: DeductionID, remaining: Money)] = [(1, .euros(10)), (2, .euros(25)), (3, .euros(5))]
        let partial = Deductions.take(owed, from: .euros(20))
        #expect(partial.taken.map(\.id) == [1, 2] && partial.taken.map(\.amount) == [.euros(10), .euros(10)] && partial.net == .zero)
        let whole = Deductions.take(owed, from: .euros(100))
        #expect(whole.taken.map(\.amount) == [.euros(10), .euros(25), .euros(5)] && whole.net == .euros(60))
        let nothing = Deductions.take([], from: .euros(30))
        #expect(nothing.taken.isEmpty && nothing.net == .euros(30))
    }
}

@Suite("Organisations")
struct OrganisationTests {
    @Test("An organisation is rebuilt from its stored kind and id only when they fit together")
    func storedForm() {
        for organisation in [Organisation.operator, .funder(3), .prescriber(4), .place(5)] {
            #expect(Organisation(kind: organisation.kind, id: organisation.storedID) == organisation)
        }
        #expect(Organisation(kind: .funder, id: nil) == nil)
        #expect(Organisation(kind: .operator, id: 1) == nil)
        #expect(Organisation.place(5).place == PlaceID(5) && Organisation.place(5).funder == nil)
        #expect(Organisation.funder(3).description == "funder 3" && Organisation.operator.description == "operator")
    }
}
