import Foundation

/// Writes the booklets of an order as one PDF for the printer: per booklet a cover page, then its
/// checks as coupons, ten to an A4 page.
///
/// The document streams: each booklet goes to `output` as soon as it is added, and only the offset of
/// each object and the number of each page are kept, so a 20 000-check order needs no more memory than
/// a 20-check one. What every coupon shares (funder, programme, mentions) is drawn once, as a form the
/// pages reuse; a coupon page then only adds the serials, the codes and the QR images.
///
/// The caller owns `output`: it is neither closed nor synchronised here. After an error thrown by
/// `add` or `finish` other than a refused booklet (`PrintError`), the file is incomplete: discard it.
public struct BookletPDFWriter {
    private var pdf: PDFObjectWriter
    private let cover: CoverLayout
    private let coupon: CouponLayout
    private let pagesID: Int
    private let fontsID: Int
    private let catalogID: Int
    private let infoID: Int
    private let couponFormID: Int
    private let coverFormID: Int
    /// The /Kids of the page tree, written at the end: the one list that grows with the order, 8 bytes
    /// per page.
    private var pageIDs: [Int] = []
    private var finished = false

    public init(design: BookletDesign, output: FileHandle) {
        pdf = PDFObjectWriter(output: output)
        cover = CoverLayout(design: design)
        coupon = CouponLayout(design: design)
        catalogID = pdf.reserve()
        // Reserved now so every page can name its parent; written by `finish` once the pages are known.
        pagesID = pdf.reserve()
        fontsID = pdf.reserve()
        infoID = pdf.reserve()
        couponFormID = pdf.reserve()
        coverFormID = pdf.reserve()

        pdf.write(catalogID, "<< /Type /Catalog /Pages \(pagesID) 0 R >>")
        pdf.write(infoID, "<< /Producer (passnum) >>")
        let regularID = pdf.reserve()
        let boldID = pdf.reserve()
        pdf.write(fontsID, "<< /\(PDFFont.regular.resourceName) \(regularID) 0 R /\(PDFFont.bold.resourceName) \(boldID) 0 R >>")
        for (id, font) in [(regularID, PDFFont.regular), (boldID, PDFFont.bold)] {
            pdf.write(id, "<< /Type /Font /Subtype /Type1 /BaseFont /\(font.baseFont) /Encoding /WinAnsiEncoding >>")
        }
        writeForm(couponFormID, width: CouponSheet.cellWidth, height: CouponSheet.cellHeight, content: coupon.form)
        writeForm(coverFormID, width: Page.width, height: Page.height, content: cover.form)
    }

    /// Writes one booklet: its cover page, then its coupon pages.
    public mutating func add(_ booklet: PrintedBooklet) throws {
        guard !finished else { throw PrintError.documentFinished }
        guard !booklet.checks.isEmpty else { throw PrintError.emptyBooklet(number: booklet.number) }
        // Encoded before anything is written, so a refused URL leaves no half booklet in the file.
        let codes = try booklet.checks.map { try QRCode.encode($0.url) }

        writePage(content: cover.page(booklet: booklet), xObjects: [("Cover", coverFormID)])
        let perPage = CouponSheet.slots
        for first in stride(from: 0, to: booklet.checks.count, by: perPage) {
            let range = first..<min(first + perPage, booklet.checks.count)
            var images: [(String, Int)] = [("Coupon", couponFormID)]
            for index in range {
                let (side, bits) = codes[index].grayBitmap()
                let imageID = pdf.reserve()
                // 1 bit per module, no interpolation: the modules stay sharp squares at any zoom.
                pdf.writeStream(
                    imageID,
                    dictionary: "/Type /XObject /Subtype /Image /Width \(side) /Height \(side) /ColorSpace /DeviceGray /BitsPerComponent 1 /Interpolate false",
                    data: bits
                )
                images.append(("Q\(index - first)", imageID))
            }
            let content = coupon.page(booklet: booklet, checks: range)
            writePage(content: content, xObjects: images)
        }
        try pdf.flush(force: true)
    }

