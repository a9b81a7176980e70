import PassnumDomain
import PassnumPersistence
import Vapor

/// The page an invitation link opens: who is invited, to which organisation, and the password to choose.
enum InvitationPage {
    struct Model: Sendable, Equatable {
        var invitation: PendingInvitation

        /// An unknown, used or expired link is the 404 page: nothing tells which links existed.
        static func query(store: Store, token: String) async throws -> Model {
            guard let invitation = try await store.pendingInvitation(token: token) else { throw Abort(.notFound) }
            return Model(invitation: invitation)
        }
    }
}
