import FluentPostgresDriver
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
        // The key as stored everywhere (validation_requests and redemptions): the trimmed one.
        let request = try { var checked = request; checked.key = try Self.checkedKey(request.key, checks: request.checks.count); return checked }()
        let fingerprint = Self.fingerprint(of: request)
        let now = clock.now
        let screened = screen(request.checks)
        return try await settled(request, fingerprint: fingerprint, now: now) {
            // A request key already answered gets that answer back: the first read finds it. On PostgreSQL the writes are
            // one statement, its own transaction (`RedemptionWrites`); SQLite reads and writes in one transaction.
            let redeem: @Sendable (Transaction) async throws -> ValidationOutcome = { tx in
                try await tx.redeem(screened, request: request, fingerprint: fingerprint, now: now, actor: actor)
            }
            if kind == .postgres { return try await retryingConflicts { try await onOneConnection(begin: nil, redeem) } }
            return try await transaction(redeem)
        }
    }

    /// A partner's validation (`POST /api/v1/validations`): the key presented (`secret`) and the request counted as
    /// `authenticateApiKey(_:counting:)` does, then handed to `authorize`, which throws to refuse the request or names the
    /// key's place and the journal's actor; then `validate(_:actor:)` of the checks at that place. On PostgreSQL the key,
    /// its counts and the validation's read are one statement (`AuthenticatedValidationLoad`): one round trip fewer than
    /// authenticating first. A request `validate` would refuse before reading anything (its key or its number of checks)
    /// is authenticated first, so that a request without a valid key is refused as such.
    public func validate(
        checks: [PresentedCheck], category: ServiceCategory, key: String, service: ServiceID?, presenting secret: String,
        counting count: ApiRequestCount, authorize: @escaping @Sendable (ApiKeyAuthentication) throws -> (place: PlaceID, actor: Actor)
    ) async throws -> ValidationOutcome {
        guard kind == .postgres, LiveApiKeyCounted.accepts(secret), let trimmed = try? Self.checkedKey(key, checks: checks.count) else {
            let (place, actor) = try authorize(try await authenticateApiKey(secret, counting: count))
            return try await validate(ValidationRequest(place: place, checks: checks, category: category, key: key, service: service), actor: actor)
        }
        let now = clock.now
        let screened = screen(checks)
        let counted = LiveApiKeyCounted(hash: Self.digest(secret), count: count, now: now.millis)
        let load = AuthenticatedValidationLoad(counted: counted, key: trimmed, service: service?.rawValue, checks: Transaction.unscreened(screened))
        let first = try await onOneConnection(begin: nil) { tx in
            let rows = try await tx.prepared.execute(load)
            guard let row = rows.first else { throw Inconsistency("the validation's first statement returned no row") }
            let found = try counted.authentication(row)
            if let key = found.key { try await tx.touch(key, now: counted.now) }
            let (place, actor) = try authorize(found)
            let request = ValidationRequest(place: place, checks: checks, category: category, key: trimmed, service: service)
            let fingerprint = Self.fingerprint(of: request)
            // The rows read are those of the key's place, which `authorize` names; if it named another, it is read again.
            let loaded = try row.optionalInt("place_id") == place.rawValue ? rows : nil
            let result: FirstAttempt.Result
            do {
                result = .outcome(try await tx.redeem(screened, request: request, fingerprint: fingerprint, now: now, actor: actor, loaded: loaded))
            } catch let refused as Refused {
                result = .refused(refused)
            } catch is SameKeyRace {
                result = .sameKeyRace
            } catch let error as PSQLError where Self.isRetryable(error) {
                result = .conflict
            }
            return FirstAttempt(request: request, fingerprint: fingerprint, actor: actor, result: result)
        }
        return try await settled(first.request, fingerprint: first.fingerprint, now: now) {
            switch first.result {
            case .outcome(let outcome): return outcome
            case .refused(let refused): throw refused
            case .sameKeyRace: throw SameKeyRace()
            case .conflict:
                // The writes met a deadlock or a serialization failure: again from the read, as `validate` retries them.
                return try await retryingConflicts {
                    try await onOneConnection(begin: nil) { tx in
                        try await tx.redeem(screened, request: first.request, fingerprint: first.fingerprint, now: now, actor: first.actor)
                    }
                }
            }
        }
    }

    /// The first attempt of an API validation on PostgreSQL: the request at the key's place, and how its writes ended.
    private struct FirstAttempt: Sendable {
        enum Result: Sendable { case outcome(ValidationOutcome), refused(Refused), sameKeyRace, conflict }
        let request: ValidationRequest
        let fingerprint: String
        let actor: Actor
        let result: Result
    }

    /// The request's key trimmed (as it is stored everywhere: validation_requests and redemptions), or the error for a
    /// key or a number of checks out of bounds.
    static func checkedKey(_ key: String, checks: Int) throws -> String {
        let key = key.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { throw DomainError.invalid(field: .key, problem: .empty) }
        guard key.count <= 200 else { throw DomainError.invalid(field: .key, problem: .tooLong(max: 200)) }
        guard (1...RedemptionRules.maximumChecksPerRequest).contains(checks) else {
            throw DomainError.invalid(field: .checks, problem: .outOfRange(min: 1, max: RedemptionRules.maximumChecksPerRequest))
        }
        return key
    }

    /// The outcome of `redeem`; for a refusal, the answer stored under the request's key (the first one stored, if another
    /// request stored one meanwhile); when another request took the key first, its answer.
    private func settled(_ request: ValidationRequest, fingerprint: String, now: Date,
                         _ redeem: () async throws -> ValidationOutcome) async throws -> ValidationOutcome {
        do {
            return try await redeem()
        } catch let refused as Refused {
            let outcome = try Self.encode(refused.outcome)
            _ = try await transaction { tx in
                try await tx.storeAnswer(place: request.place, key: request.key, fingerprint: fingerprint, outcome: outcome, at: now)
            }
            return try await storedOutcome(place: request.place, key: request.key, fingerprint: fingerprint) ?? refused.outcome
        } catch is SameKeyRace {
            guard let stored = try await storedOutcome(place: request.place, key: request.key, fingerprint: fingerprint) else {
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
                SELECT fingerprint AS stored_fingerprint, outcome AS stored_outcome FROM validation_requests
                WHERE place_id = \(bind: place.rawValue) AND request_key = \(bind: key)
                """).first()
        }) else { return nil }
        return try Self.storedOutcome(row, fingerprint: fingerprint)
    }

    /// The answer stored in `row` (columns `stored_fingerprint`, `stored_outcome`) for a request of `fingerprint`: nil
    /// when none is stored, a refusal when the key was used for another request.
    static func storedOutcome(_ row: any SQLRow, fingerprint: String) throws -> ValidationOutcome? {
        guard let stored = try row.optionalString("stored_fingerprint") else { return nil }
        guard stored == fingerprint else { throw DomainError.idempotencyKeyReused }
        return try JSONDecoder().decode(ValidationOutcome.self, from: Data(try row.string("stored_outcome").utf8))
    }
}

/// Thrown inside the transaction to roll it back when a check is refused.
struct Refused: Error {
    let outcome: ValidationOutcome
}

struct SameKeyRace: Error {}

extension Transaction {
    /// The database half of a validation: load the checks, apply the rules, redeem all or refuse, store the answer under
    /// the request's key (or give back the answer stored there).
    ///
    /// Validation is the hot path (docs/BENCHMARKS.md): on PostgreSQL it is two prepared statements, outside any explicit
    /// transaction. The first (`ValidationLoad`) reads the place, the key's stored answer, the checks with their booklet,
    /// programme and affiliation; the second (`RedemptionWrites`) locks the checks, then writes everything only if each is
    /// still available and the key still free. SQLite reads the same and writes step by step (`redeemStepByStep`) in the
    /// caller's transaction, its write transactions being serialised anyway.
    /// `loaded`: the rows of `ValidationLoad` for this request when they were read already (`AuthenticatedValidationLoad`).
    func redeem(
        _ screened: [(typed: String, serial: CheckSerial?, refusal: RefusalReason?)], request: ValidationRequest, fingerprint: String,
        now: Date, actor: Actor, loaded preloaded: [any SQLRow]? = nil
    ) async throws -> ValidationOutcome {
        let ids = Self.unscreened(screened)
        let loaded: [any SQLRow]
        if let preloaded {
            loaded = preloaded
        } else if kind == .postgres {
            loaded = try await prepared.execute(ValidationLoad(key: request.key, service: request.service?.rawValue, checks: ids, place: request.place.rawValue))
        } else {
            let checksJoin: SQLQueryString = ids.isEmpty ? "LEFT JOIN checks c ON 1 = 0" : "LEFT JOIN checks c ON c.id IN (\(binds: ids.binds))"
            loaded = try await sql.raw("""
                SELECT \(unsafeRaw: ValidationLoad.columns) FROM places pl
                LEFT JOIN validation_requests vr ON vr.place_id = pl.id AND vr.request_key = \(bind: request.key)
                LEFT JOIN place_services s ON s.id = \(bind: request.service?.rawValue) AND s.place_id = pl.id AND s.active = 1
                \(checksJoin) \(unsafeRaw: ValidationLoad.joins)
                WHERE pl.id = \(bind: request.place.rawValue)
                """).all()
        }
        guard let placeRow = loaded.first else { throw DomainError.notFound("place \(request.place)") }
        if let stored = try Store.storedOutcome(placeRow, fingerprint: fingerprint) { return stored }
        guard let placeState = PlaceState(rawValue: try placeRow.string("place_state")) else {
            throw CorruptValue(column: "places.state")
        }
        let place = RedeemingPlace(state: placeState, commune: CommuneCode(try placeRow.string("place_commune")))
        if request.service != nil, try placeRow.optionalString("service_category") != request.category.code {
            throw DomainError.invalid(field: .service, problem: .notAvailable)
        }
        var found: [Int64: LoadedCheck] = [:]
        for row in loaded {
            guard let id = try row.optionalInt("id") else { continue }
            guard let state = CheckState(rawValue: try row.string("state")) else {
                throw CorruptValue(column: "checks.state")
            }
            found[id] = LoadedCheck(
                state: state, programme: try ProgrammeColumns.decode(row),
                affiliated: try row.optionalString("affiliation") == AffiliationState.approved.rawValue,
                booklet: try row.int("booklet_id"), prescriber: try row.optionalInt("prescriber_id") ?? 0,
                beneficiary: try row.optionalInt("beneficiary_id") ?? 0, targetPublic: try TargetPublic.stored(try row.optionalString("target_public")))
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

        let checks = try ids.map { try found[$0].orThrow("checks.id") }
        let outcome = ValidationOutcome(accepted: true, items: items, total: total)
        let lines = byProgramme.sorted { $0.key < $1.key }.map { JournalLine.debit(.programmeFunds($0.key), $0.value) }
            + [.credit(.placePayable(request.place), total)]
        let entry = try JournalEntry(kind: .redemption, reference: "checks:" + screened.compactMap { $0.serial?.compact }.joined(separator: ","),
                                     lines: lines)
        var tallies = TallyDeltas()
        for check in checks {
            tallies.move(1, of: check.programme.id.rawValue, from: .distributed, to: CheckState.redemption.to)
            tallies.validated(1, programme: check.programme.id.rawValue, prescriber: check.prescriber, place: request.place.rawValue,
                              category: request.category.code, redeemedAt: now, targetPublic: check.targetPublic)
        }
        let write = RedemptionWrite(
            ids: ids, request: request, now: now, entry: entry, tallies: tallies,
            booklets: checks.reduce(into: [:]) { $0[$1.booklet, default: ($1.programme.id.rawValue, 0)].checks += 1 },
            marks: usageMarks(checks.compactMap { check in check.programme.terms.perimeter.departements.first.map { (check.beneficiary, $0) } },
                              place: request.place.rawValue, at: now),
            fingerprint: fingerprint, outcome: try Store.encode(outcome))
        let redeemed: Set<Int64>, stored: Bool
        if kind == .postgres {
            let rows = try await prepared.execute(RedemptionWrites(write, lane: lane, actor: actor))
            // The checks still available: all of them, or the statement wrote nothing.
            (redeemed, stored) = (Set(try rows.compactMap { try $0.optionalInt("id") }), try rows.first?.int("stored") == 1)
        } else {
            (redeemed, stored) = try await redeemStepByStep(write, actor: actor)
        }
        // The state guard makes this safe under concurrency: of two requests for one check, the second finds it no longer
        // distributed and redeems nothing (SQLite rolls its transaction back; PostgreSQL's statement wrote nothing).
        if redeemed.count != ids.count {
            for index in items.indices where screened[index].serial.map({ redeemed.contains($0.number) }) != true {
                items[index].refusal = .alreadyRedeemed
            }
            throw Refused(outcome: Self.refusedOutcome(items))
        }
        // Another request with the same key committed first: answer with theirs (SQLite rolls ours back; PostgreSQL wrote
        // nothing).
        guard stored else { throw SameKeyRace() }
        return outcome
    }

    /// The checks the screening did not refuse: those the database is asked about.
    static func unscreened(_ screened: [(typed: String, serial: CheckSerial?, refusal: RefusalReason?)]) -> [Int64] {
        screened.compactMap { $0.refusal == nil ? $0.serial?.number : nil }
    }

    /// A check as the validation loaded it.
    struct LoadedCheck {
        let state: CheckState
        let programme: Programme
        let affiliated: Bool
        let booklet: Int64
        let prescriber: Int64
        let beneficiary: Int64
        let targetPublic: TargetPublic?
    }

    /// What an accepted validation writes, computed before the first write.
    struct RedemptionWrite {
        let ids: [Int64]
        let request: ValidationRequest
        let now: Date
        let entry: JournalEntry
        /// The tallies known in advance (states, prescriber, place, category, month, target public); a booklet's start and
        /// the usage marks depend on the rows' locks and are counted as the writes find them.
        let tallies: TallyDeltas
        /// Per booklet: its programme and the checks redeemed.
        let booklets: [Int64: (programme: Int64, checks: Int64)]
        let marks: [TallyKey]
        let fingerprint: String
        let outcome: String
    }

    /// SQLite: the writes one statement after the other. Returns the checks the guarded update redeemed (when not all of
    /// them, the caller rolls back: nothing else is written) and whether the answer was stored under the request's key.
    private func redeemStepByStep(_ write: RedemptionWrite, actor: Actor) async throws -> (redeemed: Set<Int64>, stored: Bool) {
        let request = write.request
        let changed = try await sql.raw("""
            UPDATE checks SET state = \(bind: CheckState.redemption.to.rawValue), place_id = \(bind: request.place.rawValue),
              redeemed_at = \(bind: write.now.millis)
            WHERE id IN (\(binds: write.ids.binds)) AND state IN (\(binds: CheckState.redemption.from.binds)) RETURNING id
            """).all().map { try $0.int("id") }
        guard changed.count == write.ids.count else { return (Set(changed), false) }
        let rows: [SQLQueryString] = write.ids.map {
            "(\(bind: $0), \(bind: request.place.rawValue), \(bind: request.category.code), \(bind: write.now.millis), \(bind: request.key), \(bind: request.service?.rawValue))"
        }
        try await sql.raw("""
            INSERT INTO redemptions (check_id, place_id, category, redeemed_at, request_key, service_id) VALUES \(rows.joined(separator: ", "))
            """).run()
        try await post(write.entry, actor: actor, at: write.now)
        var tallies = write.tallies
        for (booklet, change) in try await countValidated(write.booklets.mapValues(\.checks)) where change.started {
            tallies.add(1, TallyKey(programme: try write.booklets[booklet].orThrow("booklets.id").programme, dimension: .bookletsStarted))
        }
        tallies.add(try await claimMarks(write.marks))
        try await apply(tallies)
        let stored = try await storeAnswer(place: request.place, key: request.key, fingerprint: write.fingerprint, outcome: write.outcome, at: write.now)
        return (Set(changed), stored)
    }

    /// Stores the answer to a request under its key, unless another request took the key first: whether it was stored.
    func storeAnswer(place: PlaceID, key: String, fingerprint: String, outcome: String, at instant: Date) async throws -> Bool {
        try await !sql.raw("""
            INSERT INTO validation_requests (place_id, request_key, fingerprint, outcome, created_at)
            VALUES (\(bind: place.rawValue), \(bind: key), \(bind: fingerprint), \(bind: outcome), \(bind: instant.millis))
            ON CONFLICT (place_id, request_key) DO NOTHING RETURNING place_id
            """).all().isEmpty
    }

    static func refusedOutcome(_ items: [ValidationOutcome.Item]) -> ValidationOutcome {
        ValidationOutcome(accepted: false, items: items.map { .init(serial: $0.serial, refusal: $0.refusal, amount: nil) }, total: .zero)
    }
}

/// The first statement of a validation: the place (one row per check, or one row without checks), the answer stored under
/// the request's key, the category of the named service, and each check with its booklet's prescriber, programme and the
/// place's affiliation to the programme's funder.
struct ValidationLoad: HotStatement {
    static let columns = """
        pl.state AS place_state, pl.commune AS place_commune, vr.fingerprint AS stored_fingerprint, vr.outcome AS stored_outcome,
        s.category AS service_category, c.id, c.state, c.booklet_id, c.beneficiary_id, c.target_public, b.prescriber_id,
        a.state AS affiliation, \(ProgrammeColumns.select)
        """
    /// The answer stored under the request's key and the named service, after the place (`pl`); `key` and `service` are
    /// the statement's parameters, such as "$1".
    static func requestJoins(key: String, service: String) -> String {
        """
        LEFT JOIN validation_requests vr ON vr.place_id = pl.id AND vr.request_key = \(key)
        LEFT JOIN place_services s ON s.id = \(service) AND s.place_id = pl.id AND s.active = 1
        """
    }
    /// The joins after the checks'.
    static let joins = """
        LEFT JOIN booklets b ON b.id = c.booklet_id
        LEFT JOIN programmes p ON p.id = c.programme_id
        LEFT JOIN affiliations a ON a.place_id = pl.id AND a.funder_id = p.funder_id
        """
    static let sql = """
        SELECT \(columns) FROM places pl
        \(requestJoins(key: "$1", service: "$2"))
        LEFT JOIN checks c ON c.id = ANY($3)
        \(joins)
        WHERE pl.id = $4
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .int8, .int8Array, .int8]
    let key: String
    let service: Int64?
    let checks: [Int64]
    let place: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(key)
        bindings.append(service)
        // Unpadded, on a database without statistics yet (the HTTP benchmark's), PostgreSQL planned this join on every
        // execution: 0.34 ms of its time per validation.
        bindings.append(Self.planned(checks))
        bindings.append(place)
        return bindings
    }
}

