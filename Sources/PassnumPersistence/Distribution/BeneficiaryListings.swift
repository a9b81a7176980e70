import Foundation
import PassnumDomain
import SQLKit

// Read-only queries behind the pages. Each takes the organisation it is scoped to: a page can only ever
// ask for its own organisation's rows.

public struct BeneficiaryRow: Sendable, Equatable {
    public let id: BeneficiaryID
    public let firstName: String
    public let lastName: String
    public let birthYear: Int?
    public let commune: String
    /// The commune's name when the platform knows it (Places/Communes.swift).
    public let communeName: String?
    public let level: Int?
    /// When the level was recorded; nil for levels recorded before the date was kept.
    public let diagnosticAt: Date?
    public let checks: Int
}

/// A check a prescriber handed out, and to whom.
public struct HandOutRow: Sendable, Equatable {
    public let check: CheckRow
    public let beneficiary: String
}

extension Store {
    /// A prescriber's beneficiaries whose name contains `search`, by name, a page at a time (on `beneficiaries_by_name`).
    public func beneficiaries(of prescriber: PrescriberID, search: String?, _ page: PageRequest = .first) async throws -> Page<BeneficiaryRow> {
        let pattern = "%" + (search ?? "").lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
        return try await read { tx in
            try await tx.page("""
                SELECT b.id, b.first_name, b.last_name, b.birth_year, b.commune, k.name AS commune_name, b.diagnostic_level, b.diagnostic_at,
                  (SELECT COUNT(*) FROM checks c WHERE c.beneficiary_id = b.id) AS checks
                FROM beneficiaries b LEFT JOIN communes k ON k.code = b.commune WHERE b.prescriber_id = \(bind: prescriber.rawValue)
                  AND (LOWER(b.last_name) LIKE \(bind: pattern) OR LOWER(b.first_name) LIKE \(bind: pattern))
                """, keyset: Keyset(.beneficiaries, sort: ["b.last_name", "b.first_name"], keyColumns: ["last_name", "first_name"], id: "b.id",
                                    descending: false), page, row: Self.beneficiaryRow)
        }
    }

    public func beneficiary(_ id: BeneficiaryID, of prescriber: PrescriberID) async throws -> BeneficiaryRow? {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT b.id, b.first_name, b.last_name, b.birth_year, b.commune, k.name AS commune_name, b.diagnostic_level, b.diagnostic_at,
                  (SELECT COUNT(*) FROM checks c WHERE c.beneficiary_id = b.id) AS checks
                FROM beneficiaries b LEFT JOIN communes k ON k.code = b.commune WHERE b.id = \(bind: id.rawValue) AND b.prescriber_id = \(bind: prescriber.rawValue)
                """).first().map(Self.beneficiaryRow)
        }
    }

    static func beneficiaryRow(_ row: any SQLRow) throws -> BeneficiaryRow {
        BeneficiaryRow(id: BeneficiaryID(try row.int("id")), firstName: try row.string("first_name"), lastName: try row.string("last_name"),
                       birthYear: try row.optionalInt("birth_year").map(Int.init), commune: try row.string("commune"),
                       communeName: try row.optionalString("commune_name"), level: try row.optionalInt("diagnostic_level").map(Int.init),
                       diagnosticAt: try row.optionalInt("diagnostic_at").map(Date.init(millis:)), checks: Int(try row.int("checks")))
    }

    /// The checks handed to a beneficiary, most recent first.
    public func checks(ofBeneficiary beneficiary: BeneficiaryID) async throws -> [CheckRow] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT c.id, c.state, c.distributed_at AS at, NULL AS category, p.face_value_cents
                FROM checks c JOIN programmes p ON p.id = c.programme_id
                WHERE c.beneficiary_id = \(bind: beneficiary.rawValue) ORDER BY c.id
                """).all().compactMap(Self.checkRow)
        }
    }

    /// Checks this prescriber handed out, most recent first, a page at a time.
    public func handOuts(of prescriber: PrescriberID, _ page: PageRequest = .first) async throws -> Page<HandOutRow> {
        try await read { tx in
            try await tx.page("""
                SELECT c.id, c.state, c.distributed_at AS at, NULL AS category, p.face_value_cents, b.first_name, b.last_name
                FROM checks c JOIN beneficiaries b ON b.id = c.beneficiary_id JOIN programmes p ON p.id = c.programme_id
                WHERE b.prescriber_id = \(bind: prescriber.rawValue) AND c.distributed_at IS NOT NULL
                """, keyset: Keyset(.handOuts, sort: ["c.distributed_at"], keyColumns: ["at"], id: "c.id", descending: true), page) { row in
                try Self.checkRow(row).map { HandOutRow(check: $0, beneficiary: try row.string("first_name") + " " + row.string("last_name")) }
            }
        }
    }
}
