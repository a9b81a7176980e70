import SQLKit

// What the export and the import know of the schema: the tables, in reference order, and their columns.

extension Store {
    /// The tables that `Schema.migrate` fills in a new database: they are replaced by an import, not refused.
    static let seededTables: Set<String> = ["settings", "counters", "journal_head"]
    /// Migration bookkeeping, with the time each migration ran here: not part of the content.
    static let migrationsTable = "schema_migrations"
}

extension Transaction {
    /// Every table of the schema, parents before the tables that reference them.
    func tablesInDependencyOrder() async throws -> [String] {
        var references: [String: Set<String>] = [:]
        switch kind {
        case .sqlite:
            let names = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all()
                .map { try $0.string("name") }
            for name in names {
                references[name] = Set(try await sql.raw("SELECT \"table\" AS parent FROM pragma_foreign_key_list(\(bind: name))").all()
                    .map { try $0.string("parent") })
            }
        case .postgres:
            // The catalog, not information_schema: the latter only shows constraints of tables the role owns.
            for row in try await sql.raw("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").all() {
                references[try row.string("tablename"), default: []] = []
            }
            for row in try await sql.raw("""
                SELECT DISTINCT child.relname AS child, parent.relname AS parent FROM pg_constraint c
                JOIN pg_class child ON child.oid = c.conrelid JOIN pg_class parent ON parent.oid = c.confrelid
                WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
                """).all() {
                references[try row.string("child"), default: []].insert(try row.string("parent"))
            }
        }
        var ordered: [String] = []
        var placed: Set<String> = []
        while ordered.count < references.count {
            let ready = references.keys.filter { !placed.contains($0) && (references[$0] ?? []).subtracting([$0]).isSubset(of: placed) }.sorted()
            guard !ready.isEmpty else { throw ArchiveError.incompatible("the tables reference each other in a cycle") }
            ordered += ready
            placed.formUnion(ready)
        }
        return ordered
    }

    func columns(of table: String) async throws -> (columns: [ExportManifest.Column], primaryKey: [String]) {
        func type(_ declared: String) -> String {
            let upper = declared.uppercased()
            return upper.contains("INT") ? "integer" : upper.contains("DOUBLE") || upper.contains("REAL") || upper.contains("FLOAT") ? "real" : "text"
        }
        switch kind {
        case .sqlite:
            let rows = try await sql.raw("SELECT name, type, pk FROM pragma_table_info(\(bind: table)) ORDER BY cid").all()
            let columns = try rows.map { ExportManifest.Column(name: try $0.string("name"), type: type(try $0.string("type"))) }
            let key = try rows.filter { try $0.int("pk") > 0 }.sorted { try $0.int("pk") < $1.int("pk") }.map { try $0.string("name") }
            return (columns, key)
        case .postgres:
            let columns = try await sql.raw("""
                SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(bind: table)
                ORDER BY ordinal_position
                """).all().map { ExportManifest.Column(name: try $0.string("column_name"), type: type(try $0.string("data_type"))) }
            let key = try await sql.raw("""
                SELECT a.attname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indisprimary AND t.relname = \(bind: table) AND t.relnamespace = current_schema()::regnamespace
                ORDER BY array_position(i.indkey::int2[], a.attnum)
                """).all().map { try $0.string("attname") }
            return (columns, key)
        }
    }
}
