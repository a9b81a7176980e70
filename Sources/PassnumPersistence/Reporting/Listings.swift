import Foundation
import PassnumDomain
import SQLKit

// Read-only queries behind the pages. Each takes the organisation it is scoped to: a page can only ever
// ask for its own organisation's rows.

public struct NamedRow: Sendable, Equatable {
    public let id: Int64
    public let name: String
}

public struct PlaceRow: Sendable {
    public let id: PlaceID
    public let name: String
    public let commune: String
    public let postcode: String
    public let state: PlaceState
    public let reason: String?
}

public struct JournalRow: Sendable {
    public let id: Int64
    public let kind: String
    public let reference: String
    public let actor: String
    public let occurredAt: Date
    public let amount: Money
}

public struct ProgrammeRow: Sendable {
    public let programme: Programme
    public let orders: Int
}

public struct OrderRow: Sendable {
    public let summary: OrderSummary
    public let programmeName: String
}

public struct StockRow: Sendable {
    public let programme: ProgrammeID
    public let programmeName: String
    public let inStock: Int
    public let byPrescriber: [(prescriber: NamedRow, booklets: Int, quota: Int?)]
}

public struct AffiliationRow: Sendable {
    public let place: PlaceRow
    public let state: AffiliationState
}

public struct BookletRow: Sendable {
    public let id: BookletID
    public let programmeName: String
    public let available: Int
    public let total: Int
}

public struct BeneficiaryRow: Sendable {
    public let id: BeneficiaryID
    public let firstName: String
    public let lastName: String
    public let birthYear: Int?
    public let commune: String
    public let level: Int?
    public let checks: Int
}

public struct CheckRow: Sendable {
    public let serial: CheckSerial
    public let state: CheckState
    public let at: Date?
    public let category: ServiceCategory?
    public let amount: Money
}

public struct PayoutRow: Sendable {
    public let id: Int64
    public let period: String
    public let checks: Int
    /// What was transferred: the checks' value less any deduction.
    public let amount: Money
    public let createdAt: Date
    public let state: PayoutBatch.State
}

public struct PublicCheckStatus: Sendable {
    public let state: CheckState
    public let faceValue: Money
    public let funderName: String
    public let programmeName: String
    public let lastDay: CivilDate
}

public struct PublicSite: Sendable {
    public let name: String
    public let address: String
    public let postcode: String
    public let communeCode: String?
    public let communeName: String
    public let latitude: Double?
    public let longitude: Double?
    public let access: String?
}

public struct PublicPlace: Sendable {
    public let id: PlaceID
    public let name: String
    public let sites: [PublicSite]
    public let categories: [ServiceCategory]
    public let openingHours: String?
    public let accessibility: [String]
    public let phone: String?
    public let email: String?
    public let website: String?
    public let summary: String?
    public var services: [PlaceService] = []
}

extension Store {
    // MARK: Operator

    public func funders() async throws -> [NamedRow] {
        try await read { tx in
            try await tx.sql.raw("SELECT id, name FROM funders ORDER BY name").all().map { NamedRow(id: try $0.int("id"), name: try $0.string("name")) }
        }
    }

    public func prescribers() async throws -> [NamedRow] {
        try await read { tx in
            try await tx.sql.raw("SELECT id, name FROM prescribers ORDER BY name").all().map { NamedRow(id: try $0.int("id"), name: try $0.string("name")) }
        }
    }

    public func places() async throws -> [PlaceRow] {
        try await read { tx in
            try await tx.sql.raw("SELECT id, name, commune, postcode, state, state_reason FROM places ORDER BY name").all().map(Self.placeRow)
        }
    }

    static func placeRow(_ row: any SQLRow) throws -> PlaceRow {
        PlaceRow(id: PlaceID(try row.int("id")), name: try row.string("name"), commune: try row.string("commune"),
                 postcode: try row.string("postcode"), state: PlaceState(rawValue: try row.string("state")) ?? .draft,
                 reason: try row.optionalString("state_reason"))
    }

