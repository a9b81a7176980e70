import PassnumDomain
import PassnumPersistence

/// The journal, newest entries first, a page at a time, and the last verification of the accounts.
enum OperatorJournalPage {
    struct Model: Sendable, Equatable {
        var entries: [JournalRow]
        var position: PagePosition = .single
        /// The last recorded run, not a new one: a whole verification on every visit would load the database.
        var lastRun: VerifyRun?

        static func query(store: Store, page asked: ListingPageQuery = ListingPageQuery()) async throws -> Model {
            let entries = try await store.journal(asked.page)
            let lastRun = try await store.lastVerifyRun()
            return Model(entries: entries.rows, position: PagePosition(entries, asked), lastRun: lastRun)
        }
    }
}
