import Foundation
import PassnumDomain
import SQLKit

/// A check as the place typed or scanned it.
public struct PresentedCheck: Sendable, Hashable, Codable {
    public var serial: String
    public var code: String

    public init(serial: String, code: String) {
        self.serial = serial
        self.code = code
    }
}

public struct ValidationRequest: Sendable {
    public var place: PlaceID
    public var checks: [PresentedCheck]
    public var category: ServiceCategory
    /// Chosen by the client; the same key always gets the first answer back and never redeems twice.
    public var key: String
    /// The catalogue service paid for, if the place named one (its category must be `category`).
    public var service: ServiceID?

    public init(place: PlaceID, checks: [PresentedCheck], category: ServiceCategory, key: String, service: ServiceID? = nil) {
        self.place = place
        self.checks = checks
        self.category = category
        self.key = key
        self.service = service
    }
}

/// The answer to a validation request: either every check is redeemed, or none is and each refused
/// check says why.
public struct ValidationOutcome: Sendable, Codable, Equatable {
    public struct Item: Sendable, Codable, Equatable {
        /// The serial as typed, or its twelve digits when it could be read.
        public var serial: String
        public var refusal: RefusalReason?
        public var amount: Money?
    }

    public var accepted: Bool
    public var items: [Item]
    public var total: Money
}

extension Store {
    /// Validates one or several checks at a place for a service category: all or nothing.
    public func validate(_ request: ValidationRequest, actor: Actor = .system) async throws -> ValidationOutcome {
        let key = request.key.trimmingCharacters(in: .whitespaces)
        // The key as stored everywhere (validation_requests and redemptions): the trimmed one.
        let request = { var trimmed = request; trimmed.key = key; return trimmed }()
        guard !key.isEmpty else { throw DomainError.invalid(field: .key, problem: .empty) }
        guard key.count <= 200 else { throw DomainError.invalid(field: .key, problem: .tooLong(max: 200)) }
        guard (1...RedemptionRules.maximumChecksPerRequest).contains(request.checks.count) else {
            throw DomainError.invalid(field: .checks, problem: .outOfRange(min: 1, max: RedemptionRules.maximumChecksPerRequest))
        }
        let fingerprint = Self.fingerprint(of: request)
        if let stored = try await storedOutcome(place: request.place, key: key, fingerprint: fingerprint) { return stored }

        let now = clock.now
        let screened = screen(request.checks)
        do {
            return try await transaction { tx in
                let outcome = try await tx.redeem(screened, request: request, now: now, actor: actor)
                let stored = try await tx.sql.raw("""
                    INSERT INTO validation_requests (place_id, request_key, fingerprint, outcome, created_at)
                    VALUES (\(bind: request.place.rawValue), \(bind: key), \(bind: fingerprint),
                      \(bind: try Self.encode(outcome)), \(bind: now.millis))
                    ON CONFLICT (place_id, request_key) DO NOTHING RETURNING place_id
                    """).all()
                // Another request with the same key committed first: undo ours, answer with theirs.
                guard !stored.isEmpty else { throw SameKeyRace() }
                return outcome
            }
        } catch let refused as Refused {
            try await transaction { tx in
                try await tx.sql.raw("""
                    INSERT INTO validation_requests (place_id, request_key, fingerprint, outcome, created_at)
                    VALUES (\(bind: request.place.rawValue), \(bind: key), \(bind: fingerprint),
                      \(bind: try Self.encode(refused.outcome)), \(bind: now.millis))
                    ON CONFLICT (place_id, request_key) DO NOTHING
                    """).run()
            }
            return try await storedOutcome(place: request.place, key: key, fingerprint: fingerprint) ?? refused.outcome
        } catch is SameKeyRace {
            guard let stored = try await storedOutcome(place: request.place, key: key, fingerprint: fingerprint) else {
                throw Inconsistency("the answer stored for a request key vanished after the key was taken")
            }
            return stored
        }
    }

