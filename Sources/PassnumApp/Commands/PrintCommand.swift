import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// `passnum print --order ID --out FILE.pdf` (or `--latest`, and `--csv` for the printers' CSV): the print-ready
/// booklets of a fulfilled order, for batch jobs. QR codes point at PASSNUM_PUBLIC_URL.
struct PrintCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "order", help: "The id of a fulfilled order")
        var order: Int64?
        @Flag(name: "latest", help: "The most recently fulfilled order")
        var latest: Bool
        @Option(name: "out", help: "The file to write (replaced if it exists)")
        var out: String?
        @Flag(name: "csv", help: "Write the CSV for professional printers instead of the PDF")
        var csv: Bool
    }

    var help: String { "Writes the print-ready booklets (PDF, or CSV with --csv) of a fulfilled order" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let store = context.application.store
        guard let out = signature.out, !out.isEmpty else { throw UsageError("give the file to write with --out FILE") }
        let id: OrderID
        switch (signature.order, signature.latest) {
        case (let order?, false): id = OrderID(order)
        case (nil, true):
            guard let latest = try await store.latestFulfilledOrder() else { throw UsageError("no order is fulfilled yet") }
            id = latest
        default: throw UsageError("give either --order ID or --latest")
        }
        let order: PrintableOrder
        do { order = try await store.printableOrder(id) } catch let error as DomainError {
            switch error {
            case .notFound: throw UsageError("order \(id) does not exist")
            case .invalidTransition(_, let from, _): throw UsageError("order \(id) is \(from), not fulfilled: its checks do not exist yet")
            default: throw UsageError(error.description)
            }
        }
        let url = URL(fileURLWithPath: out)
        // It holds every check's security code: readable by its owner only.
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0, fchmod(descriptor, 0o600) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { close(descriptor) }
            throw UsageError("cannot write \(out): \(reason)")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        defer { try? handle.close() }
        let printed = try await BookletPrinting.write(order, store: store, publicBaseURL: context.application.webSettings.publicBaseURL,
                                                      format: signature.csv ? .csv : .pdf, to: handle)
        context.console.print("order \(id): \(printed.booklets) booklets, \(printed.checks) checks written to \(out)")
    }
}
