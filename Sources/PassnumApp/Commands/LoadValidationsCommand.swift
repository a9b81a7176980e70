import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
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
        var results: [LoadRun.Result] = []
        let run = LoadRun(group: context.application.eventLoopGroup, host: settings.host, port: settings.port, target: target,
                          connections: settings.connections, duration: .seconds(settings.seconds), server: settings.serverPID.map(ObservedProcess.init))
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

    /// The options, checked: every number within bounds, the address an http:// URL with a host and no path.
    struct Settings {
        let host: String, port: Int, connections: Int, seconds: Int, rate: Double?, peakFractions: [Double], checks: Int, serverPID: Int32?
        let staticRoute: Bool

        init(_ signature: Signature) throws {
            let url = (signature.url ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host, !host.isEmpty,
                  components.path.isEmpty, components.query == nil else {
                throw UsageError("--url must be the server's http:// address, such as http://127.0.0.1:8080")
            }
            (self.host, port) = (host, components.port ?? 80)
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

    /// What request `index` sends (one check, never sent before, under an Idempotency-Key of its own), or nil when the prepared
    /// checks are used up.
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

    /// The whole machine's CPU time, every core and process together, in seconds: `busy` is the first line of /proc/stat
    /// less its idle and iowait fields (over a phase, how much of the machine was left); `stolen` is its steal field, part
    /// of `busy`: the time the hypervisor gave this machine's cores to others while they had work to run.
    struct MachineTimes: Sendable {
        var busy: Double, stolen: Double

        static func - (end: MachineTimes, start: MachineTimes) -> MachineTimes {
            MachineTimes(busy: end.busy - start.busy, stolen: end.stolen - start.stolen)
        }
    }

    /// The machine's CPU time so far.
    static func machineSeconds() -> MachineTimes? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first else { return nil }
        return machineSeconds(statLine: line)
    }

    static func machineSeconds(statLine line: Substring) -> MachineTimes? {
        guard line.hasPrefix("cpu ") else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 8 else { return nil }
        // user nice system idle iowait irq softirq steal (guest time is already counted in user).
        return MachineTimes(busy: (fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]) / ticksPerSecond,
                            stolen: fields[7] / ticksPerSecond)
    }
}

/// One measured phase after another, against one server, from a shared sequence of request numbers (each check is
/// validated once, each Idempotency-Key is new).
struct LoadRun: Sendable {
    let group: any EventLoopGroup
    let host: String, port: Int
    let target: LoadTarget
    let connections: Int
    let duration: Duration
    let server: ObservedProcess?
    let runID = String(UInt64.random(in: 0...UInt64.max), radix: 36)

    struct Result: Sendable {
        let target: String, loop: String, connections: Int, seconds: Double, answered: Int
        let samples: [Sample], errors: [String: Int], firstError: String?, ranOut: Bool
        let serverRSSPeakKB: Int?, serverCPUSeconds: Double?, driverCPUSeconds: Double?, machineCPUSeconds: ObservedProcess.MachineTimes?

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
            let machine = machineCPUSeconds.map { machine in
                String(format: "%.2f of %d cores", machine.busy / seconds, ProcessInfo.processInfo.activeProcessorCount)
                    + (driverCPUSeconds.map { String(format: " (driver %.2f, stolen %.2f)", $0 / seconds, machine.stolen / seconds) }
                       ?? String(format: " (stolen %.2f)", machine.stolen / seconds))
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

        /// Records one answer (or the failure to get one) of a request sent, or due, at `start`.
        mutating func record(_ result: Swift.Result<LoadAnswer, any Error>, of target: LoadTarget, started start: ContinuousClock.Instant,
                             phaseStart: ContinuousClock.Instant) {
            let answer = try? result.get()
            samples.append(Sample(atSeconds: LoadRun.seconds(start - phaseStart), milliseconds: LoadRun.seconds(ContinuousClock.now - start) * 1000,
                                  status: answer?.status ?? 0))
            if case .failure(let failure) = result {
                errors["transport", default: 0] += 1
                firstError = firstError ?? "\(failure)"
            } else if let answer, answer.status != target.success.code {
                errors["\(answer.status)", default: 0] += 1
                firstError = firstError ?? "\(answer.status) \(answer.body.prefix(300))"
            }
        }

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
        let (first, connections) = (next, connections)
        let phase = measuring()
        let started = ContinuousClock.now
        let deadline = started + duration
        let tally = await work(started: started) { worker, sent in
            ContinuousClock.now < deadline ? (first + worker + sent * connections, nil) : nil
        }
        next = tally.lastIndex + 1
        return await phase.finish(self, loop: "closed", tally: tally, seconds: Self.seconds(ContinuousClock.now - started))
    }

