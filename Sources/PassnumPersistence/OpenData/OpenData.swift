import Foundation
import PassnumDomain
import SQLKit
import SwiftCSV

/// Publishing and importing places in the national open-data format.
public enum OpenData {
    public typealias Record = [String: String]

    public static var fields: [String] { OpenDataSchema.fields }

    /// What the standard has no field for: said in the free-text presentation instead (its list of national
    /// programmes does not include the Pass numérique in v1.0.2).
    public static let passNumeriqueSentence = "Ce lieu accepte les chèques Pass numérique."

    static let compiledPatterns: [String: NSRegularExpression] = OpenDataSchema.patterns.compactMapValues { try? NSRegularExpression(pattern: $0) }

    /// The problems of one record against the standard (required fields, patterns, numbers, dates), plus
    /// what passnum needs to import it (readable opening hours).
    public static func problems(in record: Record) -> [String] {
        var problems: [String] = []
        for field in OpenDataSchema.fields where OpenDataSchema.required.contains(field) && (record[field] ?? "").isEmpty {
            problems.append("\(field) is required")
        }
        for (field, regex) in compiledPatterns {
            guard let value = record[field], !value.isEmpty else { continue }
            let whole = NSRange(value.startIndex..., in: value)
            guard let match = regex.firstMatch(in: value, range: whole), match.range == whole else {
                problems.append("\(field) \"\(value)\" does not match the standard's pattern")
                continue
            }
        }
        for field in ["latitude", "longitude"] {
            if let value = record[field], !value.isEmpty, Double(value) == nil { problems.append("\(field) \"\(value)\" is not a number") }
        }
        if let latitude = record["latitude"].flatMap(Double.init), !(-90...90).contains(latitude) { problems.append("latitude out of range") }
        if let longitude = record["longitude"].flatMap(Double.init), !(-180...180).contains(longitude) { problems.append("longitude out of range") }
        if let date = record["date_maj"], !date.isEmpty, CivilDate(date) == nil { problems.append("date_maj \"\(date)\" is not a YYYY-MM-DD date") }
        if let hours = record["horaires"], !hours.isEmpty {
            do { _ = try OpeningHours(hours) } catch { problems.append("horaires: \(error.message)") }
        }
        if let resume = record["presentation_resume"], resume.count > 280 { problems.append("presentation_resume is longer than 280 characters") }
        return problems
    }

