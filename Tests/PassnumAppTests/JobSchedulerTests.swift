import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// Counts the runs of a test job and how many ran at the same time.
actor RunCounter {
    private(set) var runs = 0
    private(set) var active = 0
    private(set) var mostAtOnce = 0

    func start() {
        runs += 1
        active += 1
        mostAtOnce = max(mostAtOnce, active)
    }

    func end() { active -= 1 }
}

@Suite("Scheduled jobs", .serialized)
struct JobSchedulerTests {
    /// A job that counts its runs and lasts long enough for another server to try it meanwhile.
    static func countingJob(_ counter: RunCounter, interval: TimeInterval = 3_600) -> ScheduledJob {
        ScheduledJob(name: .purge, interval: interval) { _ in
            await counter.start()
            try? await Task.sleep(for: .milliseconds(30))
            await counter.end()
            return ["counted"]
        }
    }

    static let start = CivilDate("2026-03-02")!.start.addingTimeInterval(10 * 3600)

    /// A scratch database; PostgreSQL refuses to copy its template for two CREATE DATABASE at once (other suites
    /// create theirs meanwhile), so a refusal is tried again.
    static func createScratch(on server: String) async throws -> (name: String, url: String) {
        let name = "passnum_jobs_\(ProcessInfo.processInfo.processIdentifier)_\(UInt32.random(in: 0...UInt32.max))"
        for _ in 1..<10 {
            if let url = try? await PostgresScratch.create(name, on: server) { return (name, url) }
            try await Task.sleep(for: .milliseconds(200))
        }
        return (name, try await PostgresScratch.create(name, on: server))
    }

