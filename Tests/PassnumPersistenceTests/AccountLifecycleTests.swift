import Foundation
import PassnumDomain
@testable import PassnumPersistence
import SQLKit
import Testing

@Suite("Accounts: invitations, roles, deactivation, the last manager")
struct AccountLifecycleTests {
    /// A place with its first manager (active, with a password) and the actor that manager is.
    static func place(_ store: Store) async throws -> (place: PlaceID, manager: UserID, actor: Actor) {
        let place = try await store.createPlace(NewPlace(name: "Lieu", commune: CommuneCode("59350")!, postcode: "59000"))
        let manager = try await store.createUser(email: "chef@lieu.fr", name: "Chef", passwordHash: "hash", role: .placeManager,
                                                 organisation: .place(place))
        return (place, manager, Actor("chef@lieu.fr", organisation: .place(place)))
    }

    static func journal(_ store: Store, _ kind: EntryKind) async throws -> [(reference: String, actor: String, reason: String?)] {
        try await store.read { tx in
            try await tx.sql.raw("""
                SELECT reference, actor, reason FROM journal_transactions WHERE kind = \(bind: kind.rawValue) ORDER BY id
                """).all().map { (try $0.string("reference"), try $0.string("actor"), try $0.optionalString("reason")) }
        }
    }