    /// Writes the page tree and the cross-reference table. The writer cannot be used afterwards.
    public mutating func finish() throws {
        guard !finished else { throw PrintError.documentFinished }
        finished = true
        var kids = PDFBytes(capacity: pageIDs.count * 10)
        for id in pageIDs { kids.append("\(id) 0 R ") }
        pdf.write(pagesID, "<< /Type /Pages /Count \(pageIDs.count) /Kids [ \(String(decoding: kids.bytes, as: UTF8.self))] >>")
        pageIDs = []
        try pdf.finish(root: catalogID, info: infoID)
    }

    private mutating func writeForm(_ id: Int, width: Double, height: Double, content: PDFBytes) {
        var box = PDFBytes()
        box.number(width)
        box.append(" ")
        box.number(height)
        pdf.writeStream(
            id,
            dictionary: "/Type /XObject /Subtype /Form /BBox [0 0 \(String(decoding: box.bytes, as: UTF8.self))] /Resources << /Font \(fontsID) 0 R >>",
            data: content.bytes
        )
    }

    private mutating func writePage(content: PDFBytes, xObjects: [(String, Int)]) {
        let contentID = pdf.reserve()
        pdf.writeStream(contentID, dictionary: "", data: content.bytes)
        let pageID = pdf.reserve()
        let names = xObjects.map { "/\($0.0) \($0.1) 0 R" }.joined(separator: " ")
        pdf.write(
            pageID,
            "<< /Type /Page /Parent \(pagesID) 0 R /MediaBox [0 0 \(Page.widthText) \(Page.heightText)] /Resources << /Font \(fontsID) 0 R /XObject << \(names) >> >> /Contents \(contentID) 0 R >>"
        )
        pageIDs.append(pageID)
    }
}

/// A4 portrait, in points.
enum Page {
    static let width = 595.28
    static let height = 841.89
    static let widthText = "595.28"
    static let heightText = "841.89"
}

/// Where the coupons sit on a page: 2 columns × 5 rows inside a 10 mm margin, which every office and
/// print-shop printer can reach.
enum CouponSheet {
    static let columns = 2
    static let rows = 5
    static let slots = columns * rows
    static let margin = 28.35
    static let cellWidth = (Page.width - 2 * margin) / Double(columns)
    static let cellHeight = (Page.height - 2 * margin) / Double(rows)

    /// Bottom-left corner of slot `slot`, filled left to right, then top to bottom.
    static func origin(slot: Int) -> (x: Double, y: Double) {
        let column = slot % columns
        let row = slot / columns
        return (margin + Double(column) * cellWidth, Page.height - margin - Double(row + 1) * cellHeight)
    }
}

extension PDFBytes {
    /// One line of text with its baseline starting at (x, y).
    mutating func text(_ text: WinAnsiText, font: PDFFont, size: Double, x: Double, y: Double) {
        guard !text.bytes.isEmpty else { return }
        append("BT /\(font.resourceName) ")
        number(size)
        append(" Tf ")
        operation([1, 0, 0, 1, x, y], "Tm")
        literal(text)
        append(" Tj ET\n")
    }

    mutating func line(from start: (Double, Double), to end: (Double, Double)) {
        operation([start.0, start.1], "m")
        operation([end.0, end.1], "l")
        append("S\n")
    }
}

/// The coupon: everything but the serial, the code and the QR code is the same on every coupon of the
/// order, and goes into a form drawn once per coupon.
struct CouponLayout {
    static let padding = 10.0
    /// The QR image with its 4-module quiet zone: 96 pt (33.9 mm), so the symbol itself is about 27 mm
    /// wide for the usual version-4 URLs; large modules scan well even from a worn coupon.
    static let qrBox = 96.0
    static let valueFont = PDFFont.bold
    static let valueSize = 10.0

    let form: PDFBytes
    private let serialX: Double
    private let codeX: Double
    private let valueWidth: (serial: Double, code: Double)
    private let serialY: Double
    private let codeY: Double

