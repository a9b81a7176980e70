import FluentPostgresDriver
import Foundation
import PassnumDomain
import SQLKit

/// A partner API key, as its organisation's managers see it (never the key itself, which is shown once).
public struct ApiKey: Sendable, Equatable {
    public let id: ApiKeyID
    public let name: String
    /// The key's first characters, to tell keys apart.
    public let prefix: String
    public let organisation: Organisation
    public let scopes: [ApiScope]
    public let createdBy: String
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?

    public func allows(_ scope: ApiScope) -> Bool { revokedAt == nil && scopes.contains(scope) }
}

extension Store {
    /// Creates a key for an organisation with some of the scopes its kind allows. Returns the key once: only its
    /// SHA-256 is kept. Journaled with who created it.
    public func createApiKey(name: String, scopes: [ApiScope], organisation: Organisation, actor: Actor) async throws -> (key: ApiKey, secret: String) {
        let name = try requiredText(name, field: .name, maximum: 80)
        let scopes = ApiScope.allCases.filter(scopes.contains)
        guard !scopes.isEmpty else { throw DomainError.invalid(field: .scopes, problem: .empty) }
        guard let organisationID = organisation.storedID, scopes.allSatisfy(ApiScope.allowed(for: organisation.kind).contains) else {
            throw DomainError.invalid(field: .scopes, problem: .notAvailable)
        }
        let secret = "pn_" + Self.randomToken()
        let now = clock.now
        let key = try await transaction { tx in
            try await tx.requireOrganisation(organisation)
            let id = try await tx.insertReturningID("""
                INSERT INTO api_keys (key_hash, prefix, name, organisation_kind, organisation_id, scopes, created_by, created_at)
                VALUES (\(bind: Self.digest(secret)), \(bind: String(secret.prefix(10))), \(bind: name), \(bind: organisation.kind.rawValue),
                  \(bind: organisationID), \(bind: scopes.map(\.rawValue).joined(separator: " ")), \(bind: actor.name), \(bind: now.millis))
                """)
            try await tx.post(.event(.apiKeyChanged, reference: "api_key:\(id)",
                                     reason: "created for \(organisation) with scopes \(scopes.map(\.rawValue).joined(separator: " "))"),
                              actor: actor, at: now)
            guard let row = try await tx.sql.raw("SELECT * FROM api_keys WHERE id = \(bind: id)").first() else { throw DomainError.notFound("API key \(id)") }
            return try Self.apiKey(row)
        }
        return (key, secret)
    }

    public func apiKeys(of organisation: Organisation) async throws -> [ApiKey] {
        guard let id = organisation.storedID else { return [] }
        return try await read { tx in
            try await tx.sql.raw("""
                SELECT * FROM api_keys WHERE organisation_kind = \(bind: organisation.kind.rawValue) AND organisation_id = \(bind: id) ORDER BY id DESC
                """).all().map(Self.apiKey)
        }
    }

    /// Revokes a key of the organisation: it stops working at once. Journaled.
    public func revokeApiKey(_ id: ApiKeyID, of organisation: Organisation, actor: Actor) async throws {
        let now = clock.now
        try await transaction { tx in
            let revoked = try await tx.sql.raw("""
                UPDATE api_keys SET revoked_at = \(bind: now.millis) WHERE id = \(bind: id.rawValue) AND organisation_kind = \(bind: organisation.kind.rawValue)
                  AND organisation_id = \(bind: organisation.storedID ?? -1) AND revoked_at IS NULL RETURNING id
                """).all()
            guard revoked.count == 1 else { throw DomainError.notFound("API key \(id)") }
            try await tx.post(.event(.apiKeyChanged, reference: "api_key:\(id)", reason: "revoked"), actor: actor, at: now)
        }
    }

    /// The live key a request presents, or nil. Its last-used time is written at most once a minute, so that a
    /// busy key does not turn every read into a write.
    public func authenticateApiKey(_ secret: String) async throws -> ApiKey? {
        guard secret.hasPrefix("pn_"), secret.count < 100 else { return nil }
        let hash = Self.digest(secret)
        let found = try await read { tx in
            try await tx.sql.raw("\(unsafeRaw: LiveApiKey.select) WHERE key_hash = \(bind: hash) AND revoked_at IS NULL").first().map(Self.apiKey)
        }
        if let found { try await touch(found) }
        return found
    }

