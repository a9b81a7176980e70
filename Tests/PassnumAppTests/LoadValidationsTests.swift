import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

@Suite("The HTTP load benchmark's driver")
struct LoadValidationsTests {
    @Test("Each request the driver sends is a validation the API accepts once, and the driver stops when the checks run out")
    func requestsAccepted() async throws {
        try await WebWorld.with { world in
            let load = try await Benchmark.validationLoad(world.store, checks: 3)
            let target = LoadTarget.validations(load)
            for index in 0..<3 {
                let parts = try #require(target.parts(index, run: "test"))
                var answer: TestingHTTPResponse?
                try await world.app.testing().test(parts.method, parts.path, headers: parts.headers,
                                                   body: parts.body.map { ByteBuffer(string: $0) }) { answer = $0 }
                #expect(answer?.status == target.success, "\(answer?.body.string ?? "")")
            }
            #expect(target.parts(3, run: "test") == nil)
            #expect(try await world.store.read { tx in
                try await tx.sql.raw("SELECT COUNT(*) AS n FROM redemptions WHERE place_id = \(bind: load.place.rawValue)").first(decodingColumn: "n", as: Int64.self)
            } == 3)
        }
    }

    @Test("Over real connections, the open loop sends its schedule and the closed loop stops when the checks run out; each request is one validation, accepted once")
    func loops() async throws {
        try await WebWorld.with { world in
            let load = try await Benchmark.validationLoad(world.store, checks: 40)
            try await world.app.server.start(address: .hostname("127.0.0.1", port: 0))
            do {
                let port = try #require(world.app.http.server.shared.localAddress?.port)
                func run(seconds: Int) -> LoadRun {
                    LoadRun(group: world.app.eventLoopGroup, host: "127.0.0.1", port: port, target: .validations(load), connections: 3,
                            duration: .seconds(seconds), server: nil)
                }
                var next = 0
                // 20 requests due over one second, the last at 0.95 s.
                let open = await run(seconds: 1).openLoop(rate: 20, from: &next)
                #expect(open.answered == 20 && open.errors.isEmpty && !open.ranOut, "\(open.errors) \(open.firstError ?? "")")
                #expect(open.samples.allSatisfy { $0.status == 201 })
                // Timed from the instant each was due: none was sent, and answered, before it.
                #expect(open.samples.allSatisfy { $0.milliseconds >= 0 })
                #expect(Set(open.samples.map { Int(($0.atSeconds * 20).rounded()) }) == Set(0..<20))
                #expect(next == 20)
                // The other 20 checks, then nothing more to send: the closed loop ends long before its minute.
                let closed = await run(seconds: 60).closedLoop(from: &next)
                #expect(closed.answered == 20 && closed.errors.isEmpty && closed.ranOut, "\(closed.errors) \(closed.firstError ?? "")")
                #expect(closed.seconds < 60)
                #expect(next == 40)
                // Nothing left to send: the open loop ends too, without an error.
                let usedUp = await run(seconds: 1).openLoop(rate: 1, from: &next)
                #expect(usedUp.errors.isEmpty && usedUp.ranOut)
                // An answer other than the one expected is an error, with the status and the start of the body.
                let wrongKey = LoadTarget.validations(Benchmark.ValidationLoad(place: load.place, apiKey: "pn_wrong", checks: load.checks))
                var again = 0
                let unauthorized = await LoadRun(group: world.app.eventLoopGroup, host: "127.0.0.1", port: port, target: wrongKey, connections: 1,
                                                 duration: .seconds(1), server: nil).openLoop(rate: 2, from: &again)
                #expect(unauthorized.errors == ["401": 2], "\(unauthorized.errors)")
                #expect(unauthorized.firstError?.hasPrefix("401 {") == true, "\(unauthorized.firstError ?? "")")
            } catch {
                Issue.record(error)
            }
            await world.app.server.shutdown()
            // Nobody listens any more: each request is a transport error, and the driver goes on to the end of its schedule.
            var after = 0
            let down = await LoadRun(group: world.app.eventLoopGroup, host: "127.0.0.1", port: 1, target: .validations(load), connections: 2,
                                     duration: .seconds(1), server: nil).openLoop(rate: 4, from: &after)
            #expect(down.errors == ["transport": 4], "\(down.errors)")
            #expect(try await world.store.read { tx in
                try await tx.sql.raw("SELECT COUNT(*) AS n FROM redemptions WHERE place_id = \(bind: load.place.rawValue)").first(decodingColumn: "n", as: Int64.self)
            } == 40)
        }
    }

    @Test("The driver reads its own CPU time and the whole machine's from /proc, and both grow with work")
    func cpu() throws {
        let driver = try #require(ObservedProcess.driver.cpuSeconds())
        let machine = try #require(ObservedProcess.machineSeconds()).busy
        // Reading /proc in a loop is the work: until this process has used 50 ms more CPU, or for 5 s at most.
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(5), (ObservedProcess.driver.cpuSeconds() ?? 0) <= driver + 0.05 {}
        #expect(try #require(ObservedProcess.driver.cpuSeconds()) > driver)
        #expect(try #require(ObservedProcess.machineSeconds()).busy > machine)
    }

    @Test("The machine's busy time counts every field but idle and iowait; its stolen time is the steal field")
    func machineFields() throws {
        // user nice system idle iowait irq softirq steal guest guest_nice
        let times = try #require(ObservedProcess.machineSeconds(statLine: "cpu  1000 10 300 9000 70 0 20 400 0 0"))
        #expect(times.busy == 1730 / ObservedProcess.ticksPerSecond)
        #expect(times.stolen == 400 / ObservedProcess.ticksPerSecond)
        #expect(ObservedProcess.machineSeconds(statLine: "cpu0 1000 10 300 9000 70 0 20 400 0 0") == nil)
        #expect(ObservedProcess.machineSeconds(statLine: "cpu  1000 10 300") == nil)
    }

    @Test("The driver refuses options out of bounds before it prepares anything")
    func bounds() throws {
        func settings(_ arguments: [String]) throws -> LoadValidationsCommand.Settings {
            var input = CommandInput(arguments: ["passnum"] + arguments)
            return try LoadValidationsCommand.Settings(LoadValidationsCommand.Signature(from: &input))
        }
        let address = try settings(["--url", "http://127.0.0.1:8080/"])
        #expect(address.host == "127.0.0.1" && address.port == 8080)
        #expect(try settings(["--url", "http://h"]).port == 80)
        #expect(try settings(["--url", "http://127.0.0.1:8080"]).connections == 16)
        #expect(try settings(["--url", "http://h", "--peak-fraction", "0.8"]).peakFractions == [0.8])
        #expect(try settings(["--url", "http://h", "--peak-fraction", "0.6, 0.7,1"]).peakFractions == [0.6, 0.7, 1])
        #expect(try settings(["--url", "http://h"]).peakFractions.isEmpty)
        for wrong in [["--url", "ftp://x"], ["--url", "http://127.0.0.1:8080/api"], ["--url", "http://127.0.0.1:1", "--connections", "0"], ["--url", "http://h", "--seconds", "0"],
                      ["--url", "http://h", "--rate", "0"], ["--url", "http://h", "--peak-fraction", "1.5"],
                      ["--url", "http://h", "--peak-fraction", "0.6,,0.8"], ["--url", "http://h", "--peak-fraction", "0.6,nan"],
                      ["--url", "http://h", "--peak-fraction", Array(repeating: "0.5", count: 11).joined(separator: ",")],
                      ["--url", "http://h", "--rate", "10", "--peak-fraction", "0.8"], ["--url", "http://h", "--checks", "2000000"],
                      ["--url", "http://h", "--server-pid", "0"]] {
            #expect(throws: UsageError.self, "\(wrong)") { try settings(wrong) }
        }
    }
}