    /// Undoes a validation made today by the same place, while the check is not in a payout.
    public func undoValidation(of serial: CheckSerial, at place: PlaceID, actor: Actor = .system) async throws {
        let now = clock.now
        try await transaction { tx in
            guard let row = try await tx.sql.raw("""
                SELECT r.id, r.redeemed_at, r.category, c.state, c.programme_id, c.booklet_id, c.target_public, p.face_value_cents
                FROM redemptions r JOIN checks c ON c.id = r.check_id JOIN programmes p ON p.id = c.programme_id
                WHERE r.check_id = \(bind: serial.number) AND r.place_id = \(bind: place.rawValue) AND r.undone_at IS NULL
                """ + SQLQueryString(tx.kind == .postgres ? " FOR UPDATE OF r, c" : "")).first()
            else { throw DomainError.undoRefused(.notRedeemedHere) }
            guard try row.string("state") == CheckState.redeemed.rawValue else { throw DomainError.undoRefused(.alreadyPaid) }
            guard CivilDate(Date(millis: try row.int("redeemed_at"))) == CivilDate(now) else {
                throw DomainError.undoRefused(.notToday)
            }
            let moved = try await tx.sql.raw("""
                UPDATE checks SET state = \(bind: CheckState.undoRedemption.to.rawValue), place_id = NULL, redeemed_at = NULL
                WHERE id = \(bind: serial.number) AND state IN (\(binds: CheckState.undoRedemption.from.binds)) RETURNING id
                """).all()
            guard moved.count == 1 else { throw DomainError.undoRefused(.alreadyPaid) }
            try await tx.sql.raw("UPDATE redemptions SET undone_at = \(bind: now.millis) WHERE id = \(bind: try row.int("id"))").run()
            let amount = Money(cents: try row.int("face_value_cents"))
            let programme = ProgrammeID(try row.int("programme_id"))
            try await tx.post(
                try .transfer(.redemptionUndo, reference: "check:\(serial.compact)", amount: amount,
                              from: .placePayable(place), to: .programmeFunds(programme)),
                actor: actor, at: now)
            try await tx.apply(try await tx.unvalidated(
                programme: programme.rawValue, booklet: try row.int("booklet_id"), place: place.rawValue, category: try row.string("category"),
                redeemedAt: Date(millis: try row.int("redeemed_at")), targetPublic: try TargetPublic.stored(try row.optionalString("target_public")),
                from: .redeemed, to: CheckState.undoRedemption.to))
        }
    }

    // MARK: Helpers

    /// The request's checks after the checks that need no database: format, check digit, security code,
    /// duplicates.
    func screen(_ checks: [PresentedCheck]) -> [(typed: String, serial: CheckSerial?, refusal: RefusalReason?)] {
        var seen = Set<Int64>()
        return checks.map { check in
            switch CheckSerial.parse(check.serial) {
            case .failure(.malformed): return (check.serial, nil, .unknownSerial)
            case .failure(.badCheckDigit): return (check.serial, nil, .badCheckDigit)
            case .success(let serial):
                guard let code = SecurityCode(typed: check.code), secret.verify(code, for: serial) else {
                    return (serial.compact, serial, .wrongCode)
                }
                guard seen.insert(serial.number).inserted else { return (serial.compact, serial, .duplicateInRequest) }
                return (serial.compact, serial, nil)
            }
        }
    }

    static func fingerprint(of request: ValidationRequest) -> String {
        let canonical = ([String(request.place.rawValue), request.category.code, request.service.map(\.description) ?? ""]
            + request.checks.map { "\($0.serial.filter(\.isNumber)):\(SecurityCode(typed: $0.code)?.canonical ?? $0.code)" })
            .joined(separator: "\n")
        return sha256Hex(Data(canonical.utf8))
    }