    public func journal(limit: Int) async throws -> [JournalRow] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT t.id, t.kind, t.reference, t.actor, t.occurred_at, CAST(COALESCE(SUM(l.debit_cents), 0) AS BIGINT) AS amount
                FROM journal_transactions t LEFT JOIN journal_lines l ON l.transaction_id = t.id
                GROUP BY t.id, t.kind, t.reference, t.actor, t.occurred_at ORDER BY t.id DESC LIMIT \(bind: Int64(limit))
                """).all().map {
                JournalRow(id: try $0.int("id"), kind: try $0.string("kind"), reference: try $0.string("reference"),
                           actor: try $0.string("actor"), occurredAt: Date(millis: try $0.int("occurred_at")),
                           amount: Money(cents: try $0.int("amount")))
            }
        }
    }

    /// What a payout run for `month` would pay each place, without paying anything: the checks' value, and what
    /// it still owes (deductions), which the run takes from it.
    public func payoutPreview(for month: Month) async throws -> [(place: NamedRow, checks: Int, amount: Money, owed: Money, hasBankDetails: Bool)] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT pl.id, pl.name, CAST(COUNT(*) AS BIGINT) AS checks, CAST(SUM(p.face_value_cents) AS BIGINT) AS amount,
                  CAST(CASE WHEN EXISTS (\(PayoutSQL.verifiedBankDetails(ofPlace: "pl.id"))) THEN 1 ELSE 0 END AS BIGINT) AS bank,
                  CAST((SELECT COALESCE(SUM(d.amount_cents), 0) FROM deductions d WHERE d.place_id = pl.id)
                    - (SELECT COALESCE(SUM(a.amount_cents), 0) FROM deduction_applications a JOIN deductions d ON d.id = a.deduction_id
                       WHERE d.place_id = pl.id) AS BIGINT) AS owed
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN places pl ON pl.id = c.place_id
                WHERE \(PayoutSQL.payable("c", in: month))
                GROUP BY pl.id, pl.name ORDER BY pl.name
                """).all().map {
                (NamedRow(id: try $0.int("id"), name: try $0.string("name")), Int(try $0.int("checks")), Money(cents: try $0.int("amount")),
                 Money(cents: try $0.int("owed")), try $0.int("bank") > 0)
            }
        }
    }

    public func payoutRuns() async throws -> [PayoutRunResult] {
        try await read { tx in
            try await tx.sql.raw("SELECT period, payouts, checks, total_cents FROM payout_runs ORDER BY period DESC").all().compactMap {
                guard let month = Month(try $0.string("period")) else { return nil }
                return PayoutRunResult(month: month, ran: true, payouts: Int(try $0.int("payouts")), checks: Int(try $0.int("checks")),
                                       total: Money(cents: try $0.int("total_cents")))
            }
        }
    }

    // MARK: Funder

    /// The programmes of one funder, or of every funder when nil (the operator's view).
    public func programmes(of funder: FunderID?) async throws -> [ProgrammeRow] {
        try await read { tx in
            let filter: SQLQueryString = funder.map { "WHERE funder_id = \(bind: $0.rawValue)" } ?? ""
            let ids = try await tx.sql.raw("SELECT id FROM programmes \(filter) ORDER BY id DESC")
                .all().map { ProgrammeID(try $0.int("id")) }
            var rows: [ProgrammeRow] = []
            for id in ids {
                let orders = try await tx.sql.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM orders WHERE programme_id = \(bind: id.rawValue)")
                    .first(decodingColumn: "n", as: Int64.self) ?? 0
                rows.append(ProgrammeRow(programme: try await tx.programme(id), orders: Int(orders)))
            }
            return rows
        }
    }

    public func orders(of funder: FunderID) async throws -> [OrderRow] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT o.id, p.name FROM orders o JOIN programmes p ON p.id = o.programme_id
                WHERE p.funder_id = \(bind: funder.rawValue) ORDER BY o.id DESC
                """).all().map { row in (OrderID(try row.int("id")), try row.string("name")) }
                .asyncMap { OrderRow(summary: try await tx.order($0.0), programmeName: $0.1) }
        }
    }

    /// The funder that owns an order, to check a request is about one's own order.
    public func funder(ofOrder order: OrderID) async throws -> FunderID? {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT p.funder_id FROM orders o JOIN programmes p ON p.id = o.programme_id WHERE o.id = \(bind: order.rawValue)
                """).first(decodingColumn: "funder_id", as: Int64.self).map(FunderID.init)
        }
    }

    public func stock(of funder: FunderID) async throws -> [StockRow] {
        try await read { tx in
            var rows: [StockRow] = []
            for programme in try await tx.sql.raw("SELECT id, name FROM programmes WHERE funder_id = \(bind: funder.rawValue) ORDER BY id DESC").all() {
                let id = try programme.int("id")
                let inStock = try await tx.sql.raw("""
                    SELECT CAST(COUNT(*) AS BIGINT) AS n FROM booklets WHERE programme_id = \(bind: id) AND prescriber_id IS NULL
                    """).first(decodingColumn: "n", as: Int64.self) ?? 0
                let held = try await tx.sql.raw("""
                    SELECT pr.id, pr.name, CAST(COUNT(b.id) AS BIGINT) AS booklets, q.max_booklets
                    FROM prescribers pr
                    LEFT JOIN booklets b ON b.prescriber_id = pr.id AND b.programme_id = \(bind: id)
                    LEFT JOIN prescriber_quotas q ON q.prescriber_id = pr.id AND q.programme_id = \(bind: id)
                    GROUP BY pr.id, pr.name, q.max_booklets HAVING COUNT(b.id) > 0 OR q.max_booklets IS NOT NULL ORDER BY pr.name
                    """).all().map {
                    (NamedRow(id: try $0.int("id"), name: try $0.string("name")), Int(try $0.int("booklets")),
                     try $0.optionalInt("max_booklets").map(Int.init))
                }
                rows.append(StockRow(programme: ProgrammeID(id), programmeName: try programme.string("name"), inStock: Int(inStock), byPrescriber: held))
            }
            return rows
        }
    }

    public func affiliations(of funder: FunderID) async throws -> [AffiliationRow] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT pl.id, pl.name, pl.commune, pl.postcode, pl.state, pl.state_reason, a.state AS affiliation
                FROM affiliations a JOIN places pl ON pl.id = a.place_id WHERE a.funder_id = \(bind: funder.rawValue)
                ORDER BY CASE WHEN a.state = \(bind: AffiliationState.requested.rawValue) THEN 0 ELSE 1 END, pl.name
                """).all().map {
                AffiliationRow(place: try Self.placeRow($0), state: AffiliationState(rawValue: try $0.string("affiliation")) ?? .requested)
            }
        }
    }

    // MARK: Prescriber

    /// The programmes whose booklets a prescriber holds.
    public func programmes(heldBy prescriber: PrescriberID) async throws -> [Programme] {
        try await read { tx in
            let ids = try await tx.sql.raw("""
                SELECT DISTINCT programme_id FROM booklets WHERE prescriber_id = \(bind: prescriber.rawValue) ORDER BY programme_id
                """).all().map { ProgrammeID(try $0.int("programme_id")) }
            return try await ids.asyncMap { try await tx.programme($0) }
        }
    }

    public func booklets(of prescriber: PrescriberID) async throws -> [BookletRow] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT b.id, p.name, b.last_check_id - b.first_check_id + 1 AS total,
                  (SELECT COUNT(*) FROM checks c WHERE c.id BETWEEN b.first_check_id AND b.last_check_id
                    AND c.state IN (\(binds: CheckState.handOut.from.binds))) AS available
                FROM booklets b JOIN programmes p ON p.id = b.programme_id
                WHERE b.prescriber_id = \(bind: prescriber.rawValue) AND p.expired_at IS NULL ORDER BY b.id
                """).all().map {
                BookletRow(id: BookletID(try $0.int("id")), programmeName: try $0.string("name"),
                           available: Int(try $0.int("available")), total: Int(try $0.int("total")))
            }
        }
    }

    public func beneficiaries(of prescriber: PrescriberID, search: String?, limit: Int = 50) async throws -> [BeneficiaryRow] {
        let pattern = "%" + (search ?? "").lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"
        return try await read { tx in
            try await tx.sql.raw("""
                SELECT b.id, b.first_name, b.last_name, b.birth_year, b.commune, b.diagnostic_level,
                  (SELECT COUNT(*) FROM checks c WHERE c.beneficiary_id = b.id) AS checks
                FROM beneficiaries b WHERE b.prescriber_id = \(bind: prescriber.rawValue)
                  AND (LOWER(b.last_name) LIKE \(bind: pattern) OR LOWER(b.first_name) LIKE \(bind: pattern))
                ORDER BY b.last_name, b.first_name LIMIT \(bind: Int64(limit))
                """).all().map(Self.beneficiaryRow)
        }
    }

    public func beneficiary(_ id: BeneficiaryID, of prescriber: PrescriberID) async throws -> BeneficiaryRow? {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT b.id, b.first_name, b.last_name, b.birth_year, b.commune, b.diagnostic_level,
                  (SELECT COUNT(*) FROM checks c WHERE c.beneficiary_id = b.id) AS checks
                FROM beneficiaries b WHERE b.id = \(bind: id.rawValue) AND b.prescriber_id = \(bind: prescriber.rawValue)
                """).first().map(Self.beneficiaryRow)
        }
    }

    static func beneficiaryRow(_ row: any SQLRow) throws -> BeneficiaryRow {
        BeneficiaryRow(id: BeneficiaryID(try row.int("id")), firstName: try row.string("first_name"), lastName: try row.string("last_name"),
                       birthYear: try row.optionalInt("birth_year").map(Int.init), commune: try row.string("commune"),
                       level: try row.optionalInt("diagnostic_level").map(Int.init), checks: Int(try row.int("checks")))
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

    /// Checks this prescriber handed out, most recent first.
    public func handOuts(of prescriber: PrescriberID, limit: Int = 200) async throws -> [(check: CheckRow, beneficiary: String)] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT c.id, c.state, c.distributed_at AS at, NULL AS category, p.face_value_cents, b.first_name, b.last_name
                FROM checks c JOIN beneficiaries b ON b.id = c.beneficiary_id JOIN programmes p ON p.id = c.programme_id
                WHERE b.prescriber_id = \(bind: prescriber.rawValue) ORDER BY c.distributed_at DESC, c.id LIMIT \(bind: Int64(limit))
                """).all().compactMap { row in
                try Self.checkRow(row).map { ($0, try row.string("first_name") + " " + row.string("last_name")) }
            }
        }
    }

    static func checkRow(_ row: any SQLRow) throws -> CheckRow? {
        guard let serial = CheckSerial(number: try row.int("id")), let state = CheckState(rawValue: try row.string("state")) else { return nil }
        return CheckRow(serial: serial, state: state, at: try row.optionalInt("at").map(Date.init(millis:)),
                        category: try row.optionalString("category").flatMap(ServiceCategory.init(code:)),
                        amount: Money(cents: try row.int("face_value_cents")))
    }

    // MARK: Place

    /// Validations made at a place since `since`, most recent first (undone ones included, marked).
    public func validations(at place: PlaceID, since: Date, limit: Int = 500) async throws -> [(check: CheckRow, undone: Bool)] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT r.check_id AS id, c.state, r.redeemed_at AS at, r.category, p.face_value_cents, r.undone_at
                FROM redemptions r JOIN checks c ON c.id = r.check_id JOIN programmes p ON p.id = c.programme_id
                WHERE r.place_id = \(bind: place.rawValue) AND r.redeemed_at >= \(bind: since.millis)
                ORDER BY r.redeemed_at DESC, r.id DESC LIMIT \(bind: Int64(limit))
                """).all().compactMap { row in try Self.checkRow(row).map { ($0, try row.optionalInt("undone_at") != nil) } }
        }
    }

    public func payouts(of place: PlaceID) async throws -> [PayoutRow] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT po.id, po.period, po.checks, po.amount_cents, po.created_at, b.state FROM payouts po
                LEFT JOIN payout_batches b ON b.id = po.batch_id WHERE po.place_id = \(bind: place.rawValue) ORDER BY po.period DESC, po.id DESC
                """).all().map {
                PayoutRow(id: try $0.int("id"), period: try $0.string("period"), checks: Int(try $0.int("checks")),
                          amount: Money(cents: try $0.int("amount_cents")), createdAt: Date(millis: try $0.int("created_at")),
                          state: try $0.optionalString("state").flatMap(PayoutBatch.State.init(rawValue:)) ?? .settled)
            }
        }
    }

    public func placeName(_ place: PlaceID) async throws -> String? {
        try await read { tx in try await tx.sql.raw("SELECT name FROM places WHERE id = \(bind: place.rawValue)").first(decodingColumn: "name", as: String.self) }
    }

    public func name(ofFunder funder: FunderID) async throws -> String? {
        try await read { tx in try await tx.sql.raw("SELECT name FROM funders WHERE id = \(bind: funder.rawValue)").first(decodingColumn: "name", as: String.self) }
    }

    public func name(ofPrescriber prescriber: PrescriberID) async throws -> String? {
        try await read { tx in try await tx.sql.raw("SELECT name FROM prescribers WHERE id = \(bind: prescriber.rawValue)").first(decodingColumn: "name", as: String.self) }
    }

    // MARK: Public

    /// What anyone holding a check may learn with its serial and code. Nil when the pair does not match.
    public func publicStatus(serial: CheckSerial, code: SecurityCode) async throws -> PublicCheckStatus? {
        guard secret.verify(code, for: serial) else { return nil }
        return try await read { tx in
            guard let row = try await tx.sql.raw("""
                SELECT c.state, f.name AS funder, \(unsafeRaw: ProgrammeColumns.select)
                FROM checks c JOIN programmes p ON p.id = c.programme_id JOIN funders f ON f.id = p.funder_id
                WHERE c.id = \(bind: serial.number)
                """).first(), let state = CheckState(rawValue: try row.string("state"))
            else { return nil }
            let programme = try ProgrammeColumns.decode(row)
            return PublicCheckStatus(state: state, faceValue: programme.terms.faceValue, funderName: try row.string("funder"),
                                     programmeName: programme.terms.name, lastDay: programme.terms.lastRedemptionDay)
        }
    }

    /// Qualified places that accept at least one funder's checks, with their sites and the services they offer
    /// (declared in their application or catalogue; otherwise what the funders' open programmes pay for).
    public func publicPlaces(only id: PlaceID? = nil) async throws -> [PublicPlace] {
        try await read { tx in
            let filter: SQLQueryString = id.map { " AND pl.id = \(bind: $0.rawValue)" } ?? ""
            let rows = try await tx.sql.raw("""
                SELECT DISTINCT pl.id, pl.name, pl.commune, pl.postcode FROM places pl
                JOIN affiliations a ON a.place_id = pl.id AND a.state = \(bind: AffiliationState.approved.rawValue)
                WHERE pl.state = \(bind: PlaceState.qualified.rawValue)\(filter) ORDER BY pl.name
                """).all()
            var places: [PublicPlace] = []
            for row in rows {
                let place = PlaceID(try row.int("id"))
                let application = PlaceApplication(place: place, name: try row.string("name"), state: .qualified,
                                                   steps: try await tx.applicationSteps(of: place), documents: [])
                var sites = try await tx.sql.raw("""
                    SELECT name, address, postcode, commune_code, commune_name, latitude, longitude, access, open_data
                    FROM place_sites WHERE place_id = \(bind: place.rawValue) ORDER BY position
                    """).all().map {
                    PublicSite(name: try $0.string("name"), address: try $0.string("address"), postcode: try $0.string("postcode"),
                               communeCode: try $0.optionalString("commune_code"), communeName: try $0.string("commune_name"),
                               latitude: try $0.decode(column: "latitude", as: Double?.self), longitude: try $0.decode(column: "longitude", as: Double?.self),
                               access: try $0.optionalString("access"))
                }
                if sites.isEmpty {
                    sites = [PublicSite(name: application.name, address: "", postcode: try row.string("postcode"), communeCode: try row.string("commune"),
                                        communeName: "", latitude: nil, longitude: nil, access: nil)]
                }
                let services = try await tx.services(of: place, activeOnly: true)
                var categories = Set(application.decode(ApplicationData.Services.self, .services)?.categories ?? [])
                categories.formUnion(services.map(\.category))
                if categories.isEmpty {
                    for programme in try await tx.sql.raw("""
                        SELECT p.categories FROM programmes p JOIN affiliations a ON a.funder_id = p.funder_id
                        WHERE a.place_id = \(bind: place.rawValue) AND a.state = \(bind: AffiliationState.approved.rawValue) AND p.expired_at IS NULL
                        """).all() {
                        categories.formUnion(ProgrammeColumns.split(try programme.string("categories")).compactMap(ServiceCategory.init(code:)))
                    }
                }
                let organisation = application.decode(ApplicationData.Organisation.self, .organisation)
                places.append(PublicPlace(
                    id: place, name: application.name, sites: sites, categories: ServiceCategory.allCases.filter(categories.contains),
                    openingHours: application.decode(ApplicationData.Hours.self, .hours)?.openingHours,
                    accessibility: application.decode(ApplicationData.Services.self, .services)?.accessibility ?? [],
                    phone: organisation?.phone, email: organisation?.email, website: organisation?.website, summary: organisation?.summary,
                    services: services))
            }
            return places
        }
    }

    /// Each funder with this place's affiliation to it, if any.
    public func affiliations(of place: PlaceID) async throws -> [(funder: NamedRow, state: AffiliationState?)] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT f.id, f.name, a.state FROM funders f LEFT JOIN affiliations a ON a.funder_id = f.id AND a.place_id = \(bind: place.rawValue)
                ORDER BY f.name
                """).all().map {
                (NamedRow(id: try $0.int("id"), name: try $0.string("name")), try $0.optionalString("state").flatMap(AffiliationState.init(rawValue:)))
            }
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

extension Store {
    /// The prescriber whose stock holds a check (its booklet's prescriber), if any.
    public func holder(of serial: CheckSerial) async throws -> PrescriberID? {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT b.prescriber_id FROM checks c JOIN booklets b ON b.id = c.booklet_id WHERE c.id = \(bind: serial.number)
                """).first().flatMap { try $0.optionalInt("prescriber_id") }.map(PrescriberID.init)
        }
    }
}
