import Foundation
import PassnumDomain
import SQLKit

// Rows that the listings of several areas share (each area's listings are in its folder).

/// A funder, prescriber or place (`Tag`) with its name, for lists and choices.
public struct NamedRow<Tag>: Sendable, Equatable {
    public let id: Identifier<Tag>
    public let name: String
}

public struct CheckRow: Sendable, Equatable {
    public let serial: CheckSerial
    public let state: CheckState
    public let at: Date?
    public let category: ServiceCategory?
    public let amount: Money
}

extension Store {
    static func checkRow(_ row: any SQLRow) throws -> CheckRow? {
        guard let serial = CheckSerial(number: try row.int("id")), let state = CheckState(rawValue: try row.string("state")) else { return nil }
        return CheckRow(serial: serial, state: state, at: try row.optionalInt("at").map(Date.init(millis:)),
                        category: try row.optionalString("category").flatMap(ServiceCategory.init(code:)),
                        amount: Money(cents: try row.int("face_value_cents")))
    }
}
