import Foundation
import PassnumPersistence

/// The scheduled jobs as the operator follows them: each job's last run, its result and when it is next due.
enum OperatorJobsPage {
    struct Model: Sendable, Equatable {
        struct Job: Sendable, Equatable {
            var name: JobName
            var interval: TimeInterval
            /// Nil until the job first ran somewhere.
            var status: JobStatus?
        }

        var jobs: [Job]
        var now: Date

        static func query(store: Store) async throws -> Model {
            let statuses = try await store.jobStatuses()
            return Model(jobs: ScheduledJob.standard.map { job in
                Job(name: job.name, interval: job.interval, status: statuses.first { $0.name == job.name.rawValue })
            }, now: store.clock.now)
        }
    }
}
