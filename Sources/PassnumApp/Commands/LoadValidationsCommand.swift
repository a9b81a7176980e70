import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// `passnum load-validations --url http://127.0.0.1:PORT`: drives a running server from this second process over
/// keep-alive connections and reports throughput, p50/p99 latency, errors and the server's memory and CPU.
///
/// It first prepares its own data through the store on the database this process opens (DATABASE_URL or the data
/// directory's SQLite file): a qualified, affiliated place, a validate API key and `--checks` distinct handed-out checks.
/// The security codes come from the data directory's installation secret: give the server's `--data-dir`. Then each
/// request is `POST /api/v1/validations` of one check with its own Idempotency-Key. Closed loop (each connection sends
/// its next request when the answer comes) measures the peak; `--rate` sends on a fixed schedule whatever the answers
/// (open loop) and times each request from the instant it was due, so a slow server cannot hide its queue;
/// `--peak-fraction F` runs the closed loop then the open loop at F times the peak just measured, and a list such as
/// `0.6,0.7,0.8` one open loop per fraction, in that order: latency against load, from one peak. `--static` drives
/// `GET /style.css` the same way: the server's own ceiling. The server needs API limits that let the load through
/// (PASSNUM_API_LIMITS); scripts/bench-http sets everything up.
struct LoadValidationsCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "url", help: "The server's base address, such as http://127.0.0.1:8080")
        var url: String?
        @Option(name: "connections", help: "Keep-alive connections (default 16)")
        var connections: Int?
        @Option(name: "seconds", help: "Length of each measured phase (default 30)")
        var seconds: Int?
        @Option(name: "rate", help: "Open loop only, at this many requests per second")
        var rate: Double?
        @Option(name: "peak-fraction", help: "Closed loop, then open loop at this fraction of the peak measured (such as 0.8), or one open loop per fraction of a list (such as 0.6,0.7,0.8)")
        var peakFraction: String?
        @Option(name: "checks", help: "Checks to prepare (default 60000); a phase that uses them all stops early and says so")
        var checks: Int?
        @Option(name: "server-pid", help: "The server's process id: its resident memory and CPU are read from /proc")
        var serverPID: Int?
        @Option(name: "ready-file", help: "Created when the data is prepared and the load starts (for a profiler to start then)")
        var readyFile: String?
        @Flag(name: "static", help: "Request the server's static style sheet instead of validating (no data prepared)")
        var staticRoute: Bool
        @Option(name: "latency-log", help: "Also write each request of each phase to this file: phase, seconds since the phase started (when it was due), latency ms, status")
        var latencyLog: String?
        @Option(name: "write-checks", help: "Only prepare the checks and write them with the API key to this JSON file (mode 0600); no load, no --url")
        var writeChecks: String?
    }

    var help: String { "Drives POST /api/v1/validations of a running server and reports throughput, latency and its memory" }

    func run(using context: CommandContext, signature: Signature) async throws {
        if let file = signature.writeChecks { return try await writeChecks(to: file, count: signature.checks ?? 60_000, context: context) }
        let settings = try Settings(signature)
        let target: LoadTarget
        if settings.staticRoute {
            target = .staticRoute(SiteURL.style.path)
        } else {
            let started = ContinuousClock.now
            let load: Benchmark.ValidationLoad
            do { load = try await Benchmark.validationLoad(context.application.store, checks: settings.checks) } catch let error as DomainError {
                throw UsageError("could not prepare the checks: \(error)")
            }
            context.console.print("prepared \(load.checks.count) distributed checks in \(String(format: "%.1f", LoadRun.seconds(ContinuousClock.now - started))) s")
            target = .validations(load)
        }
        if let readyFile = signature.readyFile, !FileManager.default.createFile(atPath: readyFile, contents: nil) {
            throw UsageError("--ready-file \(readyFile) could not be created")
        }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = settings.connections
        let client = HTTPClient(eventLoopGroupProvider: .shared(context.application.eventLoopGroup), configuration: configuration)
        var results: [LoadRun.Result] = []
        do {
            let run = LoadRun(client: client, baseURL: settings.url, target: target, connections: settings.connections,
                              duration: .seconds(settings.seconds), server: settings.serverPID.map(ObservedProcess.init))
            var next = 0
            if let rate = settings.rate {
                results.append(await run.openLoop(rate: rate, from: &next))
            } else {
                let peak = await run.closedLoop(from: &next)
                results.append(peak)
                for fraction in settings.peakFractions where peak.perSecond > 0 {
                    results.append(await run.openLoop(rate: peak.perSecond * fraction, from: &next))
                }
            }
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        context.console.print("")
        context.console.print("| measured | loop | connections | seconds | answered | per second | p50 ms | p99 ms | errors | server RSS peak | server CPU | machine CPU |")
        context.console.print("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
        for result in results { context.console.print(result.row) }
        if let server = settings.serverPID.map(ObservedProcess.init), let peak = server.memory("VmHWM") {
            context.console.print("server \(server.pid): resident memory peak since it started (VmHWM) \(peak / 1024) MiB")
        }
        if let file = signature.latencyLog {
            let lines = results.flatMap { result in
                result.samples.map { "\(result.loop)\t\(String(format: "%.4f", $0.atSeconds))\t\(String(format: "%.2f", $0.milliseconds))\t\($0.status)" }
            }
            guard FileManager.default.createFile(atPath: file, contents: Data((lines.joined(separator: "\n") + "\n").utf8)) else {
                throw UsageError("--latency-log \(file) could not be written")
            }
        }
        for result in results {
            let seconds = result.worstSeconds(5).map {
                "second \($0.second) (\($0.requests) requests): p99 \(String(format: "%.1f", $0.p99)) ms, max \(String(format: "%.1f", $0.max)) ms"
            }
            context.console.print("\(result.loop), the 5 seconds with the highest p99: \(seconds.joined(separator: "; "))")
        }
        for result in results where result.firstError != nil {
            context.console.print("first error (\(result.loop)): \(result.firstError ?? "")")
        }
    }

    /// The prepared checks for a driver of its own (Tests/cluster/run): `{"place": ID, "apiKey": "pn_…", "checks":
    /// [{"serial": "…", "code": "…"}]}`. It holds the key and the codes: readable by its owner only.
    func writeChecks(to file: String, count: Int, context: CommandContext) async throws {
        guard (1...1_000_000).contains(count) else { throw UsageError("--checks must be between 1 and 1000000") }
        guard FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: file) else { throw UsageError("--write-checks \(file) could not be created") }
        defer { try? handle.close() }
        let load: Benchmark.ValidationLoad
        do { load = try await Benchmark.validationLoad(context.application.store, checks: count) } catch let error as DomainError {
            throw UsageError("could not prepare the checks: \(error)")
        }
        struct Prepared: Encodable { let place: Int64, apiKey: String, checks: [PresentedCheck] }
        try handle.write(contentsOf: JSONEncoder().encode(Prepared(place: load.place.rawValue, apiKey: load.apiKey, checks: load.checks)))
        context.console.print("prepared \(load.checks.count) distributed checks of place \(load.place) in \(file)")
    }

    /// The options, checked: every number within bounds, the address an http:// URL with a host.
    struct Settings {
        let url: String, connections: Int, seconds: Int, rate: Double?, peakFractions: [Double], checks: Int, serverPID: Int32?
        let staticRoute: Bool

        init(_ signature: Signature) throws {
            let url = (signature.url ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard let components = URLComponents(string: url), components.scheme == "http", !(components.host ?? "").isEmpty else {
                throw UsageError("--url must be the server's http:// address, such as http://127.0.0.1:8080")
            }
            self.url = url
            connections = signature.connections ?? 16
            seconds = signature.seconds ?? 30
            checks = signature.checks ?? 60_000
            rate = signature.rate
            staticRoute = signature.staticRoute
            guard (1...1_000).contains(connections) else { throw UsageError("--connections must be between 1 and 1000") }
            guard (1...3_600).contains(seconds) else { throw UsageError("--seconds must be between 1 and 3600") }
            guard (1...1_000_000).contains(checks) else { throw UsageError("--checks must be between 1 and 1000000") }
            if let rate, !(rate >= 1 && rate <= 100_000) { throw UsageError("--rate must be between 1 and 100000 requests per second") }
            peakFractions = try signature.peakFraction.map(Self.fractions) ?? []
            guard rate == nil || peakFractions.isEmpty else { throw UsageError("--rate and --peak-fraction exclude each other") }
            if let pid = signature.serverPID {
                guard (1...Int(Int32.max)).contains(pid), FileManager.default.fileExists(atPath: "/proc/\(pid)/status") else {
                    throw UsageError("--server-pid \(pid): no such process in /proc")
                }
                serverPID = Int32(pid)
            } else {
                serverPID = nil
            }
        }

        /// `0.8` or `0.6,0.7,0.8`: at most 10 fractions, each above 0 and at most 1.
        static func fractions(_ text: String) throws -> [Double] {
            let parts = text.utf8.count <= 100 ? text.split(separator: ",", omittingEmptySubsequences: false) : []
            let fractions = parts.compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 > 0 && $0 <= 1 }
            guard !parts.isEmpty, parts.count <= 10, fractions.count == parts.count else {
                throw UsageError("--peak-fraction must be a fraction above 0 and at most 1, or up to 10 of them separated by commas (such as 0.6,0.7,0.8)")
            }
            return fractions
        }
    }
}

