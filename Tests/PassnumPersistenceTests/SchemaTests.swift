@testable import PassnumPersistence
import Testing

@Suite("Schema")
struct SchemaTests {
    @Test("Migrations are numbered 1, 2, 3… without a gap or a repeat, in the order they are applied")
    func migrationsAreNumberedInOrder() {
        #expect(Schema.migrations.map(\.version) == Array(1...Schema.migrations.count))
    }
}