    /// CSV as the standard publishes it: UTF-8, comma-separated, every field quoted, header first.
    public static func csv(_ records: [Record]) -> String {
        func quoted(_ value: String) -> String { "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let lines = [fields.map(quoted).joined(separator: ",")] + records.map { record in fields.map { quoted(record[$0] ?? "") }.joined(separator: ",") }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// JSON: an array of objects with the standard's field names, empty fields left out.
    public static func json(_ records: [Record]) throws -> Data {
        let encoder = JSONEncoder.sorted
        encoder.outputFormatting.insert(.prettyPrinted)
        return try encoder.encode(records.map { $0.filter { !$0.value.isEmpty } })
    }

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The records of a CSV file in the standard's format, with their line numbers (the header is line 1).
    public static func parseCSV(_ text: String) throws -> [(line: Int, record: Record)] {
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let csv: CSV<Named>
        do { csv = try CSV<Named>(string: text, delimiter: .comma) } catch { throw ParseError(description: "not a readable CSV file: \(error)") }
        let unknown = csv.header.filter { !fields.contains($0) }
        guard unknown.isEmpty else { throw ParseError(description: "unknown columns: \(unknown.joined(separator: ", "))") }
        let missing = OpenDataSchema.required.filter { !csv.header.contains($0) }.sorted()
        guard missing.isEmpty else { throw ParseError(description: "missing required columns: \(missing.joined(separator: ", "))") }
        return csv.rows.enumerated().map { (line: $0.offset + 2, record: $0.element.mapValues { $0.trimmingCharacters(in: .whitespaces) }) }
    }
}

public struct ImportReport: Sendable {
    /// Lines refused, with their reasons. When not empty, nothing was imported.
    public var rejected: [(line: Int, reasons: [String])] = []
    public var places = 0
    public var sites = 0
}

extension Store {
    /// Every site of every qualified place, as records of the standard.
    public func openDataRecords() async throws -> [OpenData.Record] {
        try await read { tx in
            let places = try await tx.sql.raw("""
                SELECT id, name, siret, updated_at FROM places WHERE state = \(bind: PlaceState.qualified.rawValue) AND siret IS NOT NULL ORDER BY id
                """).all()
            var records: [OpenData.Record] = []
            for place in places {
                let id = PlaceID(try place.int("id"))
                let application = PlaceApplication(place: id, name: try place.string("name"), state: .qualified,
                                                   steps: try await tx.applicationSteps(of: id), documents: [])
                let organisation = application.decode(ApplicationData.Organisation.self, .organisation)
                let services = application.decode(ApplicationData.Services.self, .services)
                let hours = application.decode(ApplicationData.Hours.self, .hours)
                let updated = CivilDate(Date(millis: try place.int("updated_at"))).description
                for site in try await tx.sql.raw("""
                    SELECT id, name, address, postcode, commune_code, commune_name, latitude, longitude, open_data
                    FROM place_sites WHERE place_id = \(bind: id.rawValue) ORDER BY position
                    """).all() {
                    var record = (try? JSONDecoder().decode(OpenData.Record.self, from: Data(try site.string("open_data").utf8))) ?? [:]
                    // Imported sites keep their record as it came; sites from an application are described here.
                    let imported = !record.isEmpty
                    let siteID = try site.int("id")
                    if record["id", default: ""].isEmpty { record["id"] = "passnum-lieu-\(siteID)" }
                    record["pivot"] = try place.string("siret")
                    record["nom"] = try site.string("name")
                    record["commune"] = try site.string("commune_name")
                    record["code_postal"] = try site.string("postcode")
                    record["code_insee"] = try site.optionalString("commune_code") ?? ""
                    record["adresse"] = try site.string("address")
                    if let latitude = try site.decode(column: "latitude", as: Double?.self) { record["latitude"] = Self.coordinate(latitude) }
                    if let longitude = try site.decode(column: "longitude", as: Double?.self) { record["longitude"] = Self.coordinate(longitude) }
                    if let organisation {
                        record["telephone"] = organisation.phone ?? ""
                        record["courriels"] = organisation.email ?? ""
                        record["site_web"] = organisation.website ?? ""
                        record["presentation_resume"] = organisation.summary ?? ""
                    }
                    if let services {
                        record["services"] = services.categories.map(\.rawValue).joined(separator: "|")
                        record["prise_en_charge_specifique"] = services.accessibility.joined(separator: "|")
                    }
                    if let hours { record["horaires"] = hours.openingHours }
                    if record["date_maj", default: ""].isEmpty { record["date_maj"] = updated }
                    if !imported { record["source"] = "passnum" }
                    let detail = record["presentation_detail", default: ""]
                    if !detail.contains(OpenData.passNumeriqueSentence) {
                        record["presentation_detail"] = detail.isEmpty ? OpenData.passNumeriqueSentence : detail + " " + OpenData.passNumeriqueSentence
                    }
                    records.append(record.filter { OpenData.fields.contains($0.key) })
                }
            }
            return records
        }
    }

    /// Shortest text that reads back as the same Double ("43.52609", not "43.526090000000003").
    static func coordinate(_ value: Double) -> String { "\(value)" }

    /// Imports places from records of the standard: every record is checked first; if any is refused, nothing
    /// is imported and the report lists every refused line with its reasons. Records with the same pivot are
    /// one place with several sites. Imported places are qualified (the file comes from an operator that
    /// already qualified them), and the decision is journaled with `actor`.
    public func importPlaces(_ records: [(line: Int, record: OpenData.Record)], actor: Actor) async throws -> ImportReport {
        var report = ImportReport()
        var ids = Set<String>()
        for (line, record) in records {
            var problems = OpenData.problems(in: record)
            if let id = record["id"], !ids.insert(id).inserted { problems.append("id \(id) appears twice") }
            if !problems.isEmpty { report.rejected.append((line, problems)) }
        }
        let byPivot = Dictionary(grouping: records, by: { $0.record["pivot"] ?? "" })
        if report.rejected.isEmpty {
            let existing = try await read { tx in
                try await tx.sql.raw("SELECT siret FROM places WHERE siret IS NOT NULL").all().map { try $0.string("siret") }
            }
            for (pivot, group) in byPivot where existing.contains(pivot) {
                report.rejected.append((group[0].line, ["a place with pivot \(pivot) already exists"]))
            }
        }
        guard report.rejected.isEmpty else {
            report.rejected.sort { $0.line < $1.line }
            return report
        }
        let now = clock.now.millis
        let groups = byPivot.sorted(by: { $0.value[0].line < $1.value[0].line })
        try await transaction { tx in
            for (pivot, group) in groups {
                let first = group[0].record
                let place = PlaceID(try await tx.insertReturningID("""
                    INSERT INTO places (name, siret, commune, postcode, state, created_at, updated_at)
                    VALUES (\(bind: first["nom"]!), \(bind: pivot), \(bind: first["code_insee"] ?? ""), \(bind: first["code_postal"]!),
                      \(bind: PlaceState.qualified.rawValue), \(bind: now), \(bind: now))
                    """))
                try await tx.sql.raw("""
                    INSERT INTO place_decisions (place_id, from_state, to_state, actor, reason, decided_at)
                    VALUES (\(bind: place.rawValue), \(bind: PlaceState.draft.rawValue), \(bind: PlaceState.qualified.rawValue), \(bind: actor.name), 'imported from an open-data file', \(bind: now))
                    """).run()
                let sites = group.map { entry in
                    ApplicationData.Site(name: entry.record["nom"]!, address: entry.record["adresse"]!, postcode: entry.record["code_postal"]!,
                                         communeCode: entry.record["code_insee"] ?? "", communeName: entry.record["commune"]!,
                                         latitude: entry.record["latitude"].flatMap(Double.init), longitude: entry.record["longitude"].flatMap(Double.init))
                }
                try await tx.replaceSites(sites, place: place, records: group.map(\.record))
            }
        }
        report.places = groups.count
        report.sites = records.count
        return report
    }
}
