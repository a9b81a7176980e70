import Foundation
import PassnumDomain
import SQLKit

/// Funders and prescriber structures (minimal fields: full onboarding is a later issue).
extension Store {
    public func createFunder(name: String) async throws -> FunderID {
        let name = try requiredText(name, field: .name)
        let now = clock.now.millis
        return try await transaction { tx in
            FunderID(try await tx.insertReturningID("INSERT INTO funders (name, created_at) VALUES (\(bind: name), \(bind: now))"))
        }
    }

    public func createPrescriber(name: String, commune: CommuneCode) async throws -> PrescriberID {
        let name = try requiredText(name, field: .name)
        let now = clock.now.millis
        return try await transaction { tx in
            PrescriberID(try await tx.insertReturningID("""
                INSERT INTO prescribers (name, commune, created_at) VALUES (\(bind: name), \(bind: commune.value), \(bind: now))
                """))
        }
    }
}

extension Transaction {
    func requireFunder(_ id: FunderID) async throws {
        guard try await sql.raw("SELECT id FROM funders WHERE id = \(bind: id.rawValue)").first() != nil else {
            throw DomainError.notFound("funder \(id)")
        }
    }

    func requirePrescriber(_ id: PrescriberID) async throws {
        guard try await sql.raw("SELECT id FROM prescribers WHERE id = \(bind: id.rawValue)").first() != nil else {
            throw DomainError.notFound("prescriber \(id)")
        }
    }

    /// NotFound unless the funder, prescriber or place exists (the operator always does).
    func requireOrganisation(_ organisation: Organisation) async throws {
        switch organisation {
        case .operator: break
        case .funder(let id): try await requireFunder(id)
        case .prescriber(let id): try await requirePrescriber(id)
        case .place(let id): _ = try await placeState(id)
        }
    }
}
