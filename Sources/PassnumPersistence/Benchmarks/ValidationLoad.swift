import Foundation
import PassnumDomain

extension Benchmark {
    /// What a load test of the validation API needs (`passnum load-validations`): a qualified place affiliated to a
    /// programme valid today, an API key of that place with the validate scope, and distinct checks handed out, each
    /// with its security code.
    public struct ValidationLoad: Sendable {
        public let place: PlaceID
        public let apiKey: String
        /// Neighbours come from different booklets, so that concurrent requests never queue on one booklet's row (two
        /// checks of one booklet validated at the same instant by two tills is not what the load stands for).
        public let checks: [PresentedCheck]
    }

    /// Prepares `count` checks (rounded up to whole booklets) through the business operations, on the store's database
    /// and with its installation secret: the server under load must use the same data directory.
    public static func validationLoad(_ store: Store, checks count: Int) async throws -> ValidationLoad {
        let setup = try await Setup.make(store)
        let booklets = try await setup.handedOut(store, booklets: (count + 9) / 10, workers: 4)
        var checks: [PresentedCheck] = []
        checks.reserveCapacity(count)
        for position in 0..<(booklets.map(\.count).max() ?? 0) {
            for booklet in booklets where position < booklet.count {
                checks.append(PresentedCheck(serial: booklet[position].compact, code: store.secret.securityCode(for: booklet[position]).canonical))
            }
        }
        let (_, secret) = try await store.createApiKey(name: "load benchmark", scopes: [.validate], organisation: .place(setup.place), actor: .system)
        return ValidationLoad(place: setup.place, apiKey: secret, checks: Array(checks.prefix(count)))
    }
}

extension Benchmark.Setup {
    /// `booklets` booklets ordered, issued, allocated to the prescriber and handed out to the beneficiary by `workers`
    /// concurrent hand-outs: each booklet's serials.
    func handedOut(_ store: Store, booklets: Int, workers: Int = 1) async throws -> [[CheckSerial]] {
        let order = try await paidOrder(store, booklets: booklets)
        try await store.moveOrder(order, to: .fulfilled, actor: .system)
        let allocated = try await store.allocate(programme: programme, prescriber: prescriber, booklets: booklets, actor: .system)
        return try await withThrowingTaskGroup(of: [(Int, [CheckSerial])].self) { group in
            for worker in 0..<max(1, workers) {
                group.addTask {
                    var done: [(Int, [CheckSerial])] = []
                    for index in stride(from: worker, to: allocated.count, by: max(1, workers)) {
                        done.append((index, try await store.handOut(booklet: allocated[index], to: beneficiary, by: prescriber)))
                    }
                    return done
                }
            }
            var serials = [[CheckSerial]](repeating: [], count: allocated.count)
            for try await done in group {
                for (index, booklet) in done { serials[index] = booklet }
            }
            return serials
        }
    }
}