/// What each request of a run asks.
enum LoadTarget: Sendable {
    case validations(Benchmark.ValidationLoad)
    case staticRoute(String)

    var name: String {
        switch self {
        case .validations: "POST /api/v1/validations"
        case .staticRoute(let path): "GET \(path)"
        }
    }

    /// The request numbered `index`, or nil when the prepared checks are used up.
    func request(_ index: Int, baseURL: String, run: String) throws -> HTTPClient.Request? {
        guard let parts = parts(index, run: run) else { return nil }
        return try HTTPClient.Request(url: baseURL + parts.path, method: parts.method, headers: parts.headers, body: parts.body.map { .string($0) })
    }

    /// What request `index` sends: one check, never sent before, under an Idempotency-Key of its own.
    func parts(_ index: Int, run: String) -> (method: HTTPMethod, path: String, headers: HTTPHeaders, body: String?)? {
        switch self {
        case .staticRoute(let path):
            return (.GET, path, [:], nil)
        case .validations(let load):
            guard load.checks.indices.contains(index) else { return nil }
            let check = load.checks[index]
            let headers: HTTPHeaders = ["Authorization": "Bearer \(load.apiKey)", "Content-Type": "application/json", "Idempotency-Key": "load-\(run)-\(index)"]
            let body = #"{"checks":[{"serial":"\#(check.serial)","code":"\#(check.code)"}],"category":"\#(ServiceCategory.everydayTools.code)"}"#
            return (.POST, "/api/v1/validations", headers, body)
        }
    }

