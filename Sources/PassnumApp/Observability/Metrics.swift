import Foundation
import Metrics
import PassnumDomain
import PassnumPersistence
import Prometheus
import Vapor

/// The platform's own metrics, recorded into one Prometheus registry per `Application` and served by `/metrics`.
///
/// Recording goes through this value, never through swift-metrics' global `MetricsSystem`: tests create many
/// applications side by side, and each must read its own counters. `passnum serve` also bootstraps `MetricsSystem`
/// with the same registry (`PassnumMetrics.process`), so what libraries record (Vapor's `http_requests_total`…)
/// appears beside ours. Every label value comes from a closed set (route patterns, refusal codes, job names…):
/// nothing a request sends becomes a label.
final class PassnumMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Latency buckets from 5 ms (a cached page) to 10 s (a national payout run).
    static let latencyBuckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
                                             .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10)]

    // Each metric's name, unit and help, written once: the registry stops the process if one name gets two helps.
    // Computed: the descriptor type is not Sendable, so it cannot be a shared constant.
    enum Name {
        static var httpRequests: MetricNameDescriptor { named("http_requests", "total", "HTTP requests answered, by route pattern, method and status.") }
        static var httpDuration: MetricNameDescriptor { named("http_request_duration", "seconds", "Time to answer an HTTP request, by route pattern and method.") }
        static var validations: MetricNameDescriptor { named("validations", "total", "Validation requests answered (all or nothing), by channel and outcome; a replay of a key counts again.") }
        static var refusals: MetricNameDescriptor { named("validation_refusals", "total", "Checks refused in validation requests, by channel and reason code.") }
        static var payoutRuns: MetricNameDescriptor { named("payout_runs", "total", "Payout runs, by result (paid, nothing to pay).") }
        static var payouts: MetricNameDescriptor { named("payouts", "total", "Places paid by payout runs.") }
        static var payoutCents: MetricNameDescriptor { named("payout_amount", "cents_total", "Amount transferred by payout runs, in euro cents (after deductions).") }
        static var heldBack: MetricNameDescriptor { named("payouts_held_back", "total", "Places a payout run could not pay (no verified bank details).") }
        static var mailDeliveries: MetricNameDescriptor { named("mail_deliveries", "total", "Outbox messages handled by delivery runs, by result (sent, retried, failed, held).") }
        static var outbox: MetricNameDescriptor { named("mail_outbox", "messages", "Messages in the outbox by state, read at scrape time.") }
        static var jobRuns: MetricNameDescriptor { named("job_runs", "total", "Scheduled job runs on this server, by job and outcome (ok, failed).") }
        static var databaseUp: MetricNameDescriptor { named("database", "up", "1 when the database answered this scrape's reads, 0 otherwise.") }
        static var connections: MetricNameDescriptor { named("db", "sessions", "PostgreSQL sessions of the platform on its database (all servers), by state, read at scrape time.") }
        static var poolSize: MetricNameDescriptor { named("db_pool_max", "connections", "The most PostgreSQL connections this server's pool opens (per event loop times event loops).") }

        private static func named(_ name: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "passnum", metricName: name, unitName: unit, helpText: help)
        }
    }

    // MARK: Recording

    func request(route: String, method: String, status: UInt, duration: Duration) {
        registry.makeCounter(descriptor: Name.httpRequests, labels: [("route", route), ("method", method), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Name.httpDuration, labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets)
            .record(duration)
    }

    enum Channel: String, Sendable { case web, api }

    func validation(_ outcome: ValidationOutcome, channel: Channel) {
        registry.makeCounter(descriptor: Name.validations, labels: [("channel", channel.rawValue), ("outcome", outcome.accepted ? "accepted" : "refused")])
            .increment()
        for reason in outcome.items.compactMap(\.refusal) {
            registry.makeCounter(descriptor: Name.refusals, labels: [("channel", channel.rawValue), ("reason", reason.rawValue)]).increment()
        }
    }

    func payoutRun(_ result: PayoutRunResult) {
        registry.makeCounter(descriptor: Name.payoutRuns, labels: [("result", result.ran ? "paid" : "nothing_to_pay")]).increment()
        registry.makeCounter(descriptor: Name.payouts).increment(by: Int64(result.placesPaidByRun))
        registry.makeCounter(descriptor: Name.payoutCents).increment(by: max(0, result.transferredByRun.cents))
        registry.makeCounter(descriptor: Name.heldBack).increment(by: Int64(result.heldBack.count))
    }

    func mailDelivery(_ report: MailDeliveryReport) {
        for (result, count) in [("sent", report.sent), ("retried", report.retried), ("failed", report.failed), ("held", report.held)] {
            registry.makeCounter(descriptor: Name.mailDeliveries, labels: [("result", result)]).increment(by: Int64(count))
        }
    }

    func jobRun(_ job: JobName, failed: Bool) {
        registry.makeCounter(descriptor: Name.jobRuns, labels: [("job", job.rawValue), ("outcome", failed ? "failed" : "ok")]).increment()
    }

    // MARK: Scrape

    /// The text `/metrics` answers: the gauges read from the database now (one statement each), then every metric.
    /// A database that does not answer leaves the rest readable, with `passnum_database_up 0`.
    func scrape(store: Store, poolSize: Int?) async -> String {
        if let poolSize { registry.makeGauge(descriptor: Name.poolSize).set(Int64(poolSize)) }
        do {
            for (state, count) in try await store.outboxDepth() {
                registry.makeGauge(descriptor: Name.outbox, labels: [("state", state.rawValue)]).set(Int64(count))
            }
            if let sessions = try await store.databaseConnections() {
                // States seen at an earlier scrape and gone now read zero, not their old count.
                for state in Set(sessions.keys).union(["active", "idle", "idle in transaction"]) {
                    registry.makeGauge(descriptor: Name.connections, labels: [("state", state)]).set(Int64(sessions[state] ?? 0))
                }
            }
            registry.makeGauge(descriptor: Name.databaseUp).set(Int64(1))
        } catch {
            registry.makeGauge(descriptor: Name.databaseUp).set(Int64(0))
        }
        return registry.emitToString()
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = PassnumMetrics }

    /// This application's metrics, installed by `configure` (`passnum serve` installs the process's first).
    var metrics: PassnumMetrics {
        // Only an application `configure` never saw lacks them: what it records goes nowhere.
        get { storage[MetricsKey.self] ?? PassnumMetrics() }
        set { storage[MetricsKey.self] = newValue }
    }

    /// Gives the application its registry, unless it has one: before it serves, so no request races to make it.
    func installMetrics() {
        if storage[MetricsKey.self] == nil { metrics = PassnumMetrics() }
        // RequestMetricsMiddleware counts requests by route pattern; Vapor's own http_requests_total would repeat it.
        http.server.configuration.reportMetrics = false
    }
}

extension Request {
    var metrics: PassnumMetrics { application.metrics }
}

extension PassnumMetrics {
    /// The process's registry, made and handed to swift-metrics' `MetricsSystem` on first use (a `static let` runs
    /// once: the system may be bootstrapped only once per process), so that what libraries record (Vapor's
    /// `http_requests_total`…) is served by `/metrics` too.
    static let process: PassnumMetrics = {
        let metrics = PassnumMetrics()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics.registry))
        return metrics
    }()
}