    @Test("An invitation queues its notice with the event, works once within 7 days, and makes the account able to sign in",
          arguments: TestDatabase.allCases)
    func invitation(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let (place, _, chef) = try await Self.place(store)
            let (user, token) = try await store.invite(email: " Agent@Lieu.fr ", name: "Agent", role: .placeAgent, organisation: .place(place), actor: chef)
            // No password yet: the account cannot sign in, and the address is answered as an unknown one.
            #expect(try await store.loginCandidate(email: "agent@lieu.fr") == nil)
            #expect(try await store.queuedNotices(to: "agent@lieu.fr") == [
                .invitation(token: token, name: "Agent", organisationName: "Lieu", invitedBy: "Chef"),
            ])
            // Only the digest of the link is stored.
            #expect(try await store.read { tx in try await tx.sql.raw("SELECT token_hash FROM invitations").all().count } == 1)
            #expect(try await store.read { tx in
                try await tx.sql.raw("SELECT token_hash FROM invitations WHERE token_hash = \(bind: token)").first() } == nil)
            #expect(try await store.pendingInvitation(token: token) == PendingInvitation(name: "Agent", email: "agent@lieu.fr", organisationName: "Lieu"))
            #expect(try await store.acceptInvitation(token: token, passwordHash: "new-hash") == user)
            #expect(try await store.loginCandidate(email: "agent@lieu.fr")?.passwordHash == "new-hash")
            await #expect(throws: DomainError.invalid(field: .token, problem: .expired)) {
                try await store.acceptInvitation(token: token, passwordHash: "other-hash")
            }
            #expect(try await store.pendingInvitation(token: token) == nil)

            // Another invitation, left 7 days: expired.
            let late = try await store.invite(email: "tard@lieu.fr", name: "Tard", role: .placeAgent, organisation: .place(place), actor: chef)
            clock.advance(seconds: AccountRules.invitationLifetime)
            #expect(try await store.pendingInvitation(token: late.token) == nil)
            await #expect(throws: DomainError.invalid(field: .token, problem: .expired)) {
                try await store.acceptInvitation(token: late.token, passwordHash: "x")
            }
            // Sent again: a new link works, the old one never again.
            let again = try await store.resendInvitation(to: late.user, actor: chef)
            #expect(try await store.queuedNotices(to: "tard@lieu.fr").count == 2)
            #expect(try await store.acceptInvitation(token: again, passwordHash: "h") == late.user)
            // An active account is not invited again.
            await #expect(throws: DomainError.self) { try await store.resendInvitation(to: late.user, actor: chef) }

            #expect(try await Self.journal(store, .accountCreated).suffix(2).map(\.reason) == ["invited", "invited"])
            #expect(try await Self.journal(store, .accountInvited).map(\.actor) == ["chef@lieu.fr"])
            #expect(try await Self.journal(store, .invitationAccepted).map(\.actor) == ["agent@lieu.fr", "tard@lieu.fr"])
        }
    }

    @Test("A manager invites into their own organisation only, with one of its roles", arguments: TestDatabase.allCases)
    func invitationScope(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let (place, _, chef) = try await Self.place(store)
            let funder = try await store.createFunder(name: "Financeur")
            await #expect(throws: DomainError.notAllowed(action: "manage the accounts of funder \(funder)")) {
                try await store.invite(email: "x@f.fr", name: "X", role: .funderManager, organisation: .funder(funder), actor: chef)
            }
            await #expect(throws: DomainError.invalid(field: .role, problem: .notAvailable)) {
                try await store.invite(email: "x@f.fr", name: "X", role: .funderManager, organisation: .place(place), actor: chef)
            }
            await #expect(throws: DomainError.invalid(field: .email, problem: .alreadyUsed)) {
                try await store.invite(email: "CHEF@lieu.fr", name: "X", role: .placeAgent, organisation: .place(place), actor: chef)
            }
            // Refused operations queue nothing.
            #expect(try await store.queuedNotices(to: "x@f.fr").isEmpty)
            // The operator invites anywhere.
            try await store.invite(email: "x@f.fr", name: "X", role: .funderManager, organisation: .funder(funder), actor: .system)
            #expect(try await store.queuedNotices(to: "x@f.fr").count == 1)
        }
    }

    @Test("A password reset queues its link with the token's digest, for an account that is not deactivated only",
          arguments: TestDatabase.allCases)
    func passwordReset(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let (place, manager, _) = try await Self.place(store)
            let token = try #require(try await store.createPasswordReset(email: "Chef@Lieu.fr"))
            #expect(try await store.queuedNotices(to: "chef@lieu.fr") == [.passwordReset(token: token, name: "Chef")])
            #expect(try await store.createPasswordReset(email: "personne@lieu.fr") == nil)
            #expect(try await store.queuedNotices(to: "personne@lieu.fr").isEmpty)
            let second = try await store.invite(email: "second@lieu.fr", name: "Second", role: .placeManager, organisation: .place(place), actor: .system)
            _ = try await store.acceptInvitation(token: second.token, passwordHash: "h")
            try await store.deactivate(manager, reason: "parti", actor: .system)
            // The link sent before the deactivation dies with it; none is sent after.
            await #expect(throws: DomainError.invalid(field: .token, problem: .expired)) { try await store.resetPassword(token: token, passwordHash: "x") }
            #expect(try await store.createPasswordReset(email: "chef@lieu.fr") == nil)
            #expect(try await store.queuedNotices(to: "chef@lieu.fr").count == 1)
        }
    }

    @Test("Deactivation ends the sessions and revokes the API keys the person created, at once; mail to managers skips them",
          arguments: TestDatabase.allCases)
    func deactivation(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let (place, _, chefActor) = try await Self.place(store)
            let (agent, token) = try await store.invite(email: "agent@lieu.fr", name: "Agent", role: .placeManager, organisation: .place(place), actor: chefActor)
            _ = try await store.acceptInvitation(token: token, passwordHash: "h")
            let agentActor = Actor("agent@lieu.fr", organisation: .place(place))
            let session = try await store.openSession(user: agent)
            let (agentKey, secret) = try await store.createApiKey(name: "Caisse", scopes: [.validate], organisation: .place(place), actor: agentActor)
            let (chefKey, chefSecret) = try await store.createApiKey(name: "Site", scopes: [.validate], organisation: .place(place), actor: chefActor)
            #expect(try await store.sessionUser(token: session) != nil)

            await #expect(throws: DomainError.invalid(field: .reason, problem: .empty)) { try await store.deactivate(agent, reason: " ", actor: chefActor) }
            try await store.deactivate(agent, reason: "A quitté le lieu", actor: chefActor)
            #expect(try await store.sessionUser(token: session) == nil)
            #expect(try await store.authenticateApiKey(secret) == nil)
            #expect(try await store.authenticateApiKey(chefSecret)?.id == chefKey.id)
            #expect(try await store.loginCandidate(email: "agent@lieu.fr") == nil)
            #expect(try await store.accounts(of: .place(place), .first).rows.map(\.state) == [.deactivated, .active])
            // Managers' mail: the deactivated manager is not among its recipients.
            try await store.transaction { tx in
                try await tx.enqueue(.placeSuspended(place: place, placeName: "Lieu", reason: "test"), toManagersOf: .place(place), at: Date())
            }
            #expect(try await store.queuedNotices(to: "agent@lieu.fr").count == 1)
            #expect(try await store.queuedNotices(to: "chef@lieu.fr").count == 1)
            await #expect(throws: DomainError.self) { try await store.deactivate(agent, reason: "encore", actor: chefActor) }

            let deactivations = try await Self.journal(store, .accountDeactivated)
            #expect(deactivations.map(\.reference) == ["user:\(agent)"])
            #expect(deactivations.map(\.actor) == ["chef@lieu.fr"] && deactivations.map(\.reason) == ["A quitté le lieu"])
            #expect(try await Self.journal(store, .apiKeyChanged).last?.reference == "api_key:\(agentKey.id)")

            // Only the operator reactivates; the account signs in again with its password, its key stays revoked.
            await #expect(throws: DomainError.notAllowed(action: "reactivate an account")) {
                try await store.reactivate(agent, reason: "retour", actor: chefActor)
            }
            try await store.reactivate(agent, reason: "De retour", actor: .system)
            #expect(try await store.loginCandidate(email: "agent@lieu.fr")?.id == agent)
            #expect(try await store.authenticateApiKey(secret) == nil)
            #expect(try await Self.journal(store, .accountReactivated).map(\.reason) == ["De retour"])
        }
    }

    @Test("An organisation keeps its last active manager: no deactivation nor demotion of them, themselves included",
          arguments: TestDatabase.allCases)
    func lastManager(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let (place, chef, chefActor) = try await Self.place(store)
            let lastManager = DomainError.invalid(field: .role, problem: .lastManager)
            await #expect(throws: lastManager) { try await store.deactivate(chef, reason: "départ", actor: chefActor) }
            await #expect(throws: lastManager) { try await store.changeRole(of: chef, to: .placeAgent, reason: "erreur", actor: chefActor) }
            await #expect(throws: lastManager) { try await store.deactivate(chef, reason: "départ", actor: .system) }
            // An invited manager does not count: they cannot act yet.
            let second = try await store.invite(email: "second@lieu.fr", name: "Second", role: .placeManager, organisation: .place(place), actor: chefActor)
            await #expect(throws: lastManager) { try await store.deactivate(chef, reason: "départ", actor: chefActor) }
            _ = try await store.acceptInvitation(token: second.token, passwordHash: "h")
            try await store.changeRole(of: chef, to: .placeAgent, reason: "passe la main", actor: chefActor)
            #expect(try await Self.journal(store, .roleChanged).map(\.reference) == ["user:\(chef):place_manager>place_agent"])
            await #expect(throws: lastManager) { try await store.deactivate(second.user, reason: "départ", actor: .system) }
            // The role must be one of the organisation's, and given (asked by the manager now: the former one no longer manages).
            let secondActor = Actor("second@lieu.fr", organisation: .place(place))
            await #expect(throws: DomainError.invalid(field: .role, problem: .notAvailable)) {
                try await store.changeRole(of: chef, to: .funderManager, reason: "x", actor: secondActor)
            }
            await #expect(throws: DomainError.invalid(field: .role, problem: .empty)) {
                try await store.changeRole(of: chef, to: nil, reason: "x", actor: secondActor)
            }
        }
    }

    @Test("Two managers deactivating each other at the same time leave one of them active", arguments: TestDatabase.allCases)
    func concurrentDeactivations(database: TestDatabase) async throws {
        try await withStore(database, connections: 8) { store, _ in
            let (place, chef, chefActor) = try await Self.place(store)
            let second = try await store.invite(email: "second@lieu.fr", name: "Second", role: .placeManager, organisation: .place(place), actor: chefActor)
            _ = try await store.acceptInvitation(token: second.token, passwordHash: "h")
            let secondActor = Actor("second@lieu.fr", organisation: .place(place))
            let done = await withTaskGroup(of: Bool.self) { group in
                group.addTask { (try? await store.deactivate(second.user, reason: "a", actor: chefActor)) != nil }
                group.addTask { (try? await store.deactivate(chef, reason: "b", actor: secondActor)) != nil }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(done == 1)
            #expect(try await store.accounts(of: .place(place), .first).rows.filter { $0.state == .active }.count == 1)
        }
    }

    @Test("Another organisation's account is not found, whatever the form says", arguments: TestDatabase.allCases)
    func otherOrganisation(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let (_, chef, _) = try await Self.place(store)
            let funder = try await store.createFunder(name: "Financeur")
            let stranger = Actor("f@f.fr", organisation: .funder(funder))
            await #expect(throws: DomainError.notFound("user \(chef)")) { try await store.deactivate(chef, reason: "x", actor: stranger) }
            await #expect(throws: DomainError.notFound("user \(chef)")) { try await store.changeRole(of: chef, to: nil, reason: "", actor: stranger) }
            await #expect(throws: DomainError.notFound("user \(chef)")) { try await store.resendInvitation(to: chef, actor: stranger) }
        }
    }

    @Test("The store itself lets only an active manager change a team: a member, a departed manager or an unknown name is refused",
          arguments: TestDatabase.allCases)
    func managersOnly(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let (place, chef, chefActor) = try await Self.place(store)
            let member = try await store.createUser(email: "agent@lieu.fr", name: "Agent", passwordHash: "hash", role: .placeAgent,
                                                    organisation: .place(place))
            let invited = try await store.invite(email: "tard@lieu.fr", name: "Tard", role: .placeAgent, organisation: .place(place), actor: chefActor)
            let refused = DomainError.notAllowed(action: "manage the accounts of \(Organisation.place(place))")
            // A member of the organisation (not its manager) calling the store directly, past any route filter.
            let memberActor = Actor("agent@lieu.fr", organisation: .place(place))
            await #expect(throws: refused) {
                try await store.invite(email: "x@lieu.fr", name: "X", role: .placeManager, organisation: .place(place), actor: memberActor)
            }
            await #expect(throws: refused) { try await store.changeRole(of: member, to: .placeManager, reason: "promotion", actor: memberActor) }
            await #expect(throws: refused) { try await store.deactivate(chef, reason: "coup", actor: memberActor) }
            await #expect(throws: refused) { try await store.resendInvitation(to: invited.user, actor: memberActor) }
            // A manager who has left, and a name that is no account.
            let second = try await store.createUser(email: "second@lieu.fr", name: "Second", passwordHash: "hash", role: .placeManager,
                                                    organisation: .place(place))
            try await store.deactivate(second, reason: "parti", actor: chefActor)
            await #expect(throws: refused) {
                try await store.changeRole(of: member, to: .placeManager, reason: "x", actor: Actor("second@lieu.fr", organisation: .place(place)))
            }
            await #expect(throws: refused) { try await store.deactivate(member, reason: "x", actor: Actor("inconnu@lieu.fr", organisation: .place(place))) }
            // Nor an account of the operator that is no operator admin (here, no account at all): refused on any organisation.
            await #expect(throws: DomainError.self) { try await store.deactivate(member, reason: "x", actor: Actor("test", organisation: .operator)) }

            // Nothing changed; the manager still can.
            let rows = try await store.accounts(of: .place(place), .first).rows
            #expect(rows.first { $0.id == member }?.role == .placeAgent && rows.first { $0.id == chef }?.state == .active)
            #expect(!rows.contains { $0.email == "x@lieu.fr" })
            #expect(try await store.queuedNotices(to: "tard@lieu.fr").count == 1)
            try await store.changeRole(of: member, to: .placeManager, reason: "promotion", actor: chefActor)
            #expect(try await store.accounts(of: .place(place), .first).rows.first { $0.id == member }?.role == .placeManager)
        }
    }

    @Test("The operator's list pages by address and searches by its start, wildcards taken literally", arguments: TestDatabase.allCases)
    func accountList(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let (place, _, _) = try await Self.place(store)
            for name in ["a_b", "axb", "b1", "b2", "d"] {
                try await store.invite(email: "\(name)@x.fr", name: name, role: .placeAgent, organisation: .place(place), actor: .system)
            }
            let first = try await store.accounts(of: nil, PageRequest(limit: 4))
            #expect(first.rows.map(\.email) == ["a_b@x.fr", "axb@x.fr", "b1@x.fr", "b2@x.fr"])
            let rest = try await store.accounts(of: nil, PageRequest(after: first.next, limit: 4))
            #expect(rest.rows.map(\.email) == ["chef@lieu.fr", "d@x.fr"] && rest.next == nil)
            #expect(try await store.accounts(of: nil, emailPrefix: "A_", .first).rows.map(\.email) == ["a_b@x.fr"])
            #expect(try await store.accounts(of: nil, emailPrefix: "b", .first).rows.map(\.email) == ["b1@x.fr", "b2@x.fr"])
            #expect(try await store.accounts(of: nil, emailPrefix: "%", .first).rows.isEmpty)
            #expect(try await store.accounts(of: nil, .first).rows.allSatisfy { $0.organisationName == "Lieu" })
        }
    }
}

extension Store {
    /// The notices queued for an address, oldest first.
    func queuedNotices(to address: String) async throws -> [Notice] {
        try await read { tx in
            try await tx.sql.raw("SELECT notice FROM outbox WHERE recipient = \(bind: address) ORDER BY id").all().map {
                try JSONDecoder().decode(Notice.self, from: Data(try $0.string("notice").utf8))
            }
        }
    }
}
