import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Values that do not parse when read back")
struct CorruptValueTests {
    @Test("A stored value that does not parse is a CorruptValue naming its column, never the user's invalid input",
          arguments: TestDatabase.allCases)
    func corruptRowIsNotInvalidInput(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let territory = try await Territory.make(store, booklets: 1)
            let programme = territory.programme.rawValue
            try await store.read { tx in
                try await tx.sql.raw("UPDATE programmes SET valid_from = 'not a date' WHERE id = \(bind: programme)").run()
            }
            await #expect {
                _ = try await store.programme(territory.programme)
            } throws: { error in
                (error as? CorruptValue)?.column == "programmes.valid_from"
            }
        }
    }

    @Test("A user's stored organisation whose kind and id do not fit together is a CorruptValue, never a guess",
          arguments: TestDatabase.allCases)
    func corruptUserOrganisation(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let funder = try await store.createFunder(name: "Département")
            let user = try await store.createUser(email: "f@test.fr", name: "F", passwordHash: "x", role: .funderManager,
                                                  organisation: .funder(funder))
            let token = try await store.openSession(user: user)
            #expect(try await store.sessionUser(token: token)?.organisation == .funder(funder))
            for (kind, id, column) in [("funder", nil, "users.organisation_id"), ("operator", funder.rawValue, "users.organisation_id"),
                                       ("bank", funder.rawValue, "users.organisation_kind")] as [(String, Int64?, String)] {
                try await store.read { tx in
                    try await tx.sql.raw("""
                        UPDATE users SET organisation_kind = \(bind: kind), organisation_id = \(bind: id) WHERE id = \(bind: user.rawValue)
                        """).run()
                }
                await #expect {
                    _ = try await store.sessionUser(token: token)
                } throws: { error in
                    (error as? CorruptValue)?.column == column
                }
            }
        }
    }

    @Test("An API key stored for the operator with an id is a CorruptValue when presented", arguments: TestDatabase.allCases)
    func corruptApiKeyOrganisation(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            let funder = try await store.createFunder(name: "Département")
            let (key, secret) = try await store.createApiKey(name: "Stats", scopes: [.readStatistics], organisation: .funder(funder),
                                                             actor: Actor("test", organisation: .operator))
            #expect(try await store.authenticateApiKey(secret)?.organisation == .funder(funder))
            try await store.read { tx in
                try await tx.sql.raw("UPDATE api_keys SET organisation_kind = 'operator' WHERE id = \(bind: key.id.rawValue)").run()
            }
            await #expect {
                _ = try await store.authenticateApiKey(secret)
            } throws: { error in
                (error as? CorruptValue)?.column == "api_keys.organisation_id"
            }
        }
    }
}
