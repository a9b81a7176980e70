import Foundation
import PassnumPersistence
import Vapor

/// `passnum jobs list` and `passnum jobs run NAME`: the scheduled jobs by hand or from cron, through the same lease
/// as the servers' scheduler, so a hand run never overlaps a scheduled one.
struct JobsCommand: AsyncCommandGroup {
    var help: String { "The scheduled jobs: list them, or run one now" }
    var commands: [String: any AnyAsyncCommand] { ["list": ListCommand(), "run": RunCommand()] }

    struct RunCommand: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "name", help: "timeline, mail, purge, personal-data or witness")
            var name: String
        }

        var help: String { "Runs a job now, due or not (refused while another process runs it)" }

        func run(using context: CommandContext, signature: Signature) async throws {
            guard let name = JobName(rawValue: signature.name) else {
                throw UsageError("no job \(signature.name); the jobs are \(JobName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            try await JobsCommand.run(name, context: context)
        }
    }

    struct ListCommand: AsyncCommand {
        struct Signature: CommandSignature {}

        var help: String { "Lists each job: its interval, last run and result, next due time" }

        func run(using context: CommandContext, signature: Signature) async throws {
            let store = context.application.store
            let statuses = try await store.jobStatuses()
            let now = store.clock.now
            for job in ScheduledJob.standard {
                var line = "\(job.name.rawValue): every \(Int(job.interval)) s"
                if let status = statuses.first(where: { $0.name == job.name.rawValue }) {
                    if status.isRunning(at: now) { line += ", running on \(status.leasedBy ?? "?")" }
                    if let finished = status.lastFinishedAt {
                        line += ", last run \(finished.ISO8601Format()) in \(status.lastDurationMs ?? 0) ms: \(status.lastResult?.rawValue ?? "?")"
                        if let error = status.lastError { line += " (\(error))" }
                    }
                    line += ", next due \(status.nextDueAt.ISO8601Format())"
                } else {
                    line += ", never run"
                }
                context.console.print(line)
            }
        }
    }

    /// Runs `name` now, due or not, and prints what it did; refuses while another process holds its lease.
    static func run(_ name: JobName, context: CommandContext) async throws {
        guard let job = ScheduledJob.standard.first(where: { $0.name == name }) else { throw UsageError("no job \(name.rawValue)") }
        try await run(job, context: context)
    }

    /// Runs `job` now under its lease, whatever its due time (another server's run in progress stops it).
    static func run(_ job: ScheduledJob, context: CommandContext) async throws {
        let name = job.name
        switch try await JobRunner(app: context.application).run(job, onlyIfDue: false) {
        case .ran(let lines):
            for line in lines { context.console.print(line) }
        case .running(let holder, let until):
            throw UsageError("job \(name.rawValue) is running on \(holder) until \(until.ISO8601Format()) at the latest; not run again")
        case .notDue:
            // A hand run does not wait for the due time: only a live lease can stop it.
            throw UsageError("job \(name.rawValue) was not run")
        }
    }
}
