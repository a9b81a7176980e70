import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// `passnum invoices export --month YYYY-MM [--out DIR]`: the month's invoices and credit notes as Factur-X XML files
/// (`<number>.xml`), ready to upload to Chorus Pro. Read a batch at a time: a month of thousands of documents holds a
/// batch in memory, never the month.
struct InvoicesCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "export")
        var action: String
        @Option(name: "month", help: "YYYY-MM: the month the documents were issued in (Paris time)")
        var month: String?
        @Option(name: "out", help: "the directory to write to (created if missing; default: the current directory)")
        var out: String?
    }

    var help: String { "Writes a month's invoices and credit notes as Factur-X (CII, EN 16931) XML files for Chorus Pro" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "export" else { throw UsageError("unknown action \(signature.action); known: export") }
        guard let text = signature.month else { throw UsageError("--month YYYY-MM is required") }
        guard let month = Month(text) else {
            throw UsageError("--month \(text) is not a month: expected YYYY-MM between \(Month.earliest) and \(Month.latest)")
        }
        let directory = URL(fileURLWithPath: signature.out ?? FileManager.default.currentDirectoryPath, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw UsageError.file("create", directory.path, error)
        }
        let store = context.application.store
        let seller = store.configuration.operatorAccount
        var invoices = 0, creditNotes = 0
        try await store.forEachEDocument(issuedIn: month) { document in
            let xml: String
            do {
                xml = try FacturXWording.xml(document, seller: seller)
            } catch {
                throw UsageError("\(document.number): \(error)")
            }
            // Numbers are "F-2026-00001": nothing else reaches a file name.
            guard document.number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                throw UsageError("document number \(document.number) cannot name a file")
            }
            let file = directory.appendingPathComponent(FacturXWording.filename(document))
            do {
                try Data(xml.utf8).write(to: file, options: .atomic)
            } catch {
                throw UsageError.file("write", file.path, error)
            }
            if case .invoice = document { invoices += 1 } else { creditNotes += 1 }
        }
        context.console.print("exported \(invoices + creditNotes) e-invoices for \(month) (\(invoices) invoices, \(creditNotes) credit notes) to \(directory.path)")
    }
}
