import Foundation
import PassnumDomain
import PassnumPersistence
import PassnumPrint

/// Prints a fulfilled order's booklets from the database: the PDF for the funder's own printer, or the CSV for a
/// professional printer. Booklets are read and written 100 at a time, so memory stays flat whatever the order's size.
enum BookletPrinting {
    enum Format: Sendable { case pdf, csv }

    /// Writes the order to `output`; returns how many booklets and checks were printed.
    /// `publicBaseURL` comes without a trailing slash (`WebSettings`).
    static func write(_ order: PrintableOrder, store: Store, publicBaseURL base: String, format: Format, to output: FileHandle) async throws -> (booklets: Int, checks: Int) {
        let design = self.design(order, base: base)
        var pdf = format == .pdf ? BookletPDFWriter(design: design, output: output) : nil
        if format == .csv { try output.write(contentsOf: Data(PrinterCSV.header().utf8)) }
        var after: BookletID? = nil
        var (booklets, checks) = (0, 0)
        while true {
            let page = try await store.printableBooklets(order: order.order, after: after, limit: 100)
            guard let last = page.last else { break }
            for booklet in page {
                let printed = PrintedBooklet(number: booklet.id.description, checks: booklet.checks.map { serial in
                    let code = store.secret.securityCode(for: serial)
                    return PrintedCheck(serial: serial.grouped, code: code.grouped, url: base + SiteURL.qr("\(serial.compact)-\(code.canonical)").path)
                })
                if pdf != nil { try pdf!.add(printed) } else { try output.write(contentsOf: Data(PrinterCSV.rows(design: design, booklet: printed).utf8)) }
                checks += printed.checks.count
            }
            booklets += page.count
            after = last.id
        }
        try pdf?.finish()
        return (booklets, checks)
    }

    static func design(_ order: PrintableOrder, base: String) -> BookletDesign {
        let terms = order.programme.terms
        let last = terms.lastRedemptionDay
        return BookletDesign(
            funderName: order.funderName, funderText: terms.bookletText, programmeName: terms.name,
            faceValue: euros(terms.faceValue), lastValidDay: French.numericDate(last),
            finderURL: base + SiteURL.places.path,
            howToUse: [
                "Ce carnet est à votre nom. Gardez-le avec vous.",
                "Allez dans un lieu qui accepte le Pass numérique.",
                "Chaque chèque paie tout ou une partie d’un atelier ou d’un accompagnement.",
                "Le lieu garde les chèques utilisés. Gardez les autres pour la suite.",
                "Pour vérifier un chèque : " + base + SiteURL.checkStatus.path,
            ])
    }

    /// "10 €", or "7,50 €" when there are cents.
    static func euros(_ amount: Money) -> String {
        amount.cents % 100 == 0 ? "\(amount.cents / 100) €" : amount.plainDecimal + " €"
    }
}
