import Foundation
import PassnumDomain
import PassnumPersistence

/// One payout's statement for a place: every check paid, totals by funder, what was deducted.
enum PlaceStatementPage {
    struct Line: Sendable, Equatable {
        var serial: CheckSerial
        var redeemedAt: Date
        var category: ServiceCategory?
        var funder: String
        var amount: Money
    }

    struct FunderTotal: Sendable, Equatable {
        var funder: String
        var amount: Money
    }

    struct Model: Sendable, Equatable {
        var payout: PayoutID
        var period: String
        var state: PayoutBatch.State
        var gross: Money
        var net: Money
        var deductions: [StatementDeduction]
        var totalsByFunder: [FunderTotal]
        var lines: [Line]
        /// The journal's witness at the end of the period (nil before the first one).
        var witness: PublishedWitness? = nil

        /// Nil when the payout is not this place's.
        static func query(store: Store, place: PlaceID, payout: PayoutID) async throws -> Model? {
            guard let statement = try await store.statement(payout: payout, place: place) else { return nil }
            var witness: PublishedWitness?
            if let month = Month(statement.period) { witness = try await store.witness(atOrBefore: month.lastDay) }
            return Model(
                payout: payout, period: statement.period, state: statement.state, gross: statement.gross, net: statement.net,
                deductions: statement.deductions, totalsByFunder: statement.totalsByFunder.map { FunderTotal(funder: $0.funder, amount: $0.amount) },
                lines: statement.lines.map {
                    Line(serial: $0.serial, redeemedAt: $0.redeemedAt, category: $0.category, funder: $0.funder, amount: $0.amount)
                },
                witness: witness)
        }
    }
}
