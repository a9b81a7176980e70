import Foundation
import PassnumDomain
import SQLKit

/// The organisations of the national dataset and who holds what, as the bulk phases need them. Territories: funder
/// `f` lives in département `departement(of: f)`, its programmes cover that one and the next, and its prescribers
/// and places are there.
struct World: Sendable {
    /// A programme with its fulfilled order: the booklets are consecutive ids, and so are their checks.
    struct Issued: Sendable {
        let programme: ProgrammeID
        let terms: ProgrammeTerms
        let firstBooklet: Int64
        let firstCheck: Int64
        let booklets: Int

        static func read(_ tx: Transaction, programme: ProgrammeID, order: OrderID, terms: ProgrammeTerms) async throws -> Issued {
            guard let row = try await tx.sql.raw("""
                SELECT o.booklets, o.first_booklet_id, b.first_check_id FROM orders o JOIN booklets b ON b.id = o.first_booklet_id
                WHERE o.id = \(bind: order.rawValue)
                """).first() else { throw Inconsistency("order \(order) was not fulfilled") }
            return Issued(programme: programme, terms: terms, firstBooklet: try row.int("first_booklet_id"),
                          firstCheck: try row.int("first_check_id"), booklets: Int(try row.int("booklets")))
        }
    }

    struct Place: Sendable {
        /// Its rank in the dataset: its manager's e-mail and bank account are derived from it.
        let index: Int
        let id: Int64
        let name: String
        var service: Int64 = 0
        var category = ServiceCategory.everydayTools
    }

    let plan: NationalSeed.Plan
    /// Every account's password hash (they all share `NationalSeed.password`).
    let passwordHash: String
    var funders: [FunderID] = []
    /// `plan.programmesPerFunder` per funder, funder by funder: the first of each ends after eight months.
    var programmes: [Issued] = []
    var prescribers: [PrescriberID] = []
    /// The places of each funder's territory.
    var places: [[Place]] = []
    /// Per programme: which prescriber holds which booklets, as offsets from its first booklet.
    var holders: [[(prescriber: PrescriberID, booklets: Range<Int>)]] = []

    init(plan: NationalSeed.Plan, passwordHash: String) {
        self.plan = plan
        self.passwordHash = passwordHash
    }

    /// Tables whose ids the bulk phases choose, so that rows written together can point to each other.
    static let explicitIDTables = ["journal_transactions", "users", "place_services", "bank_detail_changes", "beneficiaries",
                                   "payout_batches", "payouts", "deductions"]

    static let departements: [DepartementCode] = ((1...95).filter { $0 != 20 }.map { String(format: "%02d", $0) } + ["2A", "2B"])
        .compactMap(DepartementCode.init)
    /// 400 communes per département (codes that pass the INSEE pattern, not real communes).
    static let communes: [[CommuneCode]] = departements.map { departement in
        (1...400).compactMap { CommuneCode(departement.value + String(format: "%03d", $0)) }
    }

    static func departement(of funder: Int) -> DepartementCode { departements[funder % departements.count] }

    static func commune(of funder: Int, index: Int) -> CommuneCode {
        let communes = Self.communes[funder % departements.count]
        return communes[index % communes.count]
    }

    static func postcode(of funder: Int) -> String {
        let code = departement(of: funder).value
        return code == "2A" || code == "2B" ? "20000" : code + "000"
    }

    /// Months during which a programme's booklets are handed out: the first programme stops two weeks before its end.
    static func handOutMonths(campaign: Int) -> Int { campaign == 0 ? 7 : 12 }

    func funder(of programme: Int) -> Int { programme / plan.programmesPerFunder }

    /// The beneficiaries (numbered per programme, one per booklet) handed their checks during `month`.
    func beneficiaries(of programme: Int, handedIn month: Int) -> Range<Int> {
        let months = Self.handOutMonths(campaign: programme % plan.programmesPerFunder)
        guard (0..<months).contains(month) else { return 0..<0 }
        let count = programmes[programme].booklets
        return (month * count / months)..<((month + 1) * count / months)
    }

    // MARK: Places, by `importPlaces`

