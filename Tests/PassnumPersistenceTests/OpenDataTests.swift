import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Open data in the national standard")
struct OpenDataTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// A copy of shared/standards/, so that the tests run on any clone; `copyMatchesShared` keeps it honest.
    static let standards = fixtures.appendingPathComponent("standards")
    static let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../shared/standards").standardizedFileURL

    @Test("The copy of the standard in the fixtures is the one in shared/standards, when shared/ is beside the clone")
    func copyMatchesShared() throws {
        let files = ["lamednum-standard-mediation-num-v1.0.2.schema.json", "lamednum-standard-mediation-num-v1.0.2.example.csv"]
        for file in files {
            let copy = try Data(contentsOf: Self.standards.appendingPathComponent(file))
            #expect(!copy.isEmpty)
            if let original = try? Data(contentsOf: Self.shared.appendingPathComponent(file)) {
                #expect(copy == original, "\(file) differs from shared/standards: copy it again")
            }
        }
    }

    static func fixture() throws -> [(line: Int, record: OpenData.Record)] {
        try OpenData.parseCSV(String(contentsOf: fixtures.appendingPathComponent("places.csv"), encoding: .utf8))
    }

    @Test("The field names, required fields and patterns match the standard's schema file")
    func schemaMatchesStandard() throws {
        let url = Self.standards.appendingPathComponent("lamednum-standard-mediation-num-v1.0.2.schema.json")
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any], "missing \(url.path)")
        let fields = try #require(schema["fields"] as? [[String: Any]])
        #expect(fields.map { $0["name"] as? String } == OpenDataSchema.fields)
        for field in fields {
            let name = field["name"] as! String
            let constraints = field["constraints"] as? [String: Any] ?? [:]
            #expect((constraints["required"] as? Bool ?? false) == OpenDataSchema.required.contains(name), "\(name)")
            #expect(constraints["pattern"] as? String == OpenDataSchema.patterns[name], "\(name)")
        }
    }

    @Test("Every pattern of the standard compiles, so none is silently skipped")
    func everyPatternCompiles() {
        #expect(OpenData.compiledPatterns.count == OpenDataSchema.patterns.count)
    }

    @Test("The standard's own example file passes the checks")
    func exampleFilePasses() throws {
        let url = Self.standards.appendingPathComponent("lamednum-standard-mediation-num-v1.0.2.example.csv")
        let rows = try OpenData.parseCSV(String(contentsOf: url, encoding: .utf8))
        #expect(!rows.isEmpty)
        for row in rows { #expect(OpenData.problems(in: row.record).isEmpty, "line \(row.line): \(OpenData.problems(in: row.record))") }
    }

    @Test("Every bad row is listed with its line and reason, and nothing is imported", arguments: TestDatabase.allCases)
    func rejectedRows(database: TestDatabase) async throws {
        try await withStore(database) { store, _ in
            var rows = try Self.fixture()
            rows[1].record["code_postal"] = "5900"
            rows[2].record["horaires"] = "lundi matin"
            rows[2].record["services"] = "Cours de cuisine"
            // PostgreSQL's text refuses U+0000: before, the whole import failed on it there, with a database error.
            rows[0].record["nom"] = "Lieu\u{0}"
            let report = try await store.importPlaces(rows, actor: Actor("test"))
            #expect(report.rejected.map(\.line) == [2, 3, 4])
            #expect(report.rejected[0].reasons == ["nom holds a control character (other than tab and line breaks)"])
            #expect(report.rejected[1].reasons == ["code_postal \"5900\" does not match the standard's pattern"])
            #expect(report.rejected[2].reasons.count == 2)
            #expect(try await store.overview().places == 0)
        }
    }

    @Test("Import then export gives back every field; export then import then export is identical", arguments: TestDatabase.allCases)
    func roundTrip(database: TestDatabase) async throws {
        let rows = try Self.fixture()
        var firstExport: [OpenData.Record] = []
        try await withStore(database) { store, _ in
            let report = try await store.importPlaces(rows, actor: Actor("test"))
            #expect(report.rejected.isEmpty && report.places == 2 && report.sites == 3)
            firstExport = try await store.openDataRecords()
            #expect(firstExport.count == 3)
            for (_, record) in rows {
                let exported = try #require(firstExport.first { $0["id"] == record["id"] })
                for field in OpenData.fields where field != "presentation_detail" {
                    #expect(exported[field, default: ""] == record[field, default: ""], "\(record["id"]!) \(field)")
                }
                #expect(exported["presentation_detail"]!.hasPrefix(record["presentation_detail"] ?? ""))
                #expect(exported["presentation_detail"]!.contains(OpenData.passNumeriqueSentence))
                #expect(OpenData.problems(in: exported).isEmpty)
            }
            #expect(try await store.decisions(of: PlaceID(1)).map(\.actor) == ["test"])
        }
        try await withStore(database) { store, _ in
            let reparsed = try OpenData.parseCSV(OpenData.csv(firstExport))
            #expect(try await store.importPlaces(reparsed, actor: Actor("test")).rejected.isEmpty)
            #expect(try await store.openDataRecords() == firstExport)
        }
    }

    @Test("Importing a pivot that is already on the platform is refused")
    func duplicatePivot() async throws {
        try await withStore(.sqlite) { store, _ in
            #expect(try await store.importPlaces(try Self.fixture(), actor: Actor("test")).rejected.isEmpty)
            let again = try await store.importPlaces(try Self.fixture(), actor: Actor("test"))
            #expect(again.rejected.count == 2)
            #expect(try await store.overview().places == 2)
        }
    }

    /// Values that take every escape of JSON, in the standard's fields and in others.
    static let awkwardValues: [String] = [
        "", "Lieu « Le Quai »", "quote \" backslash \\ slash / https://exemple.fr/a?b=c",
        String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }) + "\u{7F}\u{2028}\u{FEFF}",
        "accents éèà, emoji 😀 and 𝄞, CJK 中文", "tab\tline\nreturn\r",
    ]

    @Test("The open data's JSON reader and writer give what Foundation's coders give, escapes and key order included")
    func flatJSON() throws {
        let compact = JSONEncoder.sorted
        let pretty = JSONEncoder.sorted
        pretty.outputFormatting.insert(.prettyPrinted)
        var records: [[String: String]] = [Dictionary(uniqueKeysWithValues: OpenData.fields.map { ($0, "valeur de \($0)") })]
        for value in Self.awkwardValues {
            records.append(["id": value, "nom": "n", "presentation_detail": value])
            records.append(["id": "1", value: value, "autre_champ": "x"])
            records.append([value: "v"])
        }
        records.append([:])
        for record in records {
            // Reading what the index stores (compact), and the pretty form too.
            for encoder in [compact, pretty] {
                let text = String(decoding: try encoder.encode(record), as: UTF8.self)
                #expect(FlatJSON.object(text) == record, "\(text)")
            }
            var written = ""
            try FlatJSON.appendPrettyElement(record, to: &written)
            let expected = String(decoding: try pretty.encode(record), as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
            #expect(written == expected, "\(record)")
        }
        // Not an object of strings: nil, as from JSONDecoder.
        for text in ["", "[]", "{\"a\":1}", "{\"a\":\"b\"", "{\"a\":\"b\"} x", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\q\"}", "{\"a\":{}}"] {
            #expect(FlatJSON.object(text) == nil, "\(text)")
        }
        #expect(FlatJSON.object(" { \"a\" :\n\"\\u00e9\\ud83d\\ude00\" } ") == ["a": "é😀"])
        // The archive's lines share the writer without the encoder's extra escapes: valid JSON, slashes as they are.
        for value in Self.awkwardValues {
            let line = JSONLines.string(value)
            #expect(try JSONDecoder().decode(String.self, from: Data(line.utf8)) == value, "\(line)")
            #expect(!line.contains("\\/") && !line.contains("\\b") && !line.contains("\\f"), "\(line)")
        }
    }
}