/// `ValidationLoad` for the place of the key a request presents, after `LiveApiKeyCounted`'s counts, in one statement
/// (`Store.validate(checks:category:key:service:presenting:counting:authorize:)`): the same rows, each also with the key's
/// columns, its counts and `place_id`; without a key, or with a key of no place, one row without a place. Committed
/// without waiting for the disk, like `LiveApiKeyCounted`: it writes the counters only.
struct AuthenticatedValidationLoad: HotStatement {
    static let sql = """
        WITH \(LiveApiKeyCounted.counting)
        SELECT \(LiveApiKeyCounted.counted), pl.id AS place_id, \(ValidationLoad.columns)
        FROM (SELECT 1) one LEFT JOIN live ON true
        LEFT JOIN places pl ON pl.id = live.organisation_id AND live.organisation_kind = 'place'
        \(ValidationLoad.requestJoins(key: "$7", service: "$8"))
        LEFT JOIN checks c ON c.id = ANY($9) AND pl.id IS NOT NULL
        \(ValidationLoad.joins)
        """
    static let bindingDataTypes: [PostgresDataType] = LiveApiKeyCounted.bindingDataTypes + [.text, .int8, .int8Array]
    let counted: LiveApiKeyCounted
    let key: String
    let service: Int64?
    let checks: [Int64]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 9)
        counted.append(to: &bindings)
        bindings.append(key)
        bindings.append(service)
        bindings.append(Self.planned(checks))
        return bindings
    }
}