    /// The live key a request presents (nil when none), with the request counted against the rate limits of `count`: the
    /// key's and then the address's for the operation, or the address's failed authentications when no key matches
    /// (`hitRateLimits` semantics: a bucket over its limit refuses, and the buckets after it are not counted). On
    /// PostgreSQL the key and the counts are one prepared statement (`LiveApiKeyCounted`).
    public func authenticateApiKey(_ secret: String, counting count: ApiRequestCount) async throws -> ApiKeyAuthentication {
        guard kind == .postgres, LiveApiKeyCounted.accepts(secret) else {
            guard let key = try await authenticateApiKey(secret) else {
                let decision = try await hitRateLimits([(count.unauthorizedBucket, count.perAddress)], windowSeconds: count.windowSeconds)
                return (nil, decision.refused, decision.retryAfterSeconds)
            }
            let decision = try await hitRateLimits([(count.keyBucket(key.id), count.perKey), (count.addressBucket, count.perAddress)],
                                                   windowSeconds: count.windowSeconds)
            return (key, decision.refused, decision.retryAfterSeconds)
        }
        let counted = LiveApiKeyCounted(hash: Self.digest(secret), count: count, now: clock.now.millis)
        return try await onOneConnection(begin: nil) { tx in
            guard let row = try await tx.prepared.execute(counted).first else { throw Inconsistency("the API key statement returned no row") }
            let found = try counted.authentication(row)
            if let key = found.key { try await tx.touch(key, now: counted.now) }
            return found
        }
    }

    /// Writes the key's last-used time when it is a minute old or more.
    private func touch(_ key: ApiKey) async throws {
        let now = clock.now.millis
        guard Transaction.isStale(key, now: now) else { return }
        try await transaction { tx in try await tx.touch(key, now: now) }
    }

    /// Counts a request in each bucket, in order, for the current window of `windowSeconds`, in one transaction; the
    /// first bucket over its limit refuses it (the buckets after it are not counted). The counters live in the
    /// database, so the limits hold across every app server sharing it.
    /// On PostgreSQL, one statement that is its own transaction (every API request counts: no BEGIN, no COMMIT round trips),
    /// committed without waiting for the disk (`RateLimitHits`, for one or two buckets).
    public func hitRateLimits(_ buckets: [(bucket: String, limit: Int)], windowSeconds: Int) async throws -> (refused: (bucket: String, limit: Int)?, retryAfterSeconds: Int) {
        let now = clock.now.millis
        if kind == .postgres, let first = buckets.first, buckets.count <= 2 {
            let second = buckets.count == 2 ? buckets[1].bucket : nil
            let window = RateWindow(now: now, seconds: windowSeconds)
            let row = try await onOneConnection(begin: nil) { tx in
                try await tx.prepared.execute(RateLimitHits(first: first.bucket, second: second, start: window.start, firstLimit: Int64(first.limit))).first
            }
            return (window.firstOver(buckets, hits: [try row?.optionalInt("hits0"), try row?.optionalInt("hits1")]), window.retryAfter)
        }
        return try await transaction { tx in
            var retryAfter = windowSeconds
            for (bucket, limit) in buckets {
                let hit = try await tx.hitRateLimit(bucket, windowSeconds: windowSeconds, now: now)
                retryAfter = hit.retryAfter
                if hit.hits > limit { return ((bucket, limit), retryAfter) }
            }
            return (nil, retryAfter)
        }
    }

    static func apiKey(_ row: any SQLRow) throws -> ApiKey { try apiKey(row, id: "id", name: "name") }

    /// A key's columns (`LiveApiKey`), its `id` and `name` read from the columns named `id` and `name`.
    static func apiKey(_ row: any SQLRow, id: String, name: String) throws -> ApiKey {
        ApiKey(id: try row.id(id), name: try row.string(name), prefix: try row.string("prefix"),
               organisation: try row.organisation(of: "api_keys"),
               scopes: try row.string("scopes").split(separator: " ").compactMap { ApiScope(rawValue: String($0)) },
               createdBy: try row.string("created_by"), createdAt: Date(millis: try row.int("created_at")),
               lastUsedAt: try row.optionalInt("last_used_at").map(Date.init(millis:)),
               revokedAt: try row.optionalInt("revoked_at").map(Date.init(millis:)))
    }
}