    var success: HTTPResponseStatus {
        switch self {
        case .validations: .created
        case .staticRoute: .ok
        }
    }
}

/// A process read from /proc (Linux): the server's, or the driver's own.
struct ObservedProcess: Sendable {
    let pid: Int32

    static var driver: ObservedProcess { ObservedProcess(pid: getpid()) }

    /// A memory line of /proc/PID/status (VmRSS, VmHWM), in KiB.
    func memory(_ field: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.dropFirst(field.count + 1).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        }
        return nil
    }

    /// User plus system CPU time so far, in seconds (fields 14 and 15 of /proc/PID/stat, after the command's parentheses).
    func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Self.ticksPerSecond
    }

    /// The unit of /proc's CPU times.
    static var ticksPerSecond: Double { Double(sysconf(Int32(_SC_CLK_TCK))) }

    /// The whole machine's busy CPU time so far, every core and process together, in seconds: the first line of
    /// /proc/stat less its idle and iowait fields. Over a phase, how much of the machine was left.
    static func machineBusySeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 8 else { return nil }
        // user nice system idle iowait irq softirq steal (guest time is already counted in user).
        return (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]) / ticksPerSecond
    }
}

/// One measured phase after another, against one server, from a shared sequence of request numbers (each check is
/// validated once, each Idempotency-Key is new).
struct LoadRun: Sendable {
    let client: HTTPClient
    let baseURL: String
    let target: LoadTarget
    let connections: Int
    let duration: Duration
    let server: ObservedProcess?
    let runID = String(UInt64.random(in: 0...UInt64.max), radix: 36)

    struct Result: Sendable {
        let target: String, loop: String, connections: Int, seconds: Double, answered: Int
        let samples: [Sample], errors: [String: Int], firstError: String?, ranOut: Bool
        let serverRSSPeakKB: Int?, serverCPUSeconds: Double?, driverCPUSeconds: Double?, machineCPUSeconds: Double?

