import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Accounts: sign-in limits and session lifetimes")
struct AccountSecurityTests {
    static func user(_ store: Store, role: Role = .operatorAdmin, organisation: Organisation = .operator) async throws -> UserID {
        try await store.createUser(email: "\(role.rawValue)@test.fr", name: "Test", passwordHash: "not-a-hash", role: role, organisation: organisation)
    }

    static func claims(_ count: Int, _ store: Store, email: String, client: String, perClient: Int = 30) async throws -> [LoginClaim] {
        try await concurrently(count) { _ in try await store.claimLoginAttempt(email: email, client: client, perClient: perClient) }
    }

    static func attempt(_ claim: LoginClaim) -> Int? {
        if case .allowed(let attempt) = claim { attempt } else { nil }
    }

    @Test("Twenty parallel guesses at one address from one client claim at most five password checks, until the window ends",
          arguments: TestDatabase.allCases)
    func parallelGuesses(database: TestDatabase) async throws {
        try await withStore(database, connections: 8) { store, clock in
            _ = try await Self.user(store)
            let claims = try await Self.claims(20, store, email: "Operator_Admin@test.fr", client: "192.0.2.1")
            #expect(claims.compactMap(Self.attempt).sorted() == Array(1...AccountRules.failuresBeforeLockout))
            let refusals = claims.compactMap { claim -> Int? in if case .locked(let retryAfter) = claim { retryAfter } else { nil } }
            #expect(refusals.count == 20 - AccountRules.failuresBeforeLockout)
            let retryAfter = try #require(refusals.first)
            #expect(refusals.allSatisfy { $0 == retryAfter } && retryAfter > 0 && retryAfter <= Int(AccountRules.lockout))
            // The address is written as its digest only, with any case or spaces.
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM rate_limits WHERE bucket LIKE '%operator_admin%'") == 0)
            clock.advance(seconds: TimeInterval(retryAfter - 1))
            #expect(try await store.claimLoginAttempt(email: "operator_admin@test.fr", client: "192.0.2.1") == .locked(retryAfter: 1))
            clock.advance(seconds: 1)
            #expect(try await store.claimLoginAttempt(email: "operator_admin@test.fr", client: "192.0.2.1") == .allowed(attempt: 1))
            // The right password clears this client's failures at the address.
            try await store.loginSucceeded(email: "operator_admin@test.fr", client: "192.0.2.1")
            #expect(try await store.claimLoginAttempt(email: "operator_admin@test.fr", client: "192.0.2.1") == .allowed(attempt: 1))
        }
    }

