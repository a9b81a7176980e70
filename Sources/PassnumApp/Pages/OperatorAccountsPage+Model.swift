import PassnumDomain
import PassnumPersistence

/// Every account of the platform, by address, a page at a time, searched by the start of the address: the operator
/// changes roles, deactivates and reactivates.
enum OperatorAccountsPage {
    struct Model: Sendable, Equatable {
        var accounts: [AccountRow]
        var position: PagePosition = .single
        /// The start of the address searched, as typed.
        var search: String

        static func query(store: Store, search: String, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let accounts = try await store.accounts(of: nil, emailPrefix: search, asked.page)
            return Model(accounts: accounts.rows, position: PagePosition(accounts, asked), search: search)
        }
    }
}