    /// Below it, the left column of texts and the QR code.
    static let separatorY = CouponSheet.cellHeight - 46
    /// Bottom-left corner of the QR image in the coupon, centred in the height under the separator.
    static let qrOrigin = (
        x: CouponSheet.cellWidth - padding - qrBox,
        y: padding + (separatorY - padding - qrBox) / 2
    )

    init(design: BookletDesign) {
        let width = CouponSheet.cellWidth
        let height = CouponSheet.cellHeight
        let padding = Self.padding
        let inner = width - 2 * padding
        let separatorY = Self.separatorY
        let columnWidth = Self.qrOrigin.x - padding - 8
        var form = PDFBytes(capacity: 2048)

        // Top band, across the whole coupon: who offers the check.
        // A long name first gets smaller type, down to what is still easy to read, and only then "…".
        let funderName = WinAnsiText(design.funderName)
        var nameSize = 10.5
        while nameSize > 8.5 && PDFFont.bold.width(of: funderName, size: nameSize) > inner { nameSize -= 0.5 }
        form.text(PDFFont.bold.truncate(funderName, size: nameSize, maxWidth: inner), font: .bold, size: nameSize, x: padding, y: height - 20)
        let funderLines = PDFFont.regular.wrap(WinAnsiText(design.funderText), size: 7.5, maxWidth: inner, maxLines: 2)
        for (index, line) in funderLines.enumerated() {
            form.text(line, font: .regular, size: 7.5, x: padding, y: height - 31 - 9 * Double(index))
        }
        form.append("q 0.6 G 0.5 w\n")
        form.line(from: (padding, separatorY), to: (width - padding, separatorY))
        form.append("Q\n")

        // Left column: what the check is worth and how to recognise it.
        form.text(PDFFont.bold.truncate(WinAnsiText(design.programmeName), size: 8, maxWidth: columnWidth), font: .bold, size: 8, x: padding, y: separatorY - 12)
        let faceValue = WinAnsiText(design.faceValue)
        var faceSize = 24.0
        while faceSize > 10 && PDFFont.bold.width(of: faceValue, size: faceSize) > columnWidth { faceSize -= 1 }
        form.text(PDFFont.bold.truncate(faceValue, size: faceSize, maxWidth: columnWidth), font: .bold, size: faceSize, x: padding, y: separatorY - 40)

        let labelSize = 8.5
        serialY = separatorY - 55
        codeY = separatorY - 67
        let serialLabel = WinAnsiText("N° ")
        let codeLabel = WinAnsiText("Code ")
        form.text(serialLabel, font: .regular, size: labelSize, x: padding, y: serialY)
        form.text(codeLabel, font: .regular, size: labelSize, x: padding, y: codeY)
        serialX = padding + PDFFont.regular.width(of: serialLabel, size: labelSize)
        codeX = padding + PDFFont.regular.width(of: codeLabel, size: labelSize)
        valueWidth = (columnWidth - (serialX - padding), columnWidth - (codeX - padding))

        let validity = WinAnsiText("Valable jusqu'au \(design.lastValidDay)")
        form.text(PDFFont.regular.truncate(validity, size: 7.5, maxWidth: columnWidth), font: .regular, size: 7.5, x: padding, y: separatorY - 80)
        let mention = PDFFont.regular.wrap(WinAnsiText("Ne peut être échangé contre des espèces"), size: 7, maxWidth: columnWidth, maxLines: 2)
        for (index, line) in mention.enumerated() {
            form.text(line, font: .regular, size: 7, x: padding, y: separatorY - 91 - 8 * Double(index))
        }
        self.form = form
    }