    static func encode(_ outcome: ValidationOutcome) throws -> String {
        String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
    }

    private func storedOutcome(place: PlaceID, key: String, fingerprint: String) async throws -> ValidationOutcome? {
        guard let row = try await read({ tx in
            try await tx.sql.raw("""
                SELECT fingerprint, outcome FROM validation_requests
                WHERE place_id = \(bind: place.rawValue) AND request_key = \(bind: key)
                """).first()
        }) else { return nil }
        guard try row.string("fingerprint") == fingerprint else { throw DomainError.idempotencyKeyReused }
        return try JSONDecoder().decode(ValidationOutcome.self, from: Data(try row.string("outcome").utf8))
    }
}

/// Thrown inside the transaction to roll it back when a check is refused.
struct Refused: Error {
    let outcome: ValidationOutcome
}

struct SameKeyRace: Error {}

extension Transaction {
    /// The database half of a validation: load the checks, apply the rules, redeem all or refuse.
    func redeem(
        _ screened: [(typed: String, serial: CheckSerial?, refusal: RefusalReason?)], request: ValidationRequest,
        now: Date, actor: Actor
    ) async throws -> ValidationOutcome {
        // One query for the place, the checks, their programmes and the place's affiliation to each funder
        // (validation is the hot path: every statement counts, see docs/BENCHMARKS.md).
        let ids = screened.compactMap { $0.refusal == nil ? $0.serial?.number : nil }
        let checksJoin: SQLQueryString = ids.isEmpty ? "LEFT JOIN checks c ON 1 = 0" : "LEFT JOIN checks c ON c.id IN (\(binds: ids.binds))"
        let loaded = try await sql.raw("""
            SELECT pl.state AS place_state, pl.commune AS place_commune, c.id, c.state, a.state AS affiliation, \(unsafeRaw: ProgrammeColumns.select)
            FROM places pl \(checksJoin)
            LEFT JOIN programmes p ON p.id = c.programme_id
            LEFT JOIN affiliations a ON a.place_id = pl.id AND a.funder_id = p.funder_id
            WHERE pl.id = \(bind: request.place.rawValue)
            """).all()
        guard let placeRow = loaded.first else { throw DomainError.notFound("place \(request.place)") }
        guard let placeState = PlaceState(rawValue: try placeRow.string("place_state")) else {
            throw CorruptValue(column: "places.state")
        }
        let place = RedeemingPlace(state: placeState, commune: CommuneCode(try placeRow.string("place_commune")))
        if let service = request.service {
            let category = try await sql.raw("""
                SELECT category FROM place_services WHERE id = \(bind: service.rawValue) AND place_id = \(bind: request.place.rawValue) AND active = 1
                """).first(decodingColumn: "category", as: String.self)
            guard category == request.category.code else {
                throw DomainError.invalid(field: .service, problem: .notAvailable)
            }
        }
        var found: [Int64: (state: CheckState, programme: Programme, affiliated: Bool)] = [:]
        for row in loaded {
            guard let id = try row.optionalInt("id") else { continue }
            guard let state = CheckState(rawValue: try row.string("state")) else {
                throw CorruptValue(column: "checks.state")
            }
            found[id] = (state, try ProgrammeColumns.decode(row), try row.optionalString("affiliation") == AffiliationState.approved.rawValue)
        }
        let today = CivilDate(now)
        var items: [ValidationOutcome.Item] = []
        var total = Money.zero
        var byProgramme: [ProgrammeID: Money] = [:]
        for entry in screened {
            var item = ValidationOutcome.Item(serial: entry.typed, refusal: entry.refusal, amount: nil)
            if entry.refusal == nil, let serial = entry.serial {
                if let check = found[serial.number] {
                    item.refusal = RedemptionRules.refusal(
                        state: check.state, terms: check.programme.terms, place: place, placeAffiliated: check.affiliated,
                        category: request.category, today: today)
                    item.amount = check.programme.terms.faceValue
                    total += check.programme.terms.faceValue
                    byProgramme[check.programme.id, default: .zero] += check.programme.terms.faceValue
                } else {
                    item.refusal = .unknownSerial
                }
            }
            items.append(item)
        }
        if items.contains(where: { $0.refusal != nil }) {
            throw Refused(outcome: Self.refusedOutcome(items))
        }

        // The state guard makes this safe under concurrency: of two requests for one check, the second
        // finds it no longer distributed and redeems nothing.
        let changed = try await sql.raw("""
            UPDATE checks SET state = \(bind: CheckState.redemption.to.rawValue), place_id = \(bind: request.place.rawValue),
              redeemed_at = \(bind: now.millis)
            WHERE id IN (\(binds: ids.binds)) AND state IN (\(binds: CheckState.redemption.from.binds)) RETURNING id, booklet_id, programme_id, beneficiary_id, target_public
            """).all().map { (id: try $0.int("id"), booklet: try $0.int("booklet_id"), programme: try $0.int("programme_id"),
                              beneficiary: try $0.optionalInt("beneficiary_id") ?? 0,
                              targetPublic: try TargetPublic.stored(try $0.optionalString("target_public"))) }
        let redeemed = Set(changed.map(\.id))
        if redeemed.count != ids.count {
            for index in items.indices where screened[index].serial.map({ redeemed.contains($0.number) }) != true {
                items[index].refusal = .alreadyRedeemed
            }
            throw Refused(outcome: Self.refusedOutcome(items))
        }
        let rows: [SQLQueryString] = ids.map {
            "(\(bind: $0), \(bind: request.place.rawValue), \(bind: request.category.code), \(bind: now.millis), \(bind: request.key), \(bind: request.service?.rawValue))"
        }
        try await sql.raw("""
            INSERT INTO redemptions (check_id, place_id, category, redeemed_at, request_key, service_id) VALUES \(rows.joined(separator: ", "))
            """).run()
        let lines = byProgramme.sorted { $0.key < $1.key }.map { JournalLine.debit(.programmeFunds($0.key), $0.value) }
            + [.credit(.placePayable(request.place), total)]
        let reference = "checks:" + screened.compactMap { $0.serial?.compact }.joined(separator: ",")
        try await post(try JournalEntry(kind: .redemption, reference: reference, lines: lines), actor: actor, at: now)
        // After the journal: this transaction already holds its lane, the tallies' rows of that lane add no wait.
        let booklets = try await countValidated(changed.reduce(into: [:]) { $0[$1.booklet, default: 0] += 1 })
        var tallies = TallyDeltas()
        for check in changed {
            tallies.move(1, of: check.programme, from: .distributed, to: CheckState.redemption.to)
            tallies.validated(1, programme: check.programme, prescriber: booklets[check.booklet]?.prescriber ?? 0, place: request.place.rawValue,
                              category: request.category.code, redeemedAt: now, targetPublic: check.targetPublic)
        }
        let programmeOf = Dictionary(changed.map { ($0.booklet, $0.programme) }, uniquingKeysWith: { first, _ in first })
        for (booklet, change) in booklets where change.started {
            guard let programme = programmeOf[booklet] else { continue }
            tallies.add(1, TallyKey(programme: programme, dimension: .bookletsStarted))
        }
        tallies.add(try await markUsage(changed.compactMap { check in
            found[check.id]?.programme.terms.perimeter.departements.first.map { (check.beneficiary, $0) } }, place: request.place.rawValue, at: now))
        try await apply(tallies)
        return ValidationOutcome(accepted: true, items: items, total: total)
    }

    static func refusedOutcome(_ items: [ValidationOutcome.Item]) -> ValidationOutcome {
        ValidationOutcome(accepted: false, items: items.map { .init(serial: $0.serial, refusal: $0.refusal, amount: nil) }, total: .zero)
    }
}
