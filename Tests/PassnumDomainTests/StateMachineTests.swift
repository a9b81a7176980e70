import PassnumDomain
import Testing

@Suite("State machines as production guards them")
struct StateMachineTests {
    @Test("Each move production makes accepts exactly the states it always accepted, all allowed by canMove")
    func checkMoves() {
        let moves: [(Transition<CheckState>, [CheckState], CheckState)] = [
            (CheckState.allocation, [.issued], .allocated),
            (CheckState.returnToFunder, [.allocated], .issued),
            (CheckState.handOut, [.allocated], .distributed),
            (CheckState.redemption, [.distributed], .redeemed),
            (CheckState.undoRedemption, [.redeemed], .distributed),
            (CheckState.payment, [.redeemed], .paid),
            (CheckState.opposition, [.issued, .allocated, .distributed], .voided),
            (CheckState.reversal, [.redeemed, .paid], .voided),
            (CheckState.expiry, [.issued, .allocated, .distributed], .expired),
        ]
        for (move, from, to) in moves {
            #expect(move.from == from && move.to == to)
        }
    }

    @Test("A transition keeps only the candidates the domain allows, so a forbidden move never reaches a guard")
    func transitionFiltersCandidates() {
        #expect(Transition<CheckState>(from: [.paid, .voided, .redeemed], to: .distributed).from == [.redeemed])
        #expect(Transition<CheckState>(to: .refunded).from == [.expired])
        #expect(Transition<CheckState>(to: .issued).from == [.allocated])
    }

    @Test("The named sets of check states partition what verify and the dashboards count")
    func checkStateSets() {
        #expect(CheckState.outstanding == [.issued, .allocated, .distributed])
        #expect(CheckState.validated == [.redeemed, .paid])
        #expect(CheckState.heldByProgramme == [.issued, .allocated, .distributed, .voided])
        #expect(CheckState.creditedToFunder == [.expired, .refunded])
        // Every state is counted once: held by the programme, validated, or credited to the funder.
        let counted = CheckState.heldByProgramme + CheckState.validated + CheckState.creditedToFunder
        #expect(counted.count == CheckState.allCases.count && Set(counted) == Set(CheckState.allCases))
    }

    @Test("Payout batches go prepared → exported → settled, one step at a time")
    func payoutBatches() {
        #expect(Transition<PayoutBatchState>(to: .exported).from == [.prepared])
        #expect(Transition<PayoutBatchState>(to: .settled).from == [.exported])
        #expect(Transition<PayoutBatchState>(to: .prepared).from.isEmpty)
    }

    @Test("Only a pending bank details change is decided or replaced")
    func bankDetailsChanges() {
        typealias State = BankDetailsReview.State
        #expect(Transition<State>(to: .verified).from == [.pending])
        #expect(Transition<State>(to: .rejected).from == [.pending])
        #expect(Transition<State>(to: .superseded).from == [.pending])
        #expect(Transition<State>(to: .pending).from.isEmpty)
        #expect(!State.verified.canMove(to: .rejected))
    }

    @Test("Orders paid in full are the paid and the fulfilled ones; an affiliation is requested again after a refusal")
    func ordersAndAffiliations() {
        #expect(OrderState.paidInFull == [.paid, .fulfilled])
        #expect(Transition<OrderState>(to: .cancelled).from == [.draft, .quoted, .signed])
        #expect(Transition<AffiliationState>(to: .requested).from == [.refused])
        #expect(Transition<PlaceState>(to: .qualified).from == [.submitted, .suspended])
    }
}

@Suite("Distance and payout wording")
struct DistanceTests {
    @Test("The great-circle distance between Lille and Paris is about 204 km, the same both ways, zero to itself")
    func lilleParis() {
        let lille = Coordinates(latitude: 50.6292, longitude: 3.0573), paris = Coordinates(latitude: 48.8566, longitude: 2.3522)
        #expect(abs(lille.kilometres(to: paris) - 204) < 2)
        #expect(lille.kilometres(to: paris) == paris.kilometres(to: lille))
        #expect(lille.kilometres(to: lille) == 0)
    }

    @Test("Antipodes give half the Earth's circumference, never NaN")
    func antipodes() {
        let distance = Coordinates(latitude: 45, longitude: 0).kilometres(to: Coordinates(latitude: -45, longitude: 180))
        #expect(!distance.isNaN && abs(distance - 6371 * Double.pi) < 1)
    }

    @Test("Coordinates exist only when both values are known")
    func partialCoordinates() throws {
        #expect(Coordinates(latitude: 50, longitude: nil) == nil)
        #expect(Coordinates(latitude: nil, longitude: 3) == nil)
        let latitude: Double? = 50, longitude: Double? = 3
        let both = try #require(Coordinates(latitude: latitude, longitude: longitude))
        #expect(both.latitude == 50 && both.longitude == 3)
    }

    @Test("The remittance names the month without accents and the number of checks")
    func remittance() {
        #expect(SEPACreditTransfer.remittance(month: Month("2026-03")!, checks: 3) == "Pass numerique mars 2026 - 3 cheques")
        #expect(SEPACreditTransfer.remittance(month: Month("2026-08")!, checks: 1) == "Pass numerique aout 2026 - 1 cheque")
        #expect(SEPACreditTransfer.remittance(month: Month("2026-02")!, checks: 2) == "Pass numerique fevrier 2026 - 2 cheques")
    }
}
