import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Runs the scheduled jobs inside `passnum serve`: one loop per job looks every `poll` whether it is due and, if so,
/// runs it under its lease. Several servers can run the scheduler on one database: the lease lets one run each due
/// job. Started when the server boots, stopped (and awaited) when it shuts down. `PASSNUM_JOBS=off` leaves it out.
final class JobScheduler: LifecycleHandler, Sendable {
    let jobs: [ScheduledJob]
    let poll: Duration
    private let tasks = NIOLockedValueBox<[Task<Void, Never>]>([])

    init(jobs: [ScheduledJob] = ScheduledJob.standard, poll: Duration = .seconds(5)) {
        self.jobs = jobs
        self.poll = poll
    }

    /// Whether `passnum serve` runs the scheduler: `PASSNUM_JOBS` unset or `on`, not `off`.
    static func enabled(_ environment: [String: String]) throws -> Bool {
        switch environment["PASSNUM_JOBS"]?.trimmingCharacters(in: .whitespaces).lowercased() {
        case nil, "", "on": true
        case "off": false
        default: throw UsageError("PASSNUM_JOBS must be on or off")
        }
    }

    func didBootAsync(_ application: Application) async throws {
        let runner = JobRunner(app: application)
        let started = jobs.map { job in Task { await self.loop(job, runner) } }
        tasks.withLockedValue { $0 = started }
    }

    func shutdownAsync(_ application: Application) async {
        let running = tasks.withLockedValue { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
    }

    private func loop(_ job: ScheduledJob, _ runner: JobRunner) async {
        while !Task.isCancelled {
            do {
                if case .ran(let lines) = try await runner.run(job, onlyIfDue: true) {
                    // Mail runs every few seconds: its counts would drown the log (the operator's pages show them).
                    runner.app.logger.log(level: job.name == .mail ? .debug : .info, "job \(job.name.rawValue): \(lines.joined(separator: "; "))")
                }
            } catch {
                runner.app.logger.error("job \(job.name.rawValue) failed: \(error)")
            }
            try? await Task.sleep(for: poll)
        }
    }
}
