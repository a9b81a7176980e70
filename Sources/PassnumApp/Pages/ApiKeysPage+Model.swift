import PassnumDomain
import PassnumPersistence

/// An organisation's API keys: when each was last used, the form for a new one.
enum ApiKeysPage {
    struct Model: Sendable, Equatable {
        var keys: [ApiKey]
        /// The rights a key of this organisation may have.
        var allowedScopes: [ApiScope]

        static func query(store: Store, organisation: Organisation) async throws -> Model {
            Model(keys: try await store.apiKeys(of: organisation), allowedScopes: ApiScope.allowed(for: organisation.kind))
        }
    }
}
