import Foundation
import PassnumDomain
import SQLKit

extension Store {
    /// The weekly opening time the place declared (its application's hours, or the hours of its imported sites, the
    /// most open one), nil when it declared none: places recorded by the operator's own tools (`createPlace`) have no
    /// hours; the application cannot be sent without them.
    public func weeklyOpening(of place: PlaceID) async throws -> WeeklyOpening? {
        try await read { tx in try await tx.weeklyOpening(of: place) }
    }

    /// The payments made to places over the 12 months before `now` (the payout runs of that time, each run's total
    /// kept in its `payout_runs` row): one aggregate over one row a month, whatever the number of payouts.
    public func paymentsOverTwelveMonths() async throws -> Money {
        let now = clock.now
        let since = CivilDate.calendar.date(byAdding: .month, value: -12, to: now) ?? now.addingTimeInterval(-365 * 86_400)
        return try await read { tx in
            let total = try await tx.sql.raw("""
                SELECT CAST(COALESCE(SUM(total_cents), 0) AS BIGINT) AS total FROM payout_runs
                WHERE ran_at > \(bind: since.millis) AND ran_at <= \(bind: now.millis)
                """).first()
            return Money(cents: try total?.int("total") ?? 0)
        }
    }
}

extension Transaction {
    func weeklyOpening(of place: PlaceID) async throws -> WeeklyOpening? {
        // One statement: the application's hours step and the imported sites' records.
        let rows = try await sql.raw("""
            SELECT 0 AS source, data AS text FROM place_steps WHERE place_id = \(bind: place.rawValue) AND step = \(bind: ApplicationStep.hours.rawValue)
            UNION ALL
            SELECT 1 AS source, open_data AS text FROM place_sites WHERE place_id = \(bind: place.rawValue) AND open_data IS NOT NULL
            """).all()
        var application: [WeeklyOpening] = []
        var sites: [WeeklyOpening] = []
        for row in rows {
            let text = try row.optionalString("text") ?? ""
            if try row.int("source") == 0 {
                let hours = try? JSONDecoder().decode(ApplicationData.Hours.self, from: Data(text.utf8))
                application.append(hours.map { OpeningHours.weekly($0.openingHours) } ?? .unknown)
            } else if let record = try? JSONDecoder().decode([String: String].self, from: Data(text.utf8)),
                      let hours = record["horaires"], !hours.isEmpty {
                sites.append(OpeningHours.weekly(hours))
            }
        }
        // The application's hours are what the operator reviews; imported places only have their sites'.
        if !application.isEmpty { return WeeklyOpening.most(application) }
        return sites.isEmpty ? nil : WeeklyOpening.most(sites)
    }
}
