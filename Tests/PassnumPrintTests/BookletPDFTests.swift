import Foundation
import Testing
@testable import PassnumPrint

@Suite("Booklet PDF")
struct BookletPDFTests {
    @Test("Every check's QR code decodes to its URL, and nothing else is found")
    func qrCodesDecode() throws {
        try withTemporaryDirectory { directory in
            let pdf = directory.appendingPathComponent("order.pdf")
            try renderPDF(design: Sample.design, booklets: Sample.booklets, to: pdf)

            let render = try Tool.pdftoppm.run(["-r", "150", "-png", pdf.path, "page"], in: directory)
            #expect(render.status == 0, "pdftoppm failed: \(render.errors)")
            let pages = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasPrefix("page") && $0.hasSuffix(".png") }.sorted()
            #expect(pages.count == 6)
            let scan = try Tool.zbarimg.run(["--raw", "-q"] + pages, in: directory)
            // 4 says that some image held no symbol: the covers, by design.
            #expect(scan.status == 0 || scan.status == 4, "zbarimg failed: \(scan.errors)")

            let decoded = scan.output.split(separator: "\n").map(String.init).sorted()
            let expected = Sample.booklets.flatMap(\.checks).map(\.url).sorted()
            #expect(decoded == expected)
        }
    }

    @Test("The text of every check and of the covers is in the PDF")
    func printedText() throws {
        try withTemporaryDirectory { directory in
            let pdf = directory.appendingPathComponent("order.pdf")
            try renderPDF(design: Sample.design, booklets: Sample.booklets, to: pdf)

            let extraction = try Tool.pdftotext.run(["-layout", pdf.path, "-"], in: directory)
            #expect(extraction.status == 0, "pdftotext failed: \(extraction.errors)")
            let text = extraction.output
            for check in Sample.booklets.flatMap(\.checks) {
                #expect(text.contains("N° \(check.serial)"), "serial \(check.serial) missing")
                #expect(text.contains("Code \(check.code)"), "code \(check.code) missing")
            }
            let checkCount = Sample.booklets.flatMap(\.checks).count
            #expect(occurrences(of: "10 €", in: text) >= checkCount)
            #expect(occurrences(of: "Ne peut être échangé contre des espèces", in: text) == checkCount)
            #expect(occurrences(of: "Valable jusqu'au 31/12/2027", in: text) == checkCount + Sample.booklets.count)
            // Too long for a coupon: shortened there, and wrapped (not cut) on the cover.
            #expect(text.contains("Communauté de communes du Haut-Béarn"))
            #expect(text.contains("…"))
            #expect(text.contains("« Être à l'aise avec le numérique"))
            for booklet in Sample.booklets {
                #expect(text.contains("Carnet n° \(booklet.number)"))
                #expect(text.contains("Carnet de \(booklet.checks.count) chèques de 10 €"))
            }
            #expect(occurrences(of: "Pass numérique Béarn 2026", in: text) == checkCount + Sample.booklets.count)
            #expect(occurrences(of: "Nom du bénéficiaire", in: text) == Sample.booklets.count)
            #expect(occurrences(of: "Où utiliser vos chèques : \(Sample.design.finderURL)", in: text) == Sample.booklets.count)
            #expect(text.contains("Présentez un chèque par heure d'accompagnement"))
        }
    }

    @Test("The document has a cover and coupon pages per booklet, all A4")
    func pageCountAndSize() throws {
        try withTemporaryDirectory { directory in
            let pdf = directory.appendingPathComponent("order.pdf")
            // 25 checks: a cover and 3 coupon pages (10 + 10 + 5).
            let booklets = Sample.booklets + [Sample.booklet(number: "000104", firstSequence: 30, count: 25)]
            try renderPDF(design: Sample.design, booklets: booklets, to: pdf)

            let info = try Tool.pdfinfo.run(["-f", "1", "-l", "10", pdf.path], in: directory)
            #expect(info.status == 0)
            // Poppler reports a damaged cross-reference table on stderr even when it can repair it.
            #expect(info.errors.isEmpty, "pdfinfo complained: \(info.errors)")
            #expect(info.output.contains("Pages:           10"))
            #expect(info.output.contains("PDF version:     1.4"))
            let sizes = info.output.split(separator: "\n").filter { $0.hasPrefix("Page") && $0.contains("size:") }
            #expect(sizes.count == 10)
            #expect(sizes.allSatisfy { $0.hasSuffix("595.28 x 841.89 pts (A4)") })
        }
    }

    @Test("No word leaves its coupon or the cover's margins, even with very long texts")
    func nothingOverflows() throws {
        var design = Sample.design
        design.funderName = String(repeating: "Établissement public de coopération intercommunale ", count: 6)
        design.funderText = String(repeating: "Texte très long du financeur, répété pour déborder. ", count: 12)
        design.programmeName = String(repeating: "Programme départemental ", count: 8)
        design.faceValue = "1 000 000,00 €"
        design.finderURL = "https://passnum.example.fr/lieux/" + String(repeating: "tres-long-chemin/", count: 12)
        design.howToUse = Array(repeating: String(repeating: "Une consigne bien trop longue pour une ligne. ", count: 5), count: 12)
        let booklet = PrintedBooklet(
            number: String(repeating: "9", count: 120),
            checks: [PrintedCheck(
                serial: String(repeating: "1000 ", count: 20),
                code: String(repeating: "WWWW ", count: 20),
                url: "https://passnum.example.fr/c/100000000017-ABCDEFGHJKMNP"
            )] + Sample.booklets[0].checks
        )

        try withTemporaryDirectory { directory in
            let pdf = directory.appendingPathComponent("long.pdf")
            try renderPDF(design: design, booklets: [booklet], to: pdf)
            let extraction = try Tool.pdftotext.run(["-bbox", pdf.path, "words.html"], in: directory)
            #expect(extraction.status == 0, "pdftotext failed: \(extraction.errors)")
            let pages = try parseBoundingBoxes(String(contentsOf: directory.appendingPathComponent("words.html"), encoding: .utf8))
            #expect(pages.count == 3)
            #expect(pages.allSatisfy { $0.count > 30 }, "words not found in the pdftotext output")

            let tolerance = 0.5
            for word in pages.first ?? [] {
                #expect(word.xMin >= CoverLayout.margin - tolerance && word.xMax <= Page.width - CoverLayout.margin + tolerance, "cover: \(word)")
                #expect(word.yMin >= 20 && word.yMax <= Page.height - 20, "cover: \(word)")
            }
            let cells = (0..<CouponSheet.slots).map { slot -> (x: Double, top: Double) in
                let origin = CouponSheet.origin(slot: slot)
                return (origin.x, Page.height - origin.y - CouponSheet.cellHeight)
            }
            for word in pages.dropFirst().joined() {
                let inHeader = word.yMax <= CouponSheet.margin
                let inCell = cells.contains { cell in
                    word.xMin >= cell.x - tolerance && word.xMax <= cell.x + CouponSheet.cellWidth + tolerance
                        && word.yMin >= cell.top - tolerance && word.yMax <= cell.top + CouponSheet.cellHeight + tolerance
                }
                #expect(inHeader || inCell, "coupon page: \(word)")
                let onQRCode = cells.contains { cell in
                    let left = cell.x + CouponLayout.qrOrigin.x
                    let top = cell.top + CouponSheet.cellHeight - CouponLayout.qrOrigin.y - CouponLayout.qrBox
                    return word.xMax > left && word.xMin < left + CouponLayout.qrBox
                        && word.yMax > top && word.yMin < top + CouponLayout.qrBox
                }
                #expect(!onQRCode, "text on a QR code: \(word)")
            }
        }
    }

    @Test("The cross-reference table points at every object")
    func crossReferenceTable() throws {
        try withTemporaryDirectory { directory in
            let bytes = try renderPDF(design: Sample.design, booklets: Sample.booklets, to: directory.appendingPathComponent("order.pdf"))
            let tail = String(decoding: bytes.suffix(64), as: UTF8.self)
            let startxref = try #require(tail.split(separator: "\n").dropLast().last.flatMap { Int($0) })
            #expect(String(decoding: bytes[startxref..<startxref + 5], as: UTF8.self) == "xref\n")

            let table = String(decoding: bytes[startxref...], as: UTF8.self).split(separator: "\n")
            let count = try #require(Int(table[1].split(separator: " ")[1]))
            #expect(table[2] == "0000000000 65535 f ")
            for number in 1..<count {
                let entry = table[2 + number]
                #expect(entry.utf8.count == 19 && entry.hasSuffix(" 00000 n "), "entry \(number): \(entry)")
                let offset = try #require(Int(entry.prefix(10)))
                let header = Array("\(number) 0 obj\n".utf8)
                #expect(Array(bytes[offset..<offset + header.count]) == header, "object \(number)")
            }
            #expect(String(decoding: bytes.prefix(9), as: UTF8.self) == "%PDF-1.4\n")
            #expect(tail.hasSuffix("%%EOF\n"))
        }
    }

    @Test("Each booklet reaches the file as soon as it is added")
    func streams() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("order.pdf")
            let handle = try createFile(file)
            defer { try? handle.close() }
            var writer = BookletPDFWriter(design: Sample.design, output: handle)

            try writer.add(Sample.booklets[0])
            let afterFirst = try fileSize(file)
            try writer.add(Sample.booklets[1])
            let afterSecond = try fileSize(file)
            try writer.finish()

            #expect(afterFirst > 10_000)
            #expect(afterSecond > afterFirst + 5_000)
            #expect(try fileSize(file) > afterSecond)
        }
    }

    @Test("An empty booklet, a URL too long for a QR code and a finished document are refused")
    func refusals() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("order.pdf")
            let handle = try createFile(file)
            defer { try? handle.close() }
            var writer = BookletPDFWriter(design: Sample.design, output: handle)

            #expect(throws: PrintError.emptyBooklet(number: "7")) {
                try writer.add(PrintedBooklet(number: "7", checks: []))
            }
            let tooLong = PrintedCheck(serial: "1", code: "2", url: String(repeating: "x", count: 3000))
            #expect(throws: PrintError.qrContentTooLong(tooLong.url)) {
                try writer.add(PrintedBooklet(number: "8", checks: Sample.booklets[0].checks + [tooLong]))
            }
            // The refused booklet left nothing behind: the next one still makes a valid document.
            try writer.add(Sample.booklets[2])
            try writer.finish()
            #expect(throws: PrintError.documentFinished) { try writer.add(Sample.booklets[0]) }
            #expect(throws: PrintError.documentFinished) { try writer.finish() }

            let info = try Tool.pdfinfo.run([file.path], in: directory)
            #expect(info.errors.isEmpty, "pdfinfo complained: \(info.errors)")
            #expect(info.output.contains("Pages:           2"))
        }
    }
}

private func occurrences(of needle: String, in text: String) -> Int {
    text.components(separatedBy: needle).count - 1
}

private func fileSize(_ file: URL) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int)
}

struct Word: CustomStringConvertible {
    var xMin, yMin, xMax, yMax: Double
    var text: String
    var description: String { "\"\(text)\" x \(xMin)…\(xMax) y \(yMin)…\(yMax)" }
}

/// The words of each page in `pdftotext -bbox` output, in points from the top-left corner.
func parseBoundingBoxes(_ html: String) throws -> [[Word]] {
    let word = try Regex(#"<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>"#)
    return html.components(separatedBy: "<page ").dropFirst().map { page in
        page.matches(of: word).map { match in
            let values = (1...4).map { Double(match.output[$0].substring ?? "") ?? .nan }
            return Word(xMin: values[0], yMin: values[1], xMax: values[2], yMax: values[3], text: String(match.output[5].substring ?? ""))
        }
    }
}