    /// Open-data records of every place, territory by territory so that each territory's places get consecutive
    /// ids; one place in three has a second site.
    func placeRecords() -> [(line: Int, record: OpenData.Record)] {
        var records: [(line: Int, record: OpenData.Record)] = []
        let kinds = ["Médiathèque", "Centre social", "Espace public numérique", "France Services", "Tiers-lieu", "Association numérique"]
        let date = plan.months[0].firstDay.description
        for place in 0..<plan.places {
            let funder = place % plan.funders
            let commune = Self.commune(of: funder, index: place)
            for site in 0..<(place % 3 == 0 ? 2 : 1) {
                let latitude = 42.5 + Double((place * 7919 + site) % 8000) / 1000
                let longitude = -4.0 + Double((place * 104_729 + site) % 12_000) / 1000
                records.append((records.count + 2, [
                    "id": "national-\(place + 1)-\(site + 1)", "pivot": Self.siret(place), "nom": "\(kinds[place % kinds.count]) \(place + 1)",
                    "commune": "Commune \(commune.value)", "code_postal": Self.postcode(of: funder), "code_insee": commune.value,
                    "adresse": "\(1 + place % 90) rue de la République", "date_maj": date,
                    "latitude": String(latitude), "longitude": String(longitude),
                    "services": ServiceCategory.allCases[place % 8].rawValue + "|" + ServiceCategory.allCases[(place + 3) % 8].rawValue,
                ]))
            }
        }
        // Sorted by territory, then rank: the import numbers places in the order of their first line.
        return records.sorted { ($0.record["pivot"].map { Self.rank(ofSiret: $0) % plan.funders } ?? 0, $0.line)
            < ($1.record["pivot"].map { Self.rank(ofSiret: $0) % plan.funders } ?? 0, $1.line) }
    }

    /// Reads back the ids the import gave, by SIRET.
    mutating func readPlaces(_ store: Store) async throws {
        let rows = try await store.read { tx in
            try await tx.sql.raw("SELECT id, siret, name FROM places ORDER BY id").all()
                .map { (id: try $0.int("id"), siret: try $0.optionalString("siret") ?? "", name: try $0.string("name")) }
        }
        places = Array(repeating: [], count: plan.funders)
        for row in rows {
            let rank = Self.rank(ofSiret: row.siret)
            places[rank % plan.funders].append(Place(index: rank, id: row.id, name: row.name))
        }
        guard places.allSatisfy({ !$0.isEmpty }) else { throw Inconsistency("a territory has no place") }
    }

    /// A 14-digit SIRET with its Luhn check digit, unique per rank.
    static func siret(_ rank: Int) -> String { Siret.completing("8" + String(format: "%012d", rank)) }

    static func rank(ofSiret siret: String) -> Int { Int(siret.dropFirst().dropLast()) ?? 0 }

    /// A French IBAN whose check digits are right (ISO 13616, mod 97-10), distinct per rank.
    static func iban(_ rank: Int) -> String {
        let bban = "30006" + "00001" + String(format: "%011d", rank) + "00"
        let digits = bban + "152700"  // "FR00", letters as numbers
        let remainder = digits.reduce(0) { ($0 * 10 + ($1.wholeNumberValue ?? 0)) % 97 }
        return "FR" + String(format: "%02d", 98 - remainder) + bban
    }

    // MARK: Accounts, catalogue, bank details, affiliations, quotas

