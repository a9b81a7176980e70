import Foundation
import PassnumPersistence
import Vapor

/// Runs one job under its lease (`Store.claimJob`): the scheduler, `passnum tick` and `passnum jobs run` all go
/// through here, so a job never runs twice at once, whichever server or command starts it.
struct JobRunner: Sendable {
    let app: Application
    /// Who holds the lease: the host, the process and a random suffix (two processes may share a pid namespace).
    let holder: String
    /// A lease outlives a crash by at most this; it is renewed every third of it while the job runs.
    let lease: TimeInterval

    init(app: Application, lease: TimeInterval = 120) {
        self.app = app
        self.lease = lease
        holder = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UInt16.random(in: .min ... .max))"
    }

    enum Outcome: Sendable, Equatable {
        case ran(lines: [String])
        case notDue(until: Date)
        case running(by: String, until: Date)
    }

    /// Claims the job (only when due, with `onlyIfDue`), runs it while renewing the lease, and records the result:
    /// a failure is recorded (its description, which names no secret) and rethrown; the job is due again one
    /// interval after this start, or at once when the run was cut short by a shutdown.
    func run(_ job: ScheduledJob, onlyIfDue: Bool) async throws -> Outcome {
        let store = app.store
        let claimed: JobLease
        switch try await store.claimJob(job.name.rawValue, holder: holder, lease: lease, onlyIfDue: onlyIfDue) {
        case .notDue(let until): return .notDue(until: until)
        case .running(let by, let until): return .running(by: by, until: until)
        case .claimed(let lease): claimed = lease
        }
        let heartbeat = Task { await keepLease(claimed) }
        let nextDue = claimed.startedAt.addingTimeInterval(job.interval)
        do {
            let lines = try await job.body(app)
            heartbeat.cancel()
            try await finish(claimed, error: nil, nextDue: nextDue)
            app.metrics.jobRun(job.name, failed: false)
            return .ran(lines: lines)
        } catch {
            heartbeat.cancel()
            app.metrics.jobRun(job.name, failed: true)
            let description = String(String(describing: error).prefix(500))
            try await finish(claimed, error: description, nextDue: Task.isCancelled ? store.clock.now : nextDue)
            throw error
        }
    }

    private func finish(_ lease: JobLease, error: String?, nextDue: Date) async throws {
        if try await !app.store.finishJob(lease, error: error, nextDue: nextDue) {
            app.logger.warning("job \(lease.name): its lease expired during the run and another server took it")
        }
    }

    private func keepLease(_ claimed: JobLease) async {
        while true {
            do {
                try await Task.sleep(for: .seconds(lease / 3))
                guard try await app.store.renewJobLease(claimed, for: lease) else {
                    app.logger.error("job \(claimed.name): lease lost while running; another server may run it too")
                    return
                }
            } catch is CancellationError {
                return
            } catch {
                app.logger.warning("job \(claimed.name): lease not renewed: \(error)")
            }
        }
    }
}