    @Test("Failures at an address from one client do not lock another client out; an address with no account is counted the same",
          arguments: TestDatabase.allCases)
    func perClientLock(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            _ = try await Self.user(store)
            for email in ["operator_admin@test.fr", "personne@nulle-part.fr"] {
                var answers: [LoginClaim] = []
                for _ in 0...AccountRules.failuresBeforeLockout {
                    answers.append(try await store.claimLoginAttempt(email: email, client: "192.0.2.1"))
                }
                #expect(answers.map(Self.attempt) == [1, 2, 3, 4, 5, nil], "\(email)")
                #expect(try await store.claimLoginAttempt(email: email, client: "198.51.100.2") == .allowed(attempt: 1), "\(email)")
            }
        }
    }

    @Test("Past a hundred attempts an hour at one address from every client, one check per pace is allowed: slower, never locked",
          arguments: TestDatabase.allCases)
    func ceiling(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let email = "operator_admin@test.fr"
            _ = try await Self.user(store)
            for index in 0..<AccountRules.attemptsPerEmailPerHour {
                #expect(try await store.claimLoginAttempt(email: email, client: "10.0.\(index / 200).\(index % 200)") == .allowed(attempt: 1))
            }
            // Past the ceiling, whichever client asks: one check now, then one per pace.
            #expect(try await store.claimLoginAttempt(email: email, client: "203.0.113.1") == .allowed(attempt: 1))
            let slowed = try await store.claimLoginAttempt(email: email, client: "203.0.113.2")
            guard case .slowedDown(let retryAfter) = slowed else { Issue.record("\(slowed)"); return }
            #expect(retryAfter > 0 && retryAfter <= Int(AccountRules.ceilingPace))
            clock.advance(seconds: TimeInterval(retryAfter))
            // The attempt slowed down was not checked: it is not one of this client's failures.
            #expect(try await store.claimLoginAttempt(email: email, client: "203.0.113.2") == .allowed(attempt: 1))
            // Other addresses are not slowed down.
            #expect(try await store.claimLoginAttempt(email: "autre@test.fr", client: "203.0.113.2") == .allowed(attempt: 1))
        }
    }

    @Test("Attempts from one client address are limited across addresses, in parallel too; a sign-in that succeeds gives its attempt back",
          arguments: TestDatabase.allCases)
    func perAddress(database: TestDatabase) async throws {
        try await withStore(database, connections: 8) { store, clock in
            let claims = try await concurrently(12) { index in
                try await store.claimLoginAttempt(email: "n\(index)@test.fr", client: "192.0.2.7", perClient: 4)
            }
            #expect(claims.compactMap(Self.attempt).count == 4)
            #expect(claims.allSatisfy { claim in
                switch claim {
                case .allowed: true
                case .tooManyFromClient(let retryAfter): retryAfter > 0 && retryAfter <= Int(AccountRules.lockout)
                default: false
                }
            })
            #expect(try await store.claimLoginAttempt(email: "n0@test.fr", client: "198.51.100.1", perClient: 4) == .allowed(attempt: 1))

            clock.advance(seconds: AccountRules.lockout)
            for index in 0..<3 { #expect(try await store.claimLoginAttempt(email: "m\(index)@test.fr", client: "192.0.2.7", perClient: 4) == .allowed(attempt: 1)) }
            try await store.loginSucceeded(email: "m0@test.fr", client: "192.0.2.7")
            #expect(Self.attempt(try await store.claimLoginAttempt(email: "m3@test.fr", client: "192.0.2.7", perClient: 4)) == 1)
            #expect(Self.attempt(try await store.claimLoginAttempt(email: "m4@test.fr", client: "192.0.2.7", perClient: 4)) == 1)
            #expect(Self.attempt(try await store.claimLoginAttempt(email: "m5@test.fr", client: "192.0.2.7", perClient: 4)) == nil)
        }
    }

    @Test("A password reset clears the address's counters for every client", arguments: TestDatabase.allCases)
    func resetClears(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let email = "operator_admin@test.fr"
            _ = try await Self.user(store)
            for client in ["192.0.2.1", "192.0.2.2"] {
                for _ in 0...AccountRules.failuresBeforeLockout { _ = try await store.claimLoginAttempt(email: email, client: client) }
                #expect(Self.attempt(try await store.claimLoginAttempt(email: email, client: client)) == nil)
            }
            _ = try await store.claimLoginAttempt(email: "autre@test.fr", client: "192.0.2.1")
            let token = try #require(try await store.createPasswordReset(email: email))
            try await store.resetPassword(token: token, passwordHash: "another-hash")
            for client in ["192.0.2.1", "192.0.2.2"] {
                #expect(try await store.claimLoginAttempt(email: email, client: client) == .allowed(attempt: 1))
            }
            // Only this address's counters: another address's stay.
            #expect(try await store.claimLoginAttempt(email: "autre@test.fr", client: "192.0.2.1") == .allowed(attempt: 2))
        }
    }

    @Test("A session ends after its role's idle time and 12 hours after sign-in; its use is written at most once a minute",
          arguments: TestDatabase.allCases)
    func idleSessions(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let timeouts = SessionTimeouts.standard
            let admin = try await Self.user(store)
            let funder = try await store.createFunder(name: "Financeur")
            let manager = try await Self.user(store, role: .funderManager, organisation: .funder(funder))

            let adminToken = try await store.openSession(user: admin)
            clock.advance(seconds: timeouts.operatorAdmin - 1)
            #expect(try await store.sessionUser(token: adminToken, timeouts: timeouts)?.id == admin)
            // Used just now: another idle time starts from here.
            clock.advance(seconds: timeouts.operatorAdmin - 1)
            #expect(try await store.sessionUser(token: adminToken, timeouts: timeouts)?.id == admin)
            clock.advance(seconds: timeouts.operatorAdmin + 1)
            #expect(try await store.sessionUser(token: adminToken, timeouts: timeouts) == nil)
            // Ended for good: the row is gone.
            clock.advance(seconds: -timeouts.operatorAdmin)
            #expect(try await store.sessionUser(token: adminToken, timeouts: timeouts) == nil)

            // Other roles have the longer idle time, and every session ends 12 hours after sign-in however it is used.
            let start = clock.now
            let token = try await store.openSession(user: manager)
            clock.advance(seconds: timeouts.operatorAdmin + 60)
            #expect(try await store.sessionUser(token: token, timeouts: timeouts)?.id == manager)
            let lastSeen = { try await count(store, "SELECT last_seen_at AS n FROM sessions WHERE user_id = \(manager)") }
            let written = try await lastSeen()
            #expect(Int64(written) == clock.now.millis)
            clock.advance(seconds: 30)
            #expect(try await store.sessionUser(token: token, timeouts: timeouts)?.id == manager)
            #expect(try await lastSeen() == written)
            while clock.now < start.addingTimeInterval(Store.sessionLifetime - timeouts.others) {
                clock.advance(seconds: timeouts.others - 60)
                #expect(try await store.sessionUser(token: token, timeouts: timeouts)?.id == manager)
            }
            clock.set(start.addingTimeInterval(Store.sessionLifetime))
            #expect(try await store.sessionUser(token: token, timeouts: timeouts) == nil)
        }
    }
}