    /// Writes what `createUser`, `addService`, `proposeBankDetails` + `decideBankDetails`, `requestAffiliation` +
    /// `decideAffiliation` and `setQuota` write, for every account, place and prescriber.
    mutating func accounts(_ tx: Transaction, _ journal: inout BulkJournal, at month: Month) async throws {
        let now = NationalSeed.instant(month, day: 1, hour: 10).millis
        var users: [BulkRow] = []
        var userID = try await tx.maximumID("users")
        func user(_ email: String, _ name: String, _ role: Role, _ organisation: Organisation) {
            userID += 1
            users.append([userID, email, name, passwordHash, organisation.kind.rawValue, organisation.storedID, role.rawValue, Int64(0), now])
            journal.post(.event(.accountCreated, reference: "user:\(userID):\(role.rawValue):\(organisation)", reason: nil), actor: Actor.system.name, at: now)
        }
        user(NationalSeed.operatorEmail, "Administratrice nationale", .operatorAdmin, .operator)
        user(NationalSeed.secondOperatorEmail, "Administrateur national", .operatorAdmin, .operator)
        for (index, funder) in funders.enumerated() {
            user(NationalSeed.funderEmail(index), "Gestionnaire \(index + 1)", .funderManager, .funder(funder))
        }
        for agent in 0..<plan.agents {
            user(NationalSeed.agentEmail(agent), "Aiguilleur \(agent + 1)", .prescriberAgent, .prescriber(prescribers[agent % prescribers.count]))
        }
        for place in places.joined() {
            user(NationalSeed.placeEmail(place.index), "Responsable \(place.index + 1)", .placeManager, .place(PlaceID(place.id)))
        }
        try await tx.insertRows("users", ["id", "email", "name", "password_hash", "organisation_kind", "organisation_id", "role", "failed_logins", "created_at"], users)

        var services: [BulkRow] = []
        var changes: [BulkRow] = []
        var affiliations: [BulkRow] = []
        var serviceID = try await tx.maximumID("place_services")
        var changeID = try await tx.maximumID("bank_detail_changes")
        for funder in places.indices {
            for slot in places[funder].indices {
                let place = places[funder][slot]
                let placeID = PlaceID(place.id)
                for offset in [0, 3] {
                    let category = ServiceCategory.allCases[(place.index + offset) % 8]
                    serviceID += 1
                    services.append([serviceID, place.id, category.code, "Atelier « \(category.rawValue) »",
                                     "Atelier collectif en petit groupe, avec un médiateur numérique.", Int64(90), Int64(1), Int64(1), now])
                    if offset == 0 {
                        places[funder][slot].service = serviceID
                        places[funder][slot].category = category
                    }
                }
                // The place proposes its bank details, an operator admin (someone else) verifies them.
                changeID += 1
                let iban = Self.iban(place.index)
                let manager = NationalSeed.placeEmail(place.index)
                changes.append([changeID, place.id, place.name, iban, "AGRIFRPP", nil as String?, "RIB joint à la demande", manager,
                                OrganisationKind.place.rawValue, now, BankDetailsReview.State.verified.rawValue, NationalSeed.operatorEmail,
                                now + 3_600_000, "RIB vérifié"])
                let reference = "place:\(placeID):bank-change:\(changeID) none -> \(BankDetailsReview.masked(iban))"
                journal.post(.event(.bankDetailsProposed, reference: reference, reason: "RIB joint à la demande"), actor: manager, at: now)
                journal.post(.event(.bankDetailsDecided, reference: reference, reason: "verified: RIB vérifié"),
                             actor: NationalSeed.operatorEmail, at: now + 3_600_000)
                // Approved by its territory's funder, and every other place also by the previous territory's, whose
                // second département it is.
                for approver in Set(slot % 2 == 0 ? [funder, (funder + plan.funders - 1) % plan.funders] : [funder]).sorted() {
                    affiliations.append([place.id, funders[approver].rawValue, AffiliationState.approved.rawValue, nil as String?, now])
                    journal.post(.event(.affiliationDecision, reference: "place:\(placeID):funder:\(funders[approver]):approved", reason: nil),
                                 actor: NationalSeed.funderEmail(approver), at: now)
                }
            }
        }
        try await tx.insertRows("place_services", ["id", "place_id", "category", "title", "description", "duration_minutes", "price_checks", "active", "created_at"], services)
        try await tx.insertRows("bank_detail_changes", ["id", "place_id", "holder", "iban", "bic", "previous_iban", "reason", "proposed_by", "proposer_kind",
                                                        "proposed_at", "state", "decided_by", "decided_at", "decision_reason"], changes)
        try await tx.insertRows("affiliations", ["place_id", "funder_id", "state", "reason", "updated_at"], affiliations)

        // Each programme's stock: a fifth stays with the funder, the rest is shared between its territory's prescribers.
        var quotas: [BulkRow] = []
        holders = []
        for (index, issued) in programmes.enumerated() {
            let funder = self.funder(of: index)
            let own = stride(from: funder, to: prescribers.count, by: plan.funders).map { prescribers[$0] }
            let allocated = issued.booklets - issued.booklets / 5
            var shares: [(prescriber: PrescriberID, booklets: Range<Int>)] = []
            for (rank, prescriber) in own.enumerated() {
                let range = (rank * allocated / own.count)..<((rank + 1) * allocated / own.count)
                shares.append((prescriber, range))
                quotas.append([issued.programme.rawValue, prescriber.rawValue, Int64(range.count)])
            }
            holders.append(shares)
        }
        try await tx.insertRows("prescriber_quotas", ["programme_id", "prescriber_id", "max_booklets"], quotas)
    }