    /// A page of coupons: cut lines, then for each check the shared form, its serial, code and QR code
    /// (image `/Q<n>` for the n-th check of the page).
    func page(booklet: PrintedBooklet, checks range: Range<Int>) -> PDFBytes {
        var content = PDFBytes(capacity: 4096)
        let header = WinAnsiText("Carnet \(booklet.number) · chèques \(range.lowerBound + 1) à \(range.upperBound) sur \(booklet.checks.count)")
        content.append("q 0.4 g\n")
        content.text(PDFFont.regular.truncate(header, size: 7, maxWidth: Page.width - 2 * CouponSheet.margin - 24), font: .regular, size: 7, x: CouponSheet.margin + 12, y: Page.height - CouponSheet.margin + 10)
        content.append("Q\n")
        cutLines(count: range.count, into: &content)
        for (slot, check) in booklet.checks[range].enumerated() {
            let origin = CouponSheet.origin(slot: slot)
            content.append("q ")
            content.operation([1, 0, 0, 1, origin.x, origin.y], "cm")
            content.append("/Coupon Do\n")
            content.text(Self.valueFont.truncate(WinAnsiText(check.serial), size: Self.valueSize, maxWidth: valueWidth.serial), font: Self.valueFont, size: Self.valueSize, x: serialX, y: serialY)
            content.text(Self.valueFont.truncate(WinAnsiText(check.code), size: Self.valueSize, maxWidth: valueWidth.code), font: Self.valueFont, size: Self.valueSize, x: codeX, y: codeY)
            content.append("q ")
            content.operation([Self.qrBox, 0, 0, Self.qrBox, Self.qrOrigin.x, Self.qrOrigin.y], "cm")
            content.append("/Q\(slot) Do Q\nQ\n")
        }
        return content
    }

    /// Thin dashed lines along every edge of the used cells, running a little into the margin so the
    /// guillotine can be lined up from the outside.
    private func cutLines(count: Int, into content: inout PDFBytes) {
        let margin = CouponSheet.margin
        let (cellWidth, cellHeight) = (CouponSheet.cellWidth, CouponSheet.cellHeight)
        let overrun = 6.0
        let rows = (count + 1) / 2
        let fullRows = count / 2
        let top = Page.height - margin
        func columnsInRow(_ row: Int) -> Int { row < fullRows ? 2 : (row < rows ? 1 : 0) }
        content.append("q 0.55 G 0.4 w [4 3] 0 d\n")
        for boundary in 0...rows {
            let columns = max(boundary > 0 ? columnsInRow(boundary - 1) : 0, columnsInRow(boundary))
            let y = top - Double(boundary) * cellHeight
            content.line(from: (margin - overrun, y), to: (margin + Double(columns) * cellWidth + overrun, y))
        }
        for column in 0...2 {
            let rowsReached = column < 2 ? rows : fullRows
            guard rowsReached > 0 else { continue }
            let x = margin + Double(column) * cellWidth
            content.line(from: (x, top + overrun), to: (x, top - Double(rowsReached) * cellHeight - overrun))
        }
        content.append("Q\n")
    }
}

/// The cover of a booklet: the funder, the programme, a line for the beneficiary's name, where and how
/// to use the checks. Only the booklet number and its number of checks change from one cover to the next.
struct CoverLayout {
    static let margin = 56.69
    static let contentWidth = Page.width - 2 * margin

    let form: PDFBytes
    private let numberY: Double
    private let countY: Double
    private let faceValue: String

