import Foundation
@testable import PassnumApp
import PassnumPersistence
import Testing
import VaporTesting

@Suite("Web application")
struct HomePageTests {
    @Test("The home page shows in French what the database holds")
    func homePage() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-app-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withApp { app in
            let store = try await Store.open(StoreConfiguration(dataDirectory: directory), eventLoopGroup: app.eventLoopGroup,
                                             threadPool: app.threadPool)
            app.lifecycle.use(StoreLifecycle(store: store))
            try configure(app, store: store)
            _ = try await store.createFunder(name: "Département du Nord")
            try await app.testing().test(.GET, "/") { response in
                #expect(response.status == .ok)
                #expect(response.headers.contentType == .html)
                let body = response.body.string
                #expect(body.contains("<html lang=\"fr\">"))
                #expect(body.contains("<dt>Financeurs</dt><dd>1</dd>"))
            }
        }
    }
}