        var perSecond: Double { seconds > 0 ? Double(answered - errors.values.reduce(0, +)) / seconds : 0 }

        /// The nearest-rank percentile of the latencies, in milliseconds.
        func percentile(_ p: Double) -> Double { Self.nearestRank(p, of: samples.map(\.milliseconds).sorted()) }

        static func nearestRank(_ p: Double, of sorted: [Double]) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, max(0, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
        }

        /// The `count` whole seconds of the phase (by when their requests were due, or sent) with the highest p99, worst
        /// first: whether a tail comes from one pause or from everywhere.
        func worstSeconds(_ count: Int) -> [(second: Int, requests: Int, p99: Double, max: Double)] {
            Dictionary(grouping: samples) { Int($0.atSeconds) }
                .map { second, samples in
                    let sorted = samples.map(\.milliseconds).sorted()
                    return (second, sorted.count, Self.nearestRank(0.99, of: sorted), sorted.last ?? 0)
                }
                .sorted { $0.p99 > $1.p99 }
                .prefix(count).map { $0 }
        }

        var row: String {
            let errorText = errors.isEmpty ? "0" : errors.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" }.joined(separator: ", ")
            let memory = serverRSSPeakKB.map { "\($0 / 1024) MiB" } ?? "–"
            let cpu = serverCPUSeconds.map { String(format: "%.2f cores", $0 / seconds) } ?? "–"
            let machine = machineCPUSeconds.map { busy in
                String(format: "%.2f of %d cores", busy / seconds, ProcessInfo.processInfo.activeProcessorCount)
                    + (driverCPUSeconds.map { String(format: " (driver %.2f)", $0 / seconds) } ?? "")
            } ?? "–"
            return "| `\(target)` | \(loop)\(ranOut ? " (ran out of checks)" : "") | \(connections) | \(String(format: "%.1f", seconds)) | \(answered) "
                + "| \(Int(perSecond.rounded())) | \(String(format: "%.1f", percentile(0.5))) | \(String(format: "%.1f", percentile(0.99))) "
                + "| \(errorText) | \(memory) | \(cpu) | \(machine) |"
        }
    }

    /// One request: when it started (or was due), relative to the phase's start, how long it took, its status (0 when
    /// no answer came).
    struct Sample: Sendable {
        var atSeconds: Double, milliseconds: Double, status: UInt
    }

    /// What one connection or one request saw.
    struct Tally: Sendable {
        var samples: [Sample] = []
        var errors: [String: Int] = [:]
        var firstError: String?
        var ranOut = false
        var lastIndex = -1

        mutating func add(_ other: Tally) {
            samples += other.samples
            errors.merge(other.errors, uniquingKeysWith: +)
            firstError = firstError ?? other.firstError
            ranOut = ranOut || other.ranOut
            lastIndex = max(lastIndex, other.lastIndex)
        }
    }

    /// Each connection sends its next request when the previous answer has come, until the time is up.
    func closedLoop(from next: inout Int) async -> Result {
        let first = next
        let phase = measuring()
        let started = ContinuousClock.now
        let deadline = started + duration
        let tally = await withTaskGroup(of: Tally.self) { group in
            for connection in 0..<connections {
                group.addTask {
                    var tally = Tally()
                    var index = first + connection
                    while ContinuousClock.now < deadline {
                        guard await send(index, dueAt: nil, phaseStart: started, into: &tally) else { break }
                        tally.lastIndex = index
                        index += connections
                    }
                    return tally
                }
            }
            var total = Tally()
            for await tally in group { total.add(tally) }
            return total
        }
        next = tally.lastIndex + 1
        return await phase.finish(self, loop: "closed", tally: tally, seconds: Self.seconds(ContinuousClock.now - started))
    }