    /// Two configured applications, each with its own store, on one scratch PostgreSQL database and one clock.
    static func withTwoServers(_ body: (Application, Application, ManualClock) async throws -> Void) async throws {
        let server = try #require(ProcessInfo.processInfo.environment["PASSNUM_POSTGRES_SERVER_URL"],
                                  "PASSNUM_POSTGRES_SERVER_URL is not set: run the tests with scripts/test, which starts PostgreSQL")
        let scratch = try await Self.createScratch(on: server)
        let clock = ManualClock(start)
        var apps: [Application] = []
        var directories: [URL] = []
        do {
            for index in 0..<2 {
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-jobs-\(UUID().uuidString)")
                directories.append(directory)
                if index == 1 {
                    // The second server shares the installation secret, as servers of one installation do.
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                    for file in try FileManager.default.contentsOfDirectory(atPath: directories[0].path) {
                        try FileManager.default.copyItem(at: directories[0].appendingPathComponent(file), to: directory.appendingPathComponent(file))
                    }
                }
                let app = try await Application.make(.testing)
                apps.append(app)
                app.logger.logLevel = .warning
                var logger = Logger(label: "test")
                logger.logLevel = .warning
                var configuration = StoreConfiguration(dataDirectory: directory, location: .postgres(url: scratch.url))
                configuration.statementFile = StatementWording.csv
                let store = try await Store.open(configuration, clock: clock, eventLoopGroup: app.eventLoopGroup, threadPool: app.threadPool, logger: logger)
                app.lifecycle.use(StoreLifecycle(store: store))
                try configure(app, store: store)
            }
            try await body(apps[0], apps[1], clock)
        } catch {
            for app in apps { try? await app.asyncShutdown() }
            for directory in directories { try? FileManager.default.removeItem(at: directory) }
            try? await PostgresScratch.drop(scratch.name, on: server)
            throw error
        }
        for app in apps { try await app.asyncShutdown() }
        for directory in directories { try? FileManager.default.removeItem(at: directory) }
        try await PostgresScratch.drop(scratch.name, on: server)
    }

    @Test("Two servers on one PostgreSQL, each trying a due job many times at once: it runs once per due time, never twice at once")
    func onceAcrossServers() async throws {
        try await Self.withTwoServers { first, second, clock in
            let counter = RunCounter()
            let job = Self.countingJob(counter)
            let runners = [JobRunner(app: first), JobRunner(app: second)]
            for round in 1...3 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for runner in runners {
                        for _ in 0..<8 { group.addTask { _ = try await runner.run(job, onlyIfDue: true) } }
                    }
                    try await group.waitForAll()
                }
                #expect(await counter.runs == round)
                clock.advance(seconds: job.interval)
            }
            #expect(await counter.mostAtOnce == 1)
        }
    }

    @Test("The schedulers of two running servers share a job: one run per due time, a job marked due runs again, none overlap")
    func schedulersAcrossServers() async throws {
        try await Self.withTwoServers { first, second, clock in
            let counter = RunCounter()
            let schedulers = [first, second].map { _ in JobScheduler(jobs: [Self.countingJob(counter)], poll: .milliseconds(10)) }
            for (app, scheduler) in zip([first, second], schedulers) {
                app.lifecycle.use(scheduler)
                try await app.asyncBoot()
            }
            // A run is over once its lease is given back; the clock moves only then (moving it an hour during a run
            // would end the run's lease, as if the run had hung for an hour).
            func finished(_ runs: Int) async -> Bool {
                guard await counter.runs >= runs, let status = try? await first.store.jobStatuses().first else { return false }
                return status.leasedBy == nil
            }
            try await Self.waitUntil { await finished(1) }
            clock.advance(seconds: 3_600)
            try await Self.waitUntil { await finished(2) }
            try await first.store.markJobDue(JobName.purge.rawValue)
            try await Self.waitUntil { await finished(3) }
            // Stopped as a shutdown stops them, before the stores close, so that the counts below are final.
            for (app, scheduler) in zip([first, second], schedulers) { await scheduler.shutdownAsync(app) }
            #expect(await counter.runs == 3)
            #expect(await counter.mostAtOnce == 1)
            let status = try #require(try await first.store.jobStatuses().first)
            #expect(status.lastResult == .ok && status.leasedBy == nil)
        }
    }

    @Test("A job whose server stopped mid-run is taken over by another server once its lease ends")
    func takeOver() async throws {
        try await Self.withTwoServers { first, second, clock in
            let counter = RunCounter()
            let job = Self.countingJob(counter)
            guard case .claimed = try await first.store.claimJob(job.name.rawValue, holder: "stopped-server", lease: 120, onlyIfDue: true) else {
                Issue.record("not claimed"); return
            }
            #expect(try await JobRunner(app: second).run(job, onlyIfDue: true) == .running(by: "stopped-server", until: Self.start.addingTimeInterval(120)))
            clock.advance(seconds: 121)
            #expect(try await JobRunner(app: second).run(job, onlyIfDue: true) == .ran(lines: ["counted"]))
            #expect(await counter.runs == 1)
        }
    }

    @Test("A failing job records its error for the operator, and passnum serve's setting PASSNUM_JOBS is on, off or refused")
    func failureAndSetting() async throws {
        try await WebWorld.with { world in
            struct RelayDown: Error, CustomStringConvertible { var description: String { "relay down" } }
            let failing = ScheduledJob(name: .mail, interval: 10) { _ in throw RelayDown() }
            await #expect(throws: RelayDown.self) { try await JobRunner(app: world.app).run(failing, onlyIfDue: true) }
            let status = try #require(try await world.store.jobStatuses().first)
            #expect(status.lastResult == .error && status.lastError == "relay down")
            #expect(status.nextDueAt == world.clock.now.addingTimeInterval(10))

            var browser = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            let page = try await browser.get(SiteURL.operatorJobs.path).body.string
            #expect(page.contains("Erreur\u{00A0}: relay down"))
            #expect(page.contains("Envoi des courriels"))
            #expect(page.contains("Pas encore lancée"))
        }
        #expect(try JobScheduler.enabled([:]))
        #expect(try JobScheduler.enabled(["PASSNUM_JOBS": "on"]))
        #expect(try !JobScheduler.enabled(["PASSNUM_JOBS": "off"]))
        #expect(throws: UsageError.self) { try JobScheduler.enabled(["PASSNUM_JOBS": "sometimes"]) }
    }

    @Test("The operator's run now marks a job due; an unknown job is refused; other roles cannot")
    func runNow() async throws {
        try await WebWorld.with { world in
            var browser = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            try await browser.get(SiteURL.operatorJobs.path)
            world.clock.advance(seconds: 30)
            let ran = try await browser.post(SiteURL.operatorJobs.path, [("job", "personal-data")])
            #expect(ran.status == .seeOther)
            #expect(try await world.store.jobStatuses() == [JobStatus(name: "personal-data", nextDueAt: world.clock.now)])
            try await browser.get(SiteURL.operatorJobs.path)
            let unknown = try await browser.post(SiteURL.operatorJobs.path, [("job", "everything")])
            #expect(unknown.status == .seeOther)
            #expect(try await browser.get(SiteURL.operatorJobs.path).body.string.contains("Tâche inconnue"))
            #expect(try await world.store.jobStatuses().count == 1)

            var funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            try await funder.get("/espace")
            #expect([.forbidden, .notFound].contains(try await funder.post(SiteURL.operatorJobs.path, [("job", "purge")]).status))
        }
    }

    @Test("passnum tick and passnum jobs run go through the lease: refused while another server runs the job, recorded otherwise")
    func commands() async throws {
        await #expect(throws: UsageError.self) {
            try await CommandTests.run(["tick"]) { store in
                _ = try await store.claimJob(JobName.timeline.rawValue, holder: "a-server", lease: 600, onlyIfDue: false)
            }
        }
        try await CommandTests.run(["jobs", "run", "purge"], then: { store in
            let status = try #require(try await store.jobStatuses().first)
            #expect(status.name == "purge" && status.lastResult == .ok && status.leasedBy == nil)
        })
        try await CommandTests.run(["tick"], then: { store in
            let names = try await store.jobStatuses().map(\.name)
            #expect(names == ["timeline"])
        })
        try await CommandTests.run(["jobs", "list"])
        await #expect(throws: UsageError.self) { try await CommandTests.run(["jobs", "run", "everything"]) }
    }

    /// Waits for a condition the schedulers bring about (they poll every few milliseconds); fails after 30 seconds.
    static func waitUntil(_ condition: () async -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for _ in 0..<3_000 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("the schedulers did not get there in 30 seconds", sourceLocation: sourceLocation)
        throw CancellationError()
    }
}