    /// What `allocate` writes: the booklets move to their prescriber, their checks become allocated.
    func allocate(_ tx: Transaction, at month: Month) async throws {
        let now = NationalSeed.instant(month, day: 2, hour: 9).millis
        for (index, issued) in programmes.enumerated() {
            for holder in holders[index] where !holder.booklets.isEmpty {
                let first = issued.firstBooklet + Int64(holder.booklets.lowerBound), last = issued.firstBooklet + Int64(holder.booklets.upperBound) - 1
                try await tx.sql.raw("""
                    UPDATE booklets SET prescriber_id = \(bind: holder.prescriber.rawValue), allocated_at = \(bind: now)
                    WHERE id BETWEEN \(bind: first) AND \(bind: last)
                    """).run()
                try await tx.sql.raw("""
                    UPDATE checks SET state = \(bind: CheckState.allocation.to.rawValue)
                    WHERE id BETWEEN \(bind: issued.firstCheck + Int64(holder.booklets.lowerBound * NationalSeed.checksPerBooklet))
                      AND \(bind: issued.firstCheck + Int64(holder.booklets.upperBound * NationalSeed.checksPerBooklet) - 1)
                      AND state IN (\(binds: CheckState.allocation.from.binds))
                    """).run()
            }
        }
    }

    func holder(of programme: Int, booklet offset: Int) throws -> PrescriberID {
        guard let holder = holders[programme].first(where: { $0.booklets.contains(offset) }) else {
            throw Inconsistency("booklet \(offset) of programme \(programme) was not allocated")
        }
        return holder.prescriber
    }

    // MARK: Hand-outs and oppositions

    /// What `createBeneficiary`, `recordDiagnostic` and `handOut` write for the beneficiaries of `month` (half a
    /// booklet each, by the prescriber holding it), then what `oppose` writes for one in twenty, who lost a check.
    func handOut(month: Int, months: [Month], _ tx: Transaction) async throws {
        let firstNames = ["Marie", "Jean", "Fatima", "Pierre", "Nathalie", "Mohamed", "Isabelle", "Michel", "Sophie", "Ahmed", "Monique", "Louis"]
        let lastNames = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent"]
        var next = try await tx.maximumID("beneficiaries") + 1
        for (index, issued) in programmes.enumerated() {
            let people = beneficiaries(of: index, handedIn: month)
            guard !people.isEmpty else { continue }
            var rows: [BulkRow] = []
            for person in people {
                let at = NationalSeed.spread(months[month], rank: person - people.lowerBound, of: people.count).millis
                rows.append([next + Int64(person - people.lowerBound), try holder(of: index, booklet: person / 2).rawValue,
                             firstNames[person % firstNames.count], lastNames[(person / 7) % lastNames.count], Int64(1940 + person % 66),
                             Self.commune(of: funder(of: index), index: person).value, Int64(1 + person % 4), CivilDate(Date(millis: at)).description, at])
            }
            try await tx.insertRows("beneficiaries", ["id", "prescriber_id", "first_name", "last_name", "birth_year", "commune", "diagnostic_level",
                                                      "consent_date", "created_at"], rows)
            let firstCheck = issued.firstCheck + Int64(people.lowerBound * NationalSeed.checksPerBeneficiary)
            let lastCheck = issued.firstCheck + Int64(people.upperBound * NationalSeed.checksPerBeneficiary) - 1
            let owner: SQLQueryString = "CAST(\(bind: next) AS BIGINT) + (checks.id - CAST(\(bind: firstCheck) AS BIGINT)) / \(unsafeRaw: String(NationalSeed.checksPerBeneficiary))"
            try await tx.sql.raw("""
                UPDATE checks SET state = \(bind: CheckState.handOut.to.rawValue), beneficiary_id = \(owner),
                  distributed_at = (SELECT b.created_at FROM beneficiaries b WHERE b.id = \(owner))
                WHERE id BETWEEN \(bind: firstCheck) AND \(bind: lastCheck) AND state IN (\(binds: CheckState.handOut.from.binds))
                """).run()
            // The last check of one beneficiary in twenty, reported lost at the end of the month.
            try await tx.sql.raw("""
                UPDATE checks SET state = \(bind: CheckState.opposition.to.rawValue),
                  voided_at = \(bind: NationalSeed.instant(months[month], day: 28, hour: 17).millis), void_reason = \(bind: OppositionReason.lost.rawValue)
                WHERE id BETWEEN \(bind: firstCheck) AND \(bind: lastCheck) AND (id - CAST(\(bind: issued.firstCheck) AS BIGINT)) % 100 = 99
                  AND state IN (\(binds: CheckState.opposition.from.binds))
                """).run()
            next += Int64(people.count)
        }
    }
}

extension NationalSeed {
    /// The `rank`-th of `count` moments spread over working hours from the 3rd to the 27th of the month.
    static func spread(_ month: Month, rank: Int, of count: Int) -> Date {
        let slot = Double(rank) / Double(max(count, 1)) * 25
        let day = Int(slot)
        return instant(month, day: 3 + day, hour: 8).addingTimeInterval((slot - Double(day)) * 10 * 3600)
    }
}