/// Every write of an accepted validation, in one statement that is its own transaction. It first locks the checks and
/// keeps those still available (their state read under the lock, which this statement holds until it commits: the
/// update needs no state guard of its own); only when all of them are, and the request's key is still free, does it
/// store the answer and write. The state is tested on the locked rows, which have no statistics, so that its estimate
/// does not depend on the value bound (`HotStatement`; tested in the scan of `checks`, it made PostgreSQL plan the
/// statement on every execution whenever the statistics counted few checks in that state). The order of a WITH's writes
/// is PostgreSQL's to choose, so the booklets, marks and tallies each wait for the lane's head (`EXISTS (SELECT 1 FROM
/// old)`): the locks come checks, head, booklets, marks, tallies, as in every other writer (`post`, then
/// `countValidated`, then `apply`), and two of them never deadlock. It writes: the checks' update, their redemptions,
/// the booklets' counts, the usage marks, the journal entry chained after the lane's head (locked, its hash computed
/// here from `JournalChain.canonicalParts`), its lines and the new head, and the tallies (those known in advance, plus
/// the booklets that started and the marks that were new, as the statement finds them under their locks). Rows: each
/// available check's `id` (one row with NULL when none is) with `stored`, 1 when the answer was stored and everything
/// written, else 0 and nothing written.
struct RedemptionWrites: HotStatement {
    static let sql = """
        WITH locked AS (
          SELECT id, state FROM checks WHERE id = ANY($4) ORDER BY id FOR UPDATE),
        available AS (SELECT id FROM locked WHERE state = ANY($5)),
        request AS (
          INSERT INTO validation_requests (place_id, request_key, fingerprint, outcome, created_at)
          SELECT $2, $7, $31, $32, $3 WHERE (SELECT COUNT(*) FROM available) = cardinality(array_remove($4, 0))
          ON CONFLICT (place_id, request_key) DO NOTHING RETURNING place_id),
        changed AS (
          UPDATE checks SET state = $1, place_id = $2, redeemed_at = $3
          WHERE id IN (SELECT id FROM available) AND EXISTS (SELECT 1 FROM request) RETURNING id, booklet_id),
        old AS (
          SELECT sequence, hash FROM journal_head WHERE id = $16 AND EXISTS (SELECT 1 FROM changed) FOR UPDATE),
        redemption AS (
          INSERT INTO redemptions (check_id, place_id, category, redeemed_at, request_key, service_id)
          SELECT id, $2, $6, $3, $7, $8 FROM changed),
        booklet AS (
          UPDATE booklets b SET validated_checks = b.validated_checks + n.added
          FROM (SELECT booklet_id, COUNT(*) AS added FROM changed GROUP BY booklet_id) n
          WHERE b.id = n.booklet_id AND EXISTS (SELECT 1 FROM old) RETURNING b.programme_id, b.validated_checks = n.added AS started),
        mark AS (
          INSERT INTO usage_marks (measure, code, ref)
          SELECT measure, code, ref FROM unnest($9::text[], $10::text[], $11::bigint[]) WITH ORDINALITY AS m (measure, code, ref, n)
          WHERE EXISTS (SELECT 1 FROM old) ORDER BY n
          ON CONFLICT DO NOTHING RETURNING measure, code),
        entry AS (
          INSERT INTO journal_transactions (kind, reference, actor, occurred_at, reason, lane, sequence, previous_hash, hash)
          SELECT $12, $13, $14, $3, $15, $16, old.sequence + 1, old.hash,
            encode(sha256(convert_to($17 || CAST(old.sequence + 1 AS TEXT) || $18 || old.hash, 'UTF8')), 'hex')
          FROM old RETURNING id, sequence, hash),
        line AS (
          INSERT INTO journal_lines (transaction_id, account, programme_id, place_id, funder_id, debit_cents, credit_cents)
          SELECT entry.id, v.account, NULLIF(v.programme, 0), NULLIF(v.place, 0), NULLIF(v.funder, 0), v.debit, v.credit
          FROM entry, unnest($19::text[], $20::bigint[], $21::bigint[], $22::bigint[], $23::bigint[], $24::bigint[])
            WITH ORDINALITY AS v (account, programme, place, funder, debit, credit, n)
          ORDER BY v.n),
        head AS (UPDATE journal_head SET sequence = entry.sequence, hash = entry.hash FROM entry WHERE journal_head.id = $16),
        tally AS (
          INSERT INTO tallies (dimension, programme_id, ref, code, lane, checks)
          SELECT dimension, programme_id, ref, code, $16, CAST(SUM(n) AS BIGINT) FROM (
            SELECT * FROM unnest($25::text[], $26::bigint[], $27::bigint[], $28::text[], $29::bigint[]) WHERE EXISTS (SELECT 1 FROM old)
            UNION ALL SELECT $30, programme_id, 0, '', COUNT(*) FROM booklet WHERE started GROUP BY programme_id
            UNION ALL SELECT measure, 0, 0, code, COUNT(*) FROM mark GROUP BY measure, code
          ) AS d (dimension, programme_id, ref, code, n)
          GROUP BY dimension, programme_id, ref, code
          ORDER BY dimension COLLATE "C", programme_id, ref, code COLLATE "C"
          ON CONFLICT (dimension, programme_id, ref, code, lane) DO UPDATE SET checks = tallies.checks + excluded.checks)
        SELECT available.id, (SELECT COUNT(*) FROM request) AS stored
        FROM (SELECT 1) one LEFT JOIN available ON true
        """
    static let bindingDataTypes: [PostgresDataType] = [
        .text, .int8, .int8, .int8Array, .textArray, .text, .text, .int8,  // checks, redemptions
        .textArray, .textArray, .int8Array,  // usage marks
        .text, .text, .text, .text, .int8, .text, .text,  // journal entry: kind, reference, actor, reason, lane, canonical text
        .textArray, .int8Array, .int8Array, .int8Array, .int8Array, .int8Array,  // journal lines
        .textArray, .int8Array, .int8Array, .textArray, .int8Array, .text,  // tallies
        .text, .text,  // stored answer
    ]
    let bindings: PostgresBindings