    /// Requests are due on a fixed schedule, `rate` a second, whatever the answers; each is timed from the instant it was
    /// due. One worker per connection takes the next due request from the shared schedule, waits for its instant if it is
    /// early, and sends it: a request due while every connection is busy waits for the first free one, and that wait is in
    /// its time. (A task per request did the same through the client's pool, at a cost in the driver's CPU that the
    /// server shares.)
    func openLoop(rate: Double, from next: inout Int) async -> Result {
        let first = next
        let phase = measuring()
        let started = ContinuousClock.now
        let count = Int((rate * Self.seconds(duration)).rounded())
        let schedule = Schedule()
        let tally = await withTaskGroup(of: Tally.self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var tally = Tally()
                    while let offset = schedule.take(below: count) {
                        let due = started + .seconds(Double(offset) / rate)
                        if due > ContinuousClock.now { try? await Task.sleep(until: due, clock: .continuous) }
                        guard await send(first + offset, dueAt: due, phaseStart: started, into: &tally) else { break }
                        tally.lastIndex = max(tally.lastIndex, first + offset)
                    }
                    return tally
                }
            }
            var total = Tally()
            for await tally in group { total.add(tally) }
            return total
        }
        next = max(next, tally.lastIndex + 1)
        return await phase.finish(self, loop: String(format: "open, %.0f/s", rate), tally: tally,
                                  seconds: max(Self.seconds(duration), Self.seconds(ContinuousClock.now - started)))
    }

    /// The open loop's request numbers, each taken once, in order.
    final class Schedule: @unchecked Sendable {
        // @unchecked: `next` is only read and written under `lock`.
        private let lock = NSLock()
        private var next = 0

        func take(below count: Int) -> Int? {
            lock.withLock {
                guard next < count else { return nil }
                defer { next += 1 }
                return next
            }
        }
    }

    /// Sends request `index`; false when there is no such request (the checks are used up).
    private func send(_ index: Int, dueAt due: ContinuousClock.Instant?, phaseStart: ContinuousClock.Instant, into tally: inout Tally) async -> Bool {
        let request: HTTPClient.Request?
        do { request = try target.request(index, baseURL: baseURL, run: runID) } catch {
            tally.errors["bad request", default: 0] += 1
            tally.firstError = tally.firstError ?? "\(error)"
            return false
        }
        guard let request else {
            tally.ranOut = true
            return false
        }
        let start = due ?? ContinuousClock.now
        let response: HTTPClient.Response?, failure: (any Error)?
        do { (response, failure) = (try await client.execute(request: request).get(), nil) } catch { (response, failure) = (nil, error) }
        tally.samples.append(Sample(atSeconds: Self.seconds(start - phaseStart), milliseconds: Self.seconds(ContinuousClock.now - start) * 1000,
                                    status: response?.status.code ?? 0))
        if let failure {
            tally.errors["transport", default: 0] += 1
            tally.firstError = tally.firstError ?? "\(failure)"
        } else if let response, response.status != target.success {
            tally.errors["\(response.status.code)", default: 0] += 1
            if tally.firstError == nil {
                tally.firstError = "\(response.status.code) " + (response.body.map { String(decoding: $0.readableBytesView, as: UTF8.self) } ?? "").prefix(300)
            }
        }
        return true
    }

    /// Samples the server's resident memory every 200 ms while a phase runs; reads the CPU time of the server, of the
    /// driver and of the whole machine at both ends.
    private func measuring() -> Phase {
        let server = server
        let sampler = Task { () -> Int? in
            var peak = server?.memory("VmRSS")
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(200))
                if let now = server?.memory("VmRSS") { peak = max(peak ?? 0, now) }
            }
            return peak
        }
        return Phase(sampler: sampler, serverAtStart: server?.cpuSeconds(), driverAtStart: ObservedProcess.driver.cpuSeconds(),
                     machineAtStart: ObservedProcess.machineBusySeconds())
    }

    struct Phase {
        let sampler: Task<Int?, Never>
        let serverAtStart: Double?, driverAtStart: Double?, machineAtStart: Double?

        func finish(_ run: LoadRun, loop: String, tally: Tally, seconds: Double) async -> Result {
            sampler.cancel()
            func spent(_ start: Double?, _ end: Double?) -> Double? { start.flatMap { start in end.map { $0 - start } } }
            let cpu = spent(serverAtStart, run.server?.cpuSeconds())
            let driver = spent(driverAtStart, ObservedProcess.driver.cpuSeconds())
            let machine = spent(machineAtStart, ObservedProcess.machineBusySeconds())
            return Result(target: run.target.name, loop: loop, connections: run.connections, seconds: seconds,
                          answered: tally.samples.count, samples: tally.samples, errors: tally.errors,
                          firstError: tally.firstError, ranOut: tally.ranOut, serverRSSPeakKB: await sampler.value, serverCPUSeconds: cpu,
                          driverCPUSeconds: driver, machineCPUSeconds: machine)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
