import Foundation
import PassnumDomain
@testable import PassnumPersistence

/// A small territory for tests: one funder with a programme over the Nord (59) and Pas-de-Calais (62),
/// valid from 2026-03-01 to 2026-06-30 with 31 days of grace, one prescriber with a quota, one qualified and
/// affiliated place in Lille, and `booklets` booklets ordered, paid and fulfilled.
struct Territory {
    let funder: FunderID
    let programme: ProgrammeID
    let prescriber: PrescriberID
    let place: PlaceID
    let beneficiary: BeneficiaryID
    let order: OrderID
    let terms: ProgrammeTerms

    static let standardTerms = ProgrammeTerms(
        name: "Pass numérique Nord", validFrom: CivilDate("2026-03-01")!, validUntil: CivilDate("2026-06-30")!,
        perimeter: Perimeter(departements: [DepartementCode("59")!, DepartementCode("62")!]),
        categories: [.administrativeProcedures, .everydayTools, .safeUse],
        shares: [CoFundingShare(cofunder: "État", percent: 50), CoFundingShare(cofunder: "Département du Nord", percent: 50)])

    static func make(_ store: Store, booklets: Int = 10, quota: Int = 100, terms: ProgrammeTerms = standardTerms) async throws -> Territory {
        let funder = try await store.createFunder(name: "Département du Nord")
        let programme = try await store.createProgramme(funder: funder, terms: terms)
        let prescriber = try await store.createPrescriber(name: "CCAS de Lille", commune: CommuneCode("59350")!)
        try await store.setQuota(programme: programme, prescriber: prescriber, booklets: quota, actor: .system)
        let place = try await store.createPlace(NewPlace(name: "Médiathèque de Lille", commune: CommuneCode("59350")!, postcode: "59000",
                                                         bank: Territory.bank("Médiathèque de Lille")))
        try await Territory.verifyBank(store, place)
        try await store.changePlaceState(place, to: .qualified)
        try await store.requestAffiliation(place: place, funder: funder)
        try await store.decideAffiliation(place: place, funder: funder, approve: true)
        let beneficiary = try await store.createBeneficiary(NewBeneficiary(
            firstName: "Marie", lastName: "Martin", birthYear: 1950, commune: CommuneCode("59350")!,
            consentDate: CivilDate(store.clock.now)), prescriber: prescriber)
        let order = try await store.createOrder(programme: programme, booklets: booklets, actor: .system)
        try await store.carry(order, to: .fulfilled)
        return Territory(funder: funder, programme: programme, prescriber: prescriber, place: place,
                         beneficiary: beneficiary, order: order, terms: terms)
    }

    /// Allocates one booklet of `programme` (the territory's when nil) to the prescriber and hands `checks` of its checks
    /// (all when nil) to `person` (the territory's beneficiary when nil), with the public ticked if any.
    @discardableResult
    func handOut(_ store: Store, checks: Int? = nil, to person: BeneficiaryID? = nil, programme: ProgrammeID? = nil,
                 targetPublic: TargetPublic? = nil) async throws -> [CheckSerial] {
        let booklet = try await store.allocate(programme: programme ?? self.programme, prescriber: prescriber, booklets: 1, actor: .system)[0]
        return try await store.handOut(booklet: booklet, checks: checks, to: person ?? beneficiary, by: prescriber, targetPublic: targetPublic)
    }

    /// A second place, qualified, in `commune`, affiliated or not.
    func place(_ store: Store, commune: String = "59350", postcode: String = "59000", affiliated: Bool = true) async throws -> PlaceID {
        let place = try await store.createPlace(NewPlace(name: "Centre social", commune: CommuneCode(commune)!, postcode: postcode,
                                                         bank: Territory.bank("Centre social")))
        try await Territory.verifyBank(store, place)
        try await store.changePlaceState(place, to: .qualified)
        if affiliated {
            try await store.requestAffiliation(place: place, funder: funder)
            try await store.decideAffiliation(place: place, funder: funder, approve: true)
        }
        return place
    }

    /// The place's pending bank details verified by an operator admin (the place proposed them with its record).
    static func verifyBank(_ store: Store, _ place: PlaceID) async throws {
        for change in try await store.bankDetailsChanges(of: place) where change.state == .pending {
            try await store.decideBankDetails(change: change.id, verify: true, reason: nil, actor: Territory.verifier)
        }
    }

    static let verifier = Actor("verificateur@operateur.fr", organisation: .operator)

    static func bank(_ holder: String) -> ApplicationData.Bank {
        ApplicationData.Bank(holder: holder, iban: "FR7630006000011234567890189", bic: "AGRIFRPP")
    }

    func presented(_ store: Store, _ serial: CheckSerial) -> PresentedCheck {
        PresentedCheck(serial: serial.grouped, code: store.secret.securityCode(for: serial).grouped)
    }

    func request(_ store: Store, _ serials: [CheckSerial], at place: PlaceID? = nil, category: ServiceCategory = .everydayTools,
                 key: String = UUID().uuidString) -> ValidationRequest {
        ValidationRequest(place: place ?? self.place, checks: serials.map { presented(store, $0) }, category: category, key: key)
    }
}
