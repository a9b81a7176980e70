import Foundation
@testable import PassnumApp
import PassnumDomain
import PassnumPersistence
import Testing
import Vapor
import VaporTesting

@Suite("Web application: handlers get the user the route's access admitted")
struct AdmittedUserTests {
    /// Three probe routes beside the real ones: what a handler sees of the user depends on the declared access only.
    static func addProbes(_ app: Application) {
        app.get("essai", "public") { request in try request.signedInUser.email }.access(.public)
        app.get("essai", "lieu") { request in
            let (user, place) = try request.organisation(\.place)
            return "\(user.email) \(place)"
        }.access(.placeStaff)
        // Declared for the wrong kind of organisation on purpose: the typed accessor refuses rather than serves.
        app.get("essai", "financeur") { request in "\(try request.organisation(\.funder).id)" }.access(.placeStaff)
    }

    @Test("A place's staff get their own place's id; a public route has no admitted user; a route declared for the wrong organisation refuses")
    func accessors() async throws {
        try await WebWorld.with { world in
            Self.addProbes(world.app)
            let email = try #require(world.a[.placeManager])
            var manager = try await Browser.signedIn(world.app, as: email)

            let own = try await manager.get("/essai/lieu")
            #expect(own.status == .ok)
            #expect(own.body.string == "\(email) \(world.placeA)")

            // Signed in, but the route is open to anyone: the handler is not handed the session's user.
            let open = try await manager.get("/essai/public")
            #expect(open.status == .seeOther && open.headers.first(name: .location)?.hasPrefix("/connexion") == true)

            #expect(try await manager.get("/essai/financeur").status == .forbidden)

            // The role check is the middleware's: a funder never reaches the place's probe.
            var funder = try await Browser.signedIn(world.app, as: try #require(world.a[.funderManager]))
            #expect(try await funder.get("/essai/lieu").status == .forbidden)
        }
    }
}
