import PassnumDomain
import PassnumPersistence

/// A manager's team: the accounts of their organisation (invited, active, deactivated), a page at a time, and the
/// form to invite someone.
enum TeamPage {
    struct Model: Sendable, Equatable {
        var members: [AccountRow]
        var position: PagePosition = .single
        /// The roles this organisation gives, in the order the forms offer them.
        var roles: [Role]
        /// The signed-in manager: their own line says so.
        var viewer: UserID

        static func query(store: Store, organisation: Organisation, viewer: UserID, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let members = try await store.accounts(of: organisation, asked.page)
            return Model(members: members.rows, position: PagePosition(members, asked), roles: Role.roles(of: organisation.kind), viewer: viewer)
        }
    }

    /// What the invitation form sends, shown again with its errors.
    struct InviteForm: Sendable, Equatable {
        var email = ""
        var name = ""
        var role: Role?
    }
}