    init(design: BookletDesign) {
        let left = Self.margin
        let width = Self.contentWidth
        var form = PDFBytes(capacity: 4096)
        var y = Page.height - Self.margin - 20

        for line in PDFFont.bold.wrap(WinAnsiText(design.funderName), size: 22, maxWidth: width, maxLines: 3) {
            form.text(line, font: .bold, size: 22, x: left, y: y)
            y -= 27
        }
        y += 8
        for line in PDFFont.regular.wrap(WinAnsiText(design.funderText), size: 11, maxWidth: width, maxLines: 4) {
            form.text(line, font: .regular, size: 11, x: left, y: y)
            y -= 14
        }
        y -= 6
        form.append("q 0.6 G 0.75 w\n")
        form.line(from: (left, y), to: (left + width, y))
        form.append("Q\n")
        y -= 30
        for line in PDFFont.bold.wrap(WinAnsiText(design.programmeName), size: 18, maxWidth: width, maxLines: 2) {
            form.text(line, font: .bold, size: 18, x: left, y: y)
            y -= 23
        }
        y -= 4
        numberY = y
        y -= 20
        countY = y
        y -= 44

        let nameLabel = WinAnsiText("Nom du bénéficiaire : ")
        form.text(nameLabel, font: .bold, size: 12, x: left, y: y)
        form.append("q 0.5 w\n")
        form.line(from: (left + PDFFont.bold.width(of: nameLabel, size: 12) + 4, y - 2), to: (left + width, y - 2))
        form.append("Q\n")
        y -= 40

        form.text(PDFFont.bold.truncate(WinAnsiText("Valable jusqu'au \(design.lastValidDay)"), size: 12, maxWidth: width), font: .bold, size: 12, x: left, y: y)
        y -= 22
        let finderLabel = WinAnsiText("Où utiliser vos chèques : ")
        let finder = WinAnsiText(design.finderURL)
        form.text(finderLabel, font: .bold, size: 12, x: left, y: y)
        let labelWidth = PDFFont.bold.width(of: finderLabel, size: 12)
        if labelWidth + PDFFont.regular.width(of: finder, size: 12) <= width {
            form.text(finder, font: .regular, size: 12, x: left + labelWidth, y: y)
            y -= 15
        } else {
            y -= 16
            // A URL must stay whole to be typed: smaller type first, splitting only as a last resort.
            var finderSize = 12.0
            while finderSize > 8 && PDFFont.regular.width(of: finder, size: finderSize) > width { finderSize -= 0.5 }
            for line in PDFFont.regular.wrap(finder, size: finderSize, maxWidth: width, maxLines: 3) {
                form.text(line, font: .regular, size: finderSize, x: left, y: y)
                y -= finderSize + 3
            }
        }
        y -= 26

        if !design.howToUse.isEmpty {
            form.text(WinAnsiText("Comment utiliser vos chèques"), font: .bold, size: 13, x: left, y: y)
            y -= 20
            let indent = 14.0
            let bottom = Self.margin + 30
            for instruction in design.howToUse {
                // Past the bottom margin the rest is cut ("…") rather than printed off the page.
                let linesLeft = Int(((y - bottom) / 15).rounded(.down)) + 1
                guard linesLeft > 0 else { break }
                let lines = PDFFont.regular.wrap(WinAnsiText(instruction), size: 11, maxWidth: width - indent, maxLines: min(4, linesLeft))
                guard !lines.isEmpty else { continue }
                form.text(WinAnsiText("•"), font: .regular, size: 11, x: left + 2, y: y)
                for line in lines {
                    form.text(line, font: .regular, size: 11, x: left + indent, y: y)
                    y -= 15
                }
                y -= 4
            }
        }
        form.append("q 0.3 g\n")
        form.text(WinAnsiText("Ces chèques ne peuvent être échangés contre des espèces. Conservez ce carnet."), font: .regular, size: 9, x: left, y: Self.margin)
        form.append("Q\n")
        self.form = form
        faceValue = design.faceValue
    }

    func page(booklet: PrintedBooklet) -> PDFBytes {
        var content = PDFBytes(capacity: 512)
        content.append("/Cover Do\n")
        let count = booklet.checks.count
        let number = WinAnsiText("Carnet n° \(booklet.number)")
        let summary = WinAnsiText("Carnet de \(count) \(count > 1 ? "chèques" : "chèque") de \(faceValue)")
        content.text(PDFFont.bold.truncate(number, size: 14, maxWidth: Self.contentWidth), font: .bold, size: 14, x: Self.margin, y: numberY)
        content.text(PDFFont.regular.truncate(summary, size: 13, maxWidth: Self.contentWidth), font: .regular, size: 13, x: Self.margin, y: countY)
        return content
    }
}