    init(_ write: Transaction.RedemptionWrite, lane: Int64, actor: Actor) {
        let request = write.request
        let lines = write.entry.storedLines
        let canonical = JournalChain.canonicalParts(lane: lane, kind: write.entry.kind.rawValue, reference: write.entry.reference, actor: actor.name,
                                                    occurredAt: write.now.millis, reason: write.entry.reason, lines: lines)
        var bindings = PostgresBindings(capacity: Self.bindingDataTypes.count)
        bindings.append(CheckState.redemption.to.rawValue)
        bindings.append(request.place.rawValue)
        bindings.append(write.now.millis)
        bindings.append(Self.planned(write.ids))
        bindings.append(CheckState.redemption.from.map(\.rawValue))
        bindings.append(request.category.code)
        bindings.append(request.key)
        bindings.append(request.service?.rawValue)
        bindings.append(write.marks.map(\.dimension.rawValue))
        bindings.append(write.marks.map(\.code))
        bindings.append(write.marks.map(\.ref))
        bindings.append(write.entry.kind.rawValue)
        bindings.append(write.entry.reference)
        bindings.append(actor.name)
        bindings.append(write.entry.reason)
        bindings.append(lane)
        bindings.append(canonical.before)
        bindings.append(canonical.after)
        // A line's account has one key column set: 0 stands for NULL in the arrays (no id is 0).
        bindings.append(lines.map(\.account))
        bindings.append(lines.map { $0.programme ?? 0 })
        bindings.append(lines.map { $0.place ?? 0 })
        bindings.append(lines.map { $0.funder ?? 0 })
        bindings.append(lines.map(\.debit))
        bindings.append(lines.map(\.credit))
        let tallies = write.tallies.counts.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        bindings.append(tallies.map(\.key.dimension.rawValue))
        bindings.append(tallies.map(\.key.programme))
        bindings.append(tallies.map(\.key.ref))
        bindings.append(tallies.map(\.key.code))
        bindings.append(tallies.map(\.value))
        bindings.append(TallyDimension.bookletsStarted.rawValue)
        bindings.append(write.fingerprint)
        bindings.append(write.outcome)
        self.bindings = bindings
    }

    func makeBindings() throws -> PostgresBindings { bindings }
}