/// A request's key (nil when none matched), the first of its buckets over its limit (nil when none), and the seconds
/// until the window ends (`Retry-After`).
public typealias ApiKeyAuthentication = (key: ApiKey?, refused: (bucket: String, limit: Int)?, retryAfterSeconds: Int)

extension Transaction {
    /// Whether a key's last-used time is a minute old or more, and is to be written again.
    static func isStale(_ key: ApiKey, now: Int64) -> Bool { (key.lastUsedAt?.millis ?? 0) < now - 60_000 }

    /// Writes the key's last-used time when it is a minute old or more.
    func touch(_ key: ApiKey, now: Int64) async throws {
        guard Self.isStale(key, now: now) else { return }
        try await sql.raw("UPDATE api_keys SET last_used_at = \(bind: now) WHERE id = \(bind: key.id)").run()
    }

    /// One more hit in `bucket`'s fixed window of `windowSeconds` (an atomic upsert): the window's hits, and the seconds
    /// until it ends. The first hit of a window drops the bucket's older windows, so the table stays small
    /// (the purge job drops the rest, `purgeExpired`).
    func hitRateLimit(_ bucket: String, windowSeconds: Int, now: Int64) async throws -> (hits: Int, retryAfter: Int) {
        let window = RateWindow(now: now, seconds: windowSeconds)
        let hits = try await sql.raw("""
            INSERT INTO rate_limits (bucket, window_start, hits) VALUES (\(bind: bucket), \(bind: window.start), 1)
            ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits
            """).first(decodingColumn: "hits", as: Int64.self) ?? 1
        if hits == 1 {
            try await sql.raw("DELETE FROM rate_limits WHERE bucket = \(bind: bucket) AND window_start < \(bind: window.start)").run()
        }
        return (Int(hits), window.retryAfter)
    }
}

/// The fixed window of rate limiting that an instant falls in.
struct RateWindow {
    /// Its start, in milliseconds.
    let start: Int64
    /// Seconds until it ends, at least 1 (`Retry-After`).
    let retryAfter: Int

    init(now: Int64, seconds: Int) {
        let length = Int64(seconds) * 1000
        start = now - now % length
        retryAfter = max(1, Int((start + length - now + 999) / 1000))
    }

    /// The first of `buckets` whose hits (in the same order; nil from the first bucket not counted) passed its limit.
    func firstOver(_ buckets: [(bucket: String, limit: Int)], hits: [Int64?]) -> (bucket: String, limit: Int)? {
        for (bucket, hit) in zip(buckets, hits) {
            guard let hit else { return nil }
            if hit > Int64(bucket.limit) { return bucket }
        }
        return nil
    }
}

/// What an API request counts against: per key and per client address, for one operation, in fixed windows.
public struct ApiRequestCount: Sendable {
    public var operation: String
    public var perKey: Int
    public var address: String
    public var perAddress: Int
    public var windowSeconds: Int

    public init(operation: String, perKey: Int, address: String, perAddress: Int, windowSeconds: Int) {
        self.operation = operation
        self.perKey = perKey
        self.address = address
        self.perAddress = perAddress
        self.windowSeconds = windowSeconds
    }

    func keyBucket(_ key: ApiKeyID) -> String { "key:\(key):\(operation)" }
    var addressBucket: String { "address:\(address):\(operation)" }
    /// Failed authentications, per address, whatever the operation.
    var unauthorizedBucket: String { "address:\(address):unauthorized" }
}

/// The columns of a key (`Store.apiKey`).
enum LiveApiKey {
    static let select = "SELECT id, name, prefix, organisation_kind, organisation_id, scopes, created_by, created_at, last_used_at, revoked_at FROM api_keys"
}

