import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Scheduled jobs: leases")
struct JobLeaseTests {
    @Test("One holder gets a job's lease; another is told who runs it; once finished, the job is due one interval later",
          arguments: TestDatabase.allCases)
    func oneHolder(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let first = try await store.claimJob("timeline", holder: "server-a", lease: 60, onlyIfDue: true)
            guard case .claimed(let lease) = first else { Issue.record("not claimed: \(first)"); return }
            #expect(try await store.claimJob("timeline", holder: "server-b", lease: 60, onlyIfDue: false)
                    == .running(by: "server-a", until: testStart.addingTimeInterval(60)))
            clock.advance(seconds: 2)
            #expect(try await store.finishJob(lease, error: nil, nextDue: lease.startedAt.addingTimeInterval(3_600)))
            #expect(try await store.claimJob("timeline", holder: "server-b", lease: 60, onlyIfDue: true)
                    == .notDue(until: testStart.addingTimeInterval(3_600)))
            #expect(try await store.jobStatuses() == [JobStatus(
                name: "timeline", lastStartedAt: testStart, lastFinishedAt: testStart.addingTimeInterval(2), lastDurationMs: 2_000,
                lastResult: .ok, nextDueAt: testStart.addingTimeInterval(3_600))])
            clock.set(testStart.addingTimeInterval(3_600))
            #expect(try await store.claimJob("timeline", holder: "server-b", lease: 60, onlyIfDue: true)
                    == .claimed(JobLease(name: "timeline", holder: "server-b", startedAt: clock.now)))
        }
    }

    @Test("A lease left by a server that stopped is taken over once it ends, and the stopped server can no longer record a run",
          arguments: TestDatabase.allCases)
    func crashedHolder(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            guard case .claimed(let dead) = try await store.claimJob("purge", holder: "crashed", lease: 60, onlyIfDue: true) else {
                Issue.record("not claimed"); return
            }
            clock.advance(seconds: 59)
            #expect(try await store.claimJob("purge", holder: "survivor", lease: 60, onlyIfDue: true) == .running(by: "crashed", until: testStart.addingTimeInterval(60)))
            clock.advance(seconds: 1)
            let taken = try await store.claimJob("purge", holder: "survivor", lease: 60, onlyIfDue: true)
            #expect(taken == .claimed(JobLease(name: "purge", holder: "survivor", startedAt: clock.now)))
            #expect(try await !store.renewJobLease(dead, for: 60))
            #expect(try await !store.finishJob(dead, error: nil, nextDue: clock.now.addingTimeInterval(3_600)))
            #expect(try await store.jobStatuses().first?.leasedBy == "survivor")
        }
    }

    @Test("A failed run records its error and is due at the next interval; run now makes it due at once", arguments: TestDatabase.allCases)
    func failureAndRunNow(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            guard case .claimed(let lease) = try await store.claimJob("mail", holder: "a", lease: 60, onlyIfDue: true) else {
                Issue.record("not claimed"); return
            }
            #expect(try await store.renewJobLease(lease, for: 600))
            #expect(try await store.claimJob("mail", holder: "b", lease: 60, onlyIfDue: true) == .running(by: "a", until: testStart.addingTimeInterval(600)))
            #expect(try await store.finishJob(lease, error: "relay unreachable", nextDue: testStart.addingTimeInterval(10)))
            let status = try #require(try await store.jobStatuses().first)
            #expect(status.lastResult == .error && status.lastError == "relay unreachable" && !status.isRunning(at: clock.now))
            #expect(try await store.claimJob("mail", holder: "b", lease: 60, onlyIfDue: true) == .notDue(until: testStart.addingTimeInterval(10)))
            try await store.markJobDue("mail")
            guard case .claimed = try await store.claimJob("mail", holder: "b", lease: 60, onlyIfDue: true) else {
                Issue.record("run now did not make the job due"); return
            }
        }
    }

    @Test("Run now while the job runs is kept: the job is due again at once when the run ends", arguments: TestDatabase.allCases)
    func runNowDuringRun(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            guard case .claimed(let lease) = try await store.claimJob("timeline", holder: "a", lease: 60, onlyIfDue: true) else {
                Issue.record("not claimed"); return
            }
            clock.advance(seconds: 5)
            try await store.markJobDue("timeline")
            clock.advance(seconds: 5)
            #expect(try await store.finishJob(lease, error: nil, nextDue: lease.startedAt.addingTimeInterval(3_600)))
            #expect(try await store.jobStatuses().first?.nextDueAt == testStart.addingTimeInterval(5))
            guard case .claimed = try await store.claimJob("timeline", holder: "b", lease: 60, onlyIfDue: true) else {
                Issue.record("the run asked for during the last one was lost"); return
            }
        }
    }

    @Test("Of many claims at once, exactly one gets the lease", arguments: TestDatabase.allCases)
    func concurrentClaims(database: TestDatabase) async throws {
        try await withStore(database, connections: 8) { store, _ in
            let claims = try await withThrowingTaskGroup(of: JobClaim.self) { group in
                for holder in 0..<12 {
                    group.addTask { try await store.claimJob("timeline", holder: "server-\(holder)", lease: 60, onlyIfDue: true) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(claims.filter { if case .claimed = $0 { true } else { false } }.count == 1)
            #expect(claims.filter { if case .running = $0 { true } else { false } }.count == 11)
        }
    }
}

@Suite("Technical purges")
struct PurgeTests {
    @Test("The purge deletes sessions, reset links, invitations, idempotency records, rate-limit windows and sent mails past their life, and keeps the others",
          arguments: TestDatabase.allCases)
    func purge(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let now = clock.now.millis
            let minute: Int64 = 60_000, day: Int64 = 86_400_000
            let admin = try await store.createUser(email: "admin@test.fr", name: "Admin", passwordHash: "x", role: .operatorAdmin, organisation: .operator)
            let funder = try await store.createFunder(name: "Financeur")
            let manager = try await store.createUser(email: "gestion@test.fr", name: "Gestion", passwordHash: "x", role: .funderManager,
                                                     organisation: .funder(funder))
            let place = try await store.createPlace(NewPlace(name: "Lieu", commune: CommuneCode("59350")!, postcode: "59000"))
            func session(_ token: String, _ user: UserID, expires: Int64, lastSeen: Int64?, created: Int64 = now - 10 * minute) -> String {
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at) VALUES ('\(token)', \(user), 'c', \(created), \(expires), \(lastSeen.map(String.init) ?? "NULL"))"
            }
            let rows = [
                session("ended", admin, expires: now, lastSeen: now),
                session("admin-idle", admin, expires: now + day, lastSeen: now - 31 * minute),
                session("admin-live", admin, expires: now + day, lastSeen: now - 29 * minute),
                session("manager-live", manager, expires: now + day, lastSeen: now - 31 * minute),
                session("manager-idle", manager, expires: now + day, lastSeen: nil, created: now - 121 * minute),
                "INSERT INTO password_resets (token_hash, user_id, expires_at, used_at) VALUES ('used', \(admin), \(now + minute), \(now - minute))",
                "INSERT INTO password_resets (token_hash, user_id, expires_at, used_at) VALUES ('expired', \(admin), \(now - 1), NULL)",
                "INSERT INTO password_resets (token_hash, user_id, expires_at, used_at) VALUES ('live', \(admin), \(now + minute), NULL)",
                "INSERT INTO invitations (token_hash, user_id, invited_by, created_at, expires_at, accepted_at) VALUES ('accepted', \(manager), 'a', \(now - day), \(now + day), \(now - minute))",
                "INSERT INTO invitations (token_hash, user_id, invited_by, created_at, expires_at, accepted_at) VALUES ('expired', \(manager), 'a', \(now - 8 * day), \(now - day), NULL)",
                "INSERT INTO invitations (token_hash, user_id, invited_by, created_at, expires_at, accepted_at) VALUES ('live', \(manager), 'a', \(now - day), \(now + day), NULL)",
                "INSERT INTO validation_requests (place_id, request_key, fingerprint, outcome, created_at) VALUES (\(place), 'old', 'f', '{}', \(now - 31 * day))",
                "INSERT INTO validation_requests (place_id, request_key, fingerprint, outcome, created_at) VALUES (\(place), 'recent', 'f', '{}', \(now - 29 * day))",
                "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('old', \(now - 2 * 60 * minute), 1)",
                "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('current', \(now - 10 * minute), 1)",
            ] + [("sent-old", "sent", now - 31 * day, now - 60 * day), ("sent-recent", "sent", now - 29 * day, now - 60 * day),
                 ("failed-old", "failed", nil, now - 31 * day), ("held-old", "held", nil, now - 31 * day),
                 ("failed-recent", "failed", nil, now - 29 * day), ("held-recent", "held", nil, now - 29 * day),
                 ("queued", "queued", nil, now - 60 * day)].map {
                recipient, state, sent, created in
                "INSERT INTO outbox (recipient, kind, notice, state, attempts, next_attempt_at, created_at, sent_at) VALUES ('\(recipient)', 'k', '{}', '\(state)', 1, \(created), \(created), \(sent.map(String.init) ?? "NULL"))"
            }
            for row in rows { try await tamper(store, row) }

            let report = try await store.purgeExpired(now: clock.now, batch: 2)

            var expected = PurgeReport()
            (expected.sessions, expected.passwordResets, expected.invitations) = (3, 2, 2)
            (expected.idempotencyRecords, expected.rateLimitWindows, expected.deliveredMails, expected.undeliveredMails) = (1, 1, 1, 2)
            #expect(report == expected)
            #expect(try await keys(store, "SELECT token_hash AS k FROM sessions") == ["admin-live", "manager-live"])
            #expect(try await keys(store, "SELECT token_hash AS k FROM password_resets") == ["live"])
            #expect(try await keys(store, "SELECT token_hash AS k FROM invitations") == ["live"])
            #expect(try await keys(store, "SELECT request_key AS k FROM validation_requests") == ["recent"])
            #expect(try await keys(store, "SELECT bucket AS k FROM rate_limits") == ["current"])
            #expect(try await keys(store, "SELECT recipient AS k FROM outbox") == ["failed-recent", "held-recent", "queued", "sent-recent"])
            #expect(try await store.purgeExpired(now: clock.now) == PurgeReport())
        }
    }

    @Test("A backlog larger than a batch is purged whole, a batch at a time", arguments: TestDatabase.allCases)
    func backlog(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let old = clock.now.millis - 2 * 3_600_000
            for bucket in 0..<7 {
                try await tamper(store, "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ('b\(bucket)', \(old), 1)")
            }
            #expect(try await store.purgeExpired(now: clock.now, batch: 3).rateLimitWindows == 7)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM rate_limits") == 0)
        }
    }

    private func keys(_ store: Store, _ query: String) async throws -> [String] {
        try await store.read { tx in try await tx.sql.raw(.init(query)).all().map { try $0.decode(column: "k", as: String.self) } }.sorted()
    }
}
