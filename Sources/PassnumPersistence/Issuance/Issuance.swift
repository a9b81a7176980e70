import Foundation
import PassnumDomain
import SQLKit

extension Transaction {
    /// Issues an order's booklets and checks in bulk. Serial numbers are reserved as one block from the
    /// `check` counter, then both tables are filled by one INSERT … SELECT each over a generated series:
    /// a million checks cost two statements, not a million ORM saves. Security codes are not stored: they
    /// are recomputed from the serial and the installation secret whenever they are needed.
    func issue(order: OrderSummary, at now: Date) async throws {
        let programme = try await programme(order.programme)
        let perBooklet = Int64(programme.terms.checksPerBooklet)
        let booklets = Int64(order.booklets)
        let checks = booklets * perBooklet
        let lastCheck = try await reserve("check", count: checks)
        let firstCheck = lastCheck - checks + 1
        guard CheckSerial(number: lastCheck) != nil else {
            throw DomainError.invalid(field: .booklets, problem: .serialsExhausted)
        }
        let lastBooklet = try await reserve("booklet", count: booklets)
        let firstBooklet = lastBooklet - booklets + 1

        try await sql.raw(series(from: firstBooklet, to: lastBooklet) + """
             INSERT INTO booklets (id, programme_id, order_id, first_check_id, last_check_id)
             SELECT x, \(bind: programme.id.rawValue), \(bind: order.id.rawValue),
               \(bind: firstCheck) + (x - \(bind: firstBooklet)) * \(bind: perBooklet),
               \(bind: firstCheck) + (x - \(bind: firstBooklet) + 1) * \(bind: perBooklet) - 1
             FROM series
            """).run()
        try await sql.raw(series(from: firstCheck, to: lastCheck) + """
             INSERT INTO checks (id, booklet_id, programme_id, state)
             SELECT x, \(bind: firstBooklet) + (x - \(bind: firstCheck)) / \(bind: perBooklet), \(bind: programme.id.rawValue),
               \(bind: CheckState.issued.rawValue)
             FROM series
            """).run()
        try await sql.raw("UPDATE orders SET first_booklet_id = \(bind: firstBooklet) WHERE id = \(bind: order.id.rawValue)").run()
        var tallies = TallyDeltas()
        tallies.add(checks, TallyKey(programme: programme.id.rawValue, dimension: .state, code: CheckState.issued.rawValue))
        tallies.add(booklets, TallyKey(programme: programme.id.rawValue, dimension: .bookletsIssued))
        tallies.add(checks, TallyKey(programme: programme.id.rawValue, dimension: .issuedMonth, code: CivilDate(now).calendarMonth.description))
        try await apply(tallies)
    }

    /// Advances a counter by `count` and returns its new value, the last number of the reserved block.
    func reserve(_ counter: String, count: Int64) async throws -> Int64 {
        guard let value = try await sql.raw("""
            UPDATE counters SET value = value + \(bind: count) WHERE name = \(bind: counter) RETURNING value
            """).first(decodingColumn: "value", as: Int64.self)
        else { throw DomainError.notFound("counter \(counter)") }
        return value
    }
}
