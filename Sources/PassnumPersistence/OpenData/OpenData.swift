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
        for (field, value) in record.sorted(by: { $0.key < $1.key }) where ControlCharacters.occur(in: value) {
            problems.append("\(field) holds a control character (other than tab and line breaks)")
        }
        return problems
    }

    /// CSV as the standard publishes it: UTF-8, comma-separated, every field quoted, header first.
    public static func csv(_ records: [Record]) -> String {
        csvHeader + csvLines(records)
    }

    public static var csvHeader: String { fields.map(quoted).joined(separator: ",") + "\r\n" }

    /// Lines of `csv` without the header: the CSV is written a page at a time.
    public static func csvLines(_ records: [Record]) -> String {
        var text = ""
        for record in records {
            for (index, field) in fields.enumerated() {
                if index > 0 { text += "," }
                appendQuoted(record[field] ?? "", to: &text)
            }
            text += "\r\n"
        }
        return text
    }

    private static func quoted(_ value: String) -> String {
        var text = ""
        appendQuoted(value, to: &text)
        return text
    }

    /// `value` between double quotes, its own doubled. Not `replacingOccurrences`: on Linux it goes through NSString,
    /// and it was most of the time of the national file (13 334 sites).
    private static func appendQuoted(_ value: String, to text: inout String) {
        text += "\""
        if value.utf8.contains(UInt8(ascii: "\"")) {
            text += value.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"")
        } else {
            text += value
        }
        text += "\""
    }

    /// JSON: an array of objects with the standard's field names, empty fields left out.
    public static func json(_ records: [Record]) throws -> Data {
        Data((jsonOpening + (try jsonElements(records, first: true)) + jsonClosing).utf8)
    }

    /// The pieces of `json`, to write it a page at a time: the same bytes as the whole array pretty-printed at once.
    public static let jsonOpening = "[\n"
    public static let jsonClosing = "\n]"

    public static func jsonElements(_ records: [Record], first: Bool) throws -> String {
        var text = ""
        for (index, record) in records.enumerated() {
            if !(first && index == 0) { text += ",\n" }
            try FlatJSON.appendPrettyElement(record.filter { !$0.value.isEmpty }, to: &text)
        }
        return text
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

extension OpenData {
    /// A site's record in the standard. Imported sites keep their record as it came; sites from an application are
    /// described here.
    static func record(site: PublicEntry.Site, id siteID: PlaceSiteID, stored: String, pivot: String, organisation: ApplicationData.Organisation?,
                       services: ApplicationData.Services?, hours: ApplicationData.Hours?, updated: String) -> Record {
        var record = (try? JSONDecoder().decode(Record.self, from: Data(stored.utf8))) ?? [:]
        let imported = !record.isEmpty
        if record["id", default: ""].isEmpty { record["id"] = "passnum-lieu-\(siteID)" }
        record["pivot"] = pivot
        record["nom"] = site.name
        record["commune"] = site.communeName
        record["code_postal"] = site.postcode
        record["code_insee"] = site.communeCode ?? ""
        record["adresse"] = site.address
        if let latitude = site.latitude { record["latitude"] = Store.coordinate(latitude) }
        if let longitude = site.longitude { record["longitude"] = Store.coordinate(longitude) }
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
        if !detail.contains(passNumeriqueSentence) {
            record["presentation_detail"] = detail.isEmpty ? passNumeriqueSentence : detail + " " + passNumeriqueSentence
        }
        return record.filter { fields.contains($0.key) }
    }
}

/// A page of the open data and where the next one starts.
public struct OpenDataPage: Sendable {
    public struct Position: Sendable, Equatable {
        let place: PlaceID
        let site: Int64
    }

    public let records: [OpenData.Record]
    public let next: Position?
}

public struct ImportReport: Sendable {
    /// Lines refused, with their reasons. When not empty, nothing was imported.
    public var rejected: [(line: Int, reasons: [String])] = []
    public var places = 0
    public var sites = 0
    /// Places imported but not qualified, by their first line: their hours are below the State's charter (24 hours
    /// a week), so they wait for the operator's review like an application.
    public var waiting: [(line: Int, reason: String)] = []
    /// Places qualified without the charter checked: the file gives no opening hours for any of their sites.
    public var withoutHours: [Int] = []
}

extension Store {
    /// Every site of every qualified place with a SIRET, as records of the standard, from the public index. For
    /// small uses and tests: the web answers stream `openDataPage`s.
    public func openDataRecords() async throws -> [OpenData.Record] {
        var records: [OpenData.Record] = []
        var after: OpenDataPage.Position?
        repeat {
            let page = try await openDataPage(after: after)
            records += page.records
            after = page.next
        } while after != nil
        return records
    }

    /// One page of the open data, in place then site order.
    public func openDataPage(after position: OpenDataPage.Position? = nil, limit: Int = 500) async throws -> OpenDataPage {
        let limit = min(max(limit, 1), 5000)
        let after: SQLQueryString = position.map { " AND (place_id, position) > (\(bind: $0.place.rawValue), \(bind: $0.site))" } ?? ""
        let rows = try await read { tx in
            try await tx.sql.raw("""
                SELECT place_id, position, open_data FROM public_sites WHERE open_data IS NOT NULL\(after)
                ORDER BY place_id, position LIMIT \(bind: Int64(limit))
                """).all()
        }
        var records: [OpenData.Record] = []
        for row in rows {
            guard let record = FlatJSON.object(try row.string("open_data")) else { throw CorruptValue(column: "public_sites.open_data") }
            records.append(record)
        }
        let next = try rows.count == limit ? rows.last.map { OpenDataPage.Position(place: PlaceID(try $0.int("place_id")), site: try $0.int("position")) } : nil
        return OpenDataPage(records: records, next: next)
    }

    /// Shortest text that reads back as the same Double ("43.52609", not "43.526090000000003").
    static func coordinate(_ value: Double) -> String { "\(value)" }

    /// Imports places from records of the standard: every record is checked first; if any is refused, nothing
    /// is imported and the report lists every refused line with its reasons. Records with the same pivot are
    /// one place with several sites. Imported places are qualified (the file comes from an operator that
    /// already qualified them), and the decision is journaled with `actor`, unless their hours are below the State's
    /// charter: those wait for the operator's review (`ImportReport.waiting`). A pivot must be a valid SIRET.
    public func importPlaces(_ records: [(line: Int, record: OpenData.Record)], actor: Actor) async throws -> ImportReport {
        var report = ImportReport()
        var ids = Set<String>()
        for (line, record) in records {
            var problems = OpenData.problems(in: record)
            if let id = record["id"], !ids.insert(id).inserted { problems.append("id \(id) appears twice") }
            // The pivot becomes the place's SIRET: a wrong check digit is a typing error, refused like in the application.
            if let pivot = record["pivot"], !pivot.isEmpty, case .failure(let problem) = Siret.check(pivot) {
                problems.append(problem == .badChecksum ? "pivot \(pivot) is not a valid SIRET (its check digit is wrong)"
                                                        : "pivot \(pivot) is not a SIRET (14 digits)")
            }
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
        // The State's charter (24 hours a week), on the most open site whose hours the file gives. Below it, the place is
        // imported waiting for review rather than refused: the rest of the file is fine, and the operator may still
        // qualify it with a reason (`changePlaceState`), as for an application.
        var states: [String: (state: PlaceState, reason: String)] = [:]
        for (pivot, group) in groups {
            let given = group.compactMap { $0.record["horaires"] }.filter { !$0.isEmpty }
            guard !given.isEmpty else {
                report.withoutHours.append(group[0].line)
                states[pivot] = (.qualified, RecordedReason.imported.text)
                continue
            }
            let opening = WeeklyOpening.most(given.map(OpeningHours.weekly))
            if PlaceCharter.met(by: opening) {
                states[pivot] = (.qualified, RecordedReason.imported.text)
            } else {
                let minutes: Int64? = if case .minutes(let minutes) = opening { Int64(minutes) } else { nil }
                let reason = RecordedReason.importedWaiting(minutes: minutes).text
                report.waiting.append((group[0].line, reason))
                states[pivot] = (.submitted, reason)
            }
        }
        let decisions = states
        try await transaction { tx in
            var imported: [PlaceID] = []
            for (pivot, group) in groups {
                let first = group[0].record
                let decided = decisions[pivot] ?? (.submitted, RecordedReason.imported.text)
                let place = PlaceID(try await tx.insertReturningID("""
                    INSERT INTO places (name, siret, commune, postcode, state, created_at, updated_at)
                    VALUES (\(bind: first["nom"]!), \(bind: pivot), \(bind: first["code_insee"] ?? ""), \(bind: first["code_postal"]!),
                      \(bind: decided.state.rawValue), \(bind: now), \(bind: now))
                    """))
                try await tx.sql.raw("""
                    INSERT INTO place_decisions (place_id, from_state, to_state, actor, reason, decided_at)
                    VALUES (\(bind: place.rawValue), \(bind: PlaceState.draft.rawValue), \(bind: decided.state.rawValue), \(bind: actor.name), \(bind: decided.reason), \(bind: now))
                    """).run()
                let sites = group.map { entry in
                    ApplicationData.Site(name: entry.record["nom"]!, address: entry.record["adresse"]!, postcode: entry.record["code_postal"]!,
                                         communeCode: entry.record["code_insee"] ?? "", communeName: entry.record["commune"]!,
                                         latitude: entry.record["latitude"].flatMap(Double.init), longitude: entry.record["longitude"].flatMap(Double.init))
                }
                try await tx.replaceSites(sites, place: place, records: group.map(\.record))
                imported.append(place)
            }
            try await tx.refreshPublicPlaces(imported, at: Date(millis: now))
        }
        report.places = groups.count
        report.sites = records.count
        return report
    }
}