/// The live key of a secret's hash (its columns, NULL when there is none; `id` and `name` as `key_id` and `key_name`) and
/// the request's counts, as `Store.authenticateApiKey(_:counting:)` counts them: `hits0` the key's bucket (NULL without a
/// key), `hits1` then the address's bucket of the operation, or of failed authentications without a key (NULL when the
/// key's bucket refused). Committed without waiting for the disk, like `RateLimitHits`: it writes counters only.
/// `AuthenticatedValidationLoad` begins with the same expressions (`counting`, binds $1 to $6).
struct LiveApiKeyCounted: HotStatement {
    static let counting = """
        live AS (SELECT id AS key_id, name AS key_name, prefix, organisation_kind, organisation_id, scopes, created_by, created_at,
          last_used_at, revoked_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL),
        hit0 AS (INSERT INTO rate_limits (bucket, window_start, hits) SELECT 'key:' || key_id || ':' || $2, $5, 1 FROM live
          ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING bucket, hits),
        old0 AS (DELETE FROM rate_limits WHERE bucket IN (SELECT bucket FROM hit0 WHERE hits = 1) AND window_start < $5),
        hit1 AS (INSERT INTO rate_limits (bucket, window_start, hits)
          SELECT CASE WHEN EXISTS (SELECT 1 FROM live) THEN $3 ELSE $4 END, $5, 1 WHERE NOT EXISTS (SELECT 1 FROM hit0 WHERE hits > $6)
          ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING bucket, hits),
        old1 AS (DELETE FROM rate_limits WHERE bucket IN (SELECT bucket FROM hit1 WHERE hits = 1) AND window_start < $5)
        """
    /// The columns the counts give, after `counting`.
    static let counted = """
        set_config('synchronous_commit', 'off', true) AS commit_mode, live.*, (SELECT hits FROM hit0) AS hits0,
        (SELECT hits FROM hit1) AS hits1
        """
    static let sql = "WITH \(counting) SELECT \(counted) FROM (SELECT 1) one LEFT JOIN live ON true"
    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text, .text, .int8, .int8]
    let hash: String
    let count: ApiRequestCount
    let now: Int64
    var window: RateWindow { RateWindow(now: now, seconds: count.windowSeconds) }

    /// Whether a secret can be a key (else no statement is sent: no key matches).
    static func accepts(_ secret: String) -> Bool { secret.hasPrefix("pn_") && secret.count < 100 }

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 6)
        append(to: &bindings)
        return bindings
    }

    /// $1 to $6.
    func append(to bindings: inout PostgresBindings) {
        bindings.append(hash)
        bindings.append(count.operation)
        bindings.append(count.addressBucket)
        bindings.append(count.unauthorizedBucket)
        bindings.append(window.start)
        bindings.append(Int64(count.perKey))
    }

    /// The key and the refusal a row of `counted` columns gives.
    func authentication(_ row: any SQLRow) throws -> ApiKeyAuthentication {
        let key = try row.optionalInt("key_id") == nil ? nil : try Store.apiKey(row, id: "key_id", name: "key_name")
        let refused = if let key {
            window.firstOver([(count.keyBucket(key.id), count.perKey), (count.addressBucket, count.perAddress)],
                             hits: [try row.optionalInt("hits0"), try row.optionalInt("hits1")])
        } else {
            window.firstOver([(count.unauthorizedBucket, count.perAddress)], hits: [try row.optionalInt("hits1")])
        }
        return (key, refused, window.retryAfter)
    }
}

/// One more hit in the current window of `first`, then of `second` when there is one and `first` stayed within its limit,
/// as `Transaction.hitRateLimit` counts one (a bucket's first hit of a window drops its older windows). Columns `hits0`,
/// `hits1` (NULL when not counted).
///
/// Every request of a key, or of an address, updates the same row, whose lock is held until the commit: this
/// transaction commits without waiting for the disk (`synchronous_commit` off for it alone), which lets the next request
/// in at once. A crash may lose the last few counts of a window, never money: the statement writes nothing else.
struct RateLimitHits: HotStatement {
    static let sql = """
        WITH hit0 AS (INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $3, 1)
          ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits),
        old0 AS (DELETE FROM rate_limits WHERE bucket = $1 AND window_start < $3 AND EXISTS (SELECT 1 FROM hit0 WHERE hits = 1)),
        hit1 AS (INSERT INTO rate_limits (bucket, window_start, hits) SELECT $2, $3, 1 FROM hit0 WHERE $2 IS NOT NULL AND hits <= $4
          ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits),
        old1 AS (DELETE FROM rate_limits WHERE bucket = $2 AND window_start < $3 AND EXISTS (SELECT 1 FROM hit1 WHERE hits = 1))
        SELECT set_config('synchronous_commit', 'off', true) AS commit_mode, (SELECT hits FROM hit0) AS hits0, (SELECT hits FROM hit1) AS hits1
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .int8, .int8]
    let first: String
    let second: String?
    let start: Int64
    let firstLimit: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(first)
        bindings.append(second)
        bindings.append(start)
        bindings.append(firstLimit)
        return bindings
    }
}
