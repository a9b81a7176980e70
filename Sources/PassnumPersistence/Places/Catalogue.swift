import Foundation
import PassnumDomain
import SQLKit

/// A service a place offers, paid fully or partly with checks.
public struct PlaceService: Sendable, Equatable {
    public let id: ServiceID
    public let category: ServiceCategory
    public let title: String
    public let description: String
    public let durationMinutes: Int
    public let priceChecks: Int
    public let active: Bool
    public var sessions: [ServiceSession] = []
}

public struct ServiceSession: Sendable, Equatable {
    public let id: ServiceSessionID
    /// Local date and time, "YYYY-MM-DDTHH:MM".
    public let startsAt: String
    public let capacity: Int
}

public struct NewService: Sendable {
    /// How long a service may last, in minutes, and what it may cost, in checks.
    public static let durations = 5...1440
    public static let prices = 1...50

    public var category: ServiceCategory
    public var title: String
    public var description: String
    public var durationMinutes: Int
    public var priceChecks: Int

    public init(category: ServiceCategory, title: String, description: String, durationMinutes: Int, priceChecks: Int) {
        self.category = category
        self.title = title
        self.description = description
        self.durationMinutes = durationMinutes
        self.priceChecks = priceChecks
    }
}

extension Store {
    @discardableResult
    public func addService(_ service: NewService, place: PlaceID) async throws -> ServiceID {
        let title = try requiredText(service.title, field: .title, maximum: 120)
        let description = try requiredText(service.description, field: .description, maximum: 2000)
        guard NewService.durations.contains(service.durationMinutes) else {
            throw DomainError.invalid(field: .durationMinutes, problem: .outOfRange(min: NewService.durations.lowerBound, max: NewService.durations.upperBound))
        }
        guard NewService.prices.contains(service.priceChecks) else {
            throw DomainError.invalid(field: .priceChecks, problem: .outOfRange(min: NewService.prices.lowerBound, max: NewService.prices.upperBound))
        }
        let now = clock.now.millis
        return try await transaction { tx in
            _ = try await tx.placeState(place)
            let id = ServiceID(try await tx.insertReturningID("""
                INSERT INTO place_services (place_id, category, title, description, duration_minutes, price_checks, active, created_at)
                VALUES (\(bind: place.rawValue), \(bind: service.category.code), \(bind: title), \(bind: description),
                  \(bind: Int64(service.durationMinutes)), \(bind: Int64(service.priceChecks)), 1, \(bind: now))
                """))
            try await tx.refreshPublicPlace(place, at: Date(millis: now))
            return id
        }
    }

    /// Adds a dated session with a capacity to one of the place's services.
    @discardableResult
    public func addSession(service: ServiceID, place: PlaceID, startsAt: String, capacity: Int) async throws -> ServiceSessionID {
        guard Self.isLocalDateTime(startsAt) else { throw DomainError.invalid(field: .startsAt, problem: .malformed) }
        guard (1...500).contains(capacity) else { throw DomainError.invalid(field: .capacity, problem: .outOfRange(min: 1, max: 500)) }
        return try await transaction { tx in
            guard try await tx.sql.raw("SELECT id FROM place_services WHERE id = \(bind: service.rawValue) AND place_id = \(bind: place.rawValue)").first() != nil else {
                throw DomainError.notFound("service \(service)")
            }
            return ServiceSessionID(try await tx.insertReturningID("""
                INSERT INTO service_sessions (service_id, starts_at, capacity) VALUES (\(bind: service.rawValue), \(bind: startsAt), \(bind: Int64(capacity)))
                """))
        }
    }

    static func isLocalDateTime(_ text: String) -> Bool {
        let parts = text.split(separator: "T")
        guard parts.count == 2, CivilDate(String(parts[0])) != nil else { return false }
        let time = parts[1].split(separator: ":")
        guard time.count == 2, let h = Int(time[0]), let m = Int(time[1]), time[0].count == 2, time[1].count == 2 else { return false }
        return (0...23).contains(h) && (0...59).contains(m)
    }

    public func setServiceActive(_ service: ServiceID, place: PlaceID, active: Bool) async throws {
        let now = clock.now
        try await transaction { tx in
            let updated = try await tx.sql.raw("""
                UPDATE place_services SET active = \(bind: Int64(active ? 1 : 0)) WHERE id = \(bind: service.rawValue) AND place_id = \(bind: place.rawValue) RETURNING id
                """).all()
            guard !updated.isEmpty else { throw DomainError.notFound("service \(service)") }
            try await tx.refreshPublicPlace(place, at: now)
        }
    }

    public func services(of place: PlaceID, activeOnly: Bool = false) async throws -> [PlaceService] {
        try await read { tx in try await tx.services(of: place, activeOnly: activeOnly) }
    }
}

extension Transaction {
    func services(of place: PlaceID, activeOnly: Bool) async throws -> [PlaceService] {
        let filter: SQLQueryString = activeOnly ? " AND active = 1" : ""
        var services = try await sql.raw("""
            SELECT id, category, title, description, duration_minutes, price_checks, active FROM place_services
            WHERE place_id = \(bind: place.rawValue)\(filter) ORDER BY id
            """).all().compactMap { row -> PlaceService? in
            guard let category = ServiceCategory(code: try row.string("category")) else { return nil }
            return PlaceService(id: try row.id("id"), category: category, title: try row.string("title"), description: try row.string("description"),
                                durationMinutes: Int(try row.int("duration_minutes")), priceChecks: Int(try row.int("price_checks")),
                                active: try row.int("active") == 1)
        }
        for index in services.indices {
            services[index].sessions = try await sql.raw("""
                SELECT id, starts_at, capacity FROM service_sessions WHERE service_id = \(bind: services[index].id.rawValue) ORDER BY starts_at
                """).all().map { ServiceSession(id: try $0.id("id"), startsAt: try $0.string("starts_at"), capacity: Int(try $0.int("capacity"))) }
        }
        return services
    }
}
