import Foundation
import PassnumPersistence
import Vapor

/// `passnum import-places FILE.csv`: imports places from a file in the national open-data standard. Every row
/// is checked first (the standard's rules, a valid SIRET as pivot); if any is refused, nothing is imported and each
/// refused line is listed with its reasons. Places open less than the charter's 24 hours a week are imported waiting
/// for the operator's review, each listed.
struct ImportPlacesCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "A CSV file in the LaMednum standard-mediation-num v1.0.2 format")
        var file: String
    }

    var help: String { "Imports places from a CSV file in the national open-data standard (all rows or none)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: signature.file)) } catch { throw UsageError.file("read", signature.file, error) }
        guard let text = String(data: data, encoding: .utf8) else { throw UsageError("cannot read \(signature.file) as UTF-8 text") }
        let rows: [(line: Int, record: OpenData.Record)]
        do { rows = try OpenData.parseCSV(text) } catch let error as OpenData.ParseError { throw UsageError(error.description) }
        let report = try await context.application.store.importPlaces(rows, actor: .placeImport(file: signature.file))
        if report.rejected.isEmpty {
            context.console.print("imported \(report.places) places with \(report.sites) sites")
            for waiting in report.waiting {
                context.console.print("line \(waiting.line): not qualified, \(waiting.reason)")
            }
            if !report.withoutHours.isEmpty {
                context.console.print("\(report.withoutHours.count) places qualified without opening hours in the file (the charter's 24 hours a week not checked), first at line \(report.withoutHours[0])")
            }
        } else {
            for rejected in report.rejected {
                context.console.print("line \(rejected.line): \(rejected.reasons.joined(separator: "; "))")
            }
            throw UsageError("\(report.rejected.count) of \(rows.count) rows refused; nothing was imported")
        }
    }
}