    /// Requests are due on a fixed schedule, `rate` a second, whatever the answers; each is timed from the instant it was
    /// due. One worker per connection takes the next due request from the shared schedule, waits for its instant if it is
    /// early, and sends it: a request due while every connection is busy waits for the first free one, and that wait is in
    /// its time.
    func openLoop(rate: Double, from next: inout Int) async -> Result {
        let first = next
        let phase = measuring()
        let started = ContinuousClock.now
        let count = Int((rate * Self.seconds(duration)).rounded())
        let schedule = Schedule()
        let tally = await work(started: started) { _, _ in
            schedule.take(below: count).map { (first + $0, started + .seconds(Double($0) / rate)) }
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

    /// What a worker sends next, given its number and how many requests it sent: a request number and the instant it is
    /// due (nil: at once), or nil when it is done.
    typealias NextRequest = @Sendable (_ worker: Int, _ sent: Int) -> (index: Int, due: ContinuousClock.Instant?)?

    /// Runs one worker per connection until `next` has nothing more for it, and adds up what they saw.
    private func work(started: ContinuousClock.Instant, next: @escaping NextRequest) async -> Tally {
        let done = (0..<connections).map { number in
            let loop = group.next()
            let promise = loop.makePromise(of: Tally.self)
            loop.execute { Worker(run: self, loop: loop, number: number, started: started, next: next, done: promise).step() }
            return promise.futureResult
        }
        var total = Tally()
        for tally in done { if let tally = try? await tally.get() { total.add(tally) } }
        return total
    }

    /// One worker's requests, one after another, on one keep-alive HTTP/1.1 connection of its own, all on its event loop:
    /// the wait for a request's instant, the writes and the answer run on that loop's thread. (AsyncHTTPClient awaited
    /// from Swift tasks hopped between the loops' threads on every request; asked to keep a request on its loop, its pool
    /// opened and closed connections beyond its limit instead.)
    private final class Worker: Sendable {
        let run: LoadRun, loop: any EventLoop, number: Int, started: ContinuousClock.Instant, next: NextRequest
        let done: EventLoopPromise<Tally>
        /// What the worker saw, how many requests it sent, and its connection once open: only touched on `loop`.
        let state: NIOLoopBoundBox<(tally: Tally, sent: Int, connection: (channel: any Channel, answers: LoadConnection)?)>

        /// Made on `loop`.
        init(run: LoadRun, loop: any EventLoop, number: Int, started: ContinuousClock.Instant, next: @escaping NextRequest,
             done: EventLoopPromise<Tally>) {
            (self.run, self.loop, self.number, self.started, self.next, self.done) = (run, loop, number, started, next, done)
            state = NIOLoopBoundBox((Tally(), 0, nil), eventLoop: loop)
        }

        /// Sends the next request at its instant, or closes the connection and finishes.
        func step() {
            guard let (index, due) = next(number, state.value.sent) else { return finish() }
            state.value.sent += 1
            let wait = due.map { $0 - ContinuousClock.now } ?? .zero
            guard wait > .zero else { return send(index, due: due) }
            loop.scheduleTask(in: TimeAmount(wait)) { self.send(index, due: due) }
        }

        func finish() {
            closeConnection()
            done.succeed(state.value.tally)
        }

        func closeConnection() {
            state.value.connection?.channel.close(promise: nil)
            state.value.connection = nil
        }

        /// Sends request `index` (opening the connection first if it has none) and takes the next when its answer comes;
        /// finishes when there is no such request (the checks are used up).
        func send(_ index: Int, due: ContinuousClock.Instant?) {
            guard let parts = run.target.parts(index, run: run.runID) else {
                state.value.tally.ranOut = true
                return finish()
            }
            let start = due ?? ContinuousClock.now
            let answered = loop.makePromise(of: LoadAnswer.self)
            answered.futureResult.whenComplete { result in
                self.state.value.tally.record(result, of: self.run.target, started: start, phaseStart: self.started)
                self.state.value.tally.lastIndex = max(self.state.value.tally.lastIndex, index)
                // After a failure, the next request opens a new connection.
                if case .failure = result { self.closeConnection() }
                // On the loop's next turn: a failure can come at once, before any I/O.
                self.loop.execute { self.step() }
            }
            var head = HTTPRequestHead(version: .http1_1, method: parts.method, uri: parts.path, headers: parts.headers)
            head.headers.replaceOrAdd(name: "Host", value: "\(run.host):\(run.port)")
            let body = parts.body.map { ByteBuffer(string: $0) }
            if let body { head.headers.replaceOrAdd(name: "Content-Length", value: "\(body.readableBytes)") }
            connected { result in
                switch result {
                case .success(let (channel, answers)):
                    answers.expect(answered)
                    channel.write(HTTPClientRequestPart.head(head), promise: nil)
                    if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
                    channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                case .failure(let error):
                    answered.fail(error)
                }
            }
        }

        /// Calls `then` on the loop with the worker's open connection, opening one if needed.
        private func connected(_ then: @escaping (Swift.Result<(any Channel, LoadConnection), any Error>) -> Void) {
            if let connection = state.value.connection, connection.channel.isActive { return then(.success(connection)) }
            let bootstrap = ClientBootstrap(group: loop).channelOption(.tcpOption(.tcp_nodelay), value: 1)
            bootstrap.connect(host: run.host, port: run.port).assumeIsolated().whenComplete { result in
                do {
                    let channel = try result.get()
                    let answers = LoadConnection()
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(answers)
                    self.state.value.connection = (channel, answers)
                    then(.success((channel, answers)))
                } catch {
                    then(.failure(error))
                }
            }
        }
    }
}

/// A request's answer, as the driver keeps it: its status, and the start of its body (for the first error printed).
struct LoadAnswer: Sendable {
    let status: UInt, body: String
}

/// The end of a worker's connection: completes the promise of the request in flight when its answer has come, or fails it
/// when the connection breaks. One request at a time.
final class LoadConnection: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    private var pending: EventLoopPromise<LoadAnswer>?
    private var status: UInt = 0
    private var body = ""

    func expect(_ answer: EventLoopPromise<LoadAnswer>) { pending = answer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            (status, body) = (head.status.code, "")
        case .body(let part):
            if body.utf8.count < 300 { body += String(buffer: part) }
        case .end:
            let answer = pending
            pending = nil
            answer?.succeed(LoadAnswer(status: status, body: body))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    private func fail(_ error: any Error) {
        let answer = pending
        pending = nil
        answer?.fail(error)
    }
}

extension LoadRun {
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
                     machineAtStart: ObservedProcess.machineSeconds())
    }

    struct Phase {
        let sampler: Task<Int?, Never>
        let serverAtStart: Double?, driverAtStart: Double?, machineAtStart: ObservedProcess.MachineTimes?

        func finish(_ run: LoadRun, loop: String, tally: Tally, seconds: Double) async -> Result {
            sampler.cancel()
            func spent(_ start: Double?, _ end: Double?) -> Double? { start.flatMap { start in end.map { $0 - start } } }
            let cpu = spent(serverAtStart, run.server?.cpuSeconds())
            let driver = spent(driverAtStart, ObservedProcess.driver.cpuSeconds())
            let machine = machineAtStart.flatMap { start in ObservedProcess.machineSeconds().map { $0 - start } }
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
