import Testing
@testable import PassnumPrint

@Suite("Printer CSV")
struct PrinterCSVTests {
    @Test("The file starts with a byte order mark and a header line")
    func header() {
        let header = PrinterCSV.header()
        #expect(header.hasPrefix("\u{FEFF}Carnet;Rang dans le carnet;Numéro;Code;"))
        #expect(header.hasSuffix("\r\n"))
        #expect(parse(String(header.dropFirst())) == [PrinterCSV.columns])
    }

    @Test("Each check is one row with every printed field")
    func rows() {
        let booklet = Sample.booklets[2]
        let rows = parse(PrinterCSV.rows(design: Sample.design, booklet: booklet))

        #expect(rows.count == booklet.checks.count)
        for (index, (row, check)) in zip(rows, booklet.checks).enumerated() {
            #expect(row == [
                booklet.number, String(index + 1), check.serial, check.code, check.url, Sample.design.funderName,
                Sample.design.funderText, Sample.design.programmeName, "10 €", "31/12/2027", Sample.design.finderURL,
            ])
        }
    }

    @Test("Separators, quotes and line breaks are quoted, and formulas defused")
    func escaping() {
        var design = Sample.design
        design.funderName = #"Ville de "Lyon"; 3e"#
        design.funderText = "=HYPERLINK(\"http://evil\")\nligne 2"
        design.programmeName = "+33 6 00"
        design.faceValue = "-10 €"
        design.lastValidDay = "@SUM(A1)"
        let booklet = PrintedBooklet(number: "1", checks: [Sample.booklets[0].checks[0]])

        let text = PrinterCSV.rows(design: design, booklet: booklet)
        #expect(text.contains(#";"Ville de ""Lyon""; 3e";"#))
        let row = parse(text)[0]
        #expect(row[5] == #"Ville de "Lyon"; 3e"#)
        #expect(row[6] == "'=HYPERLINK(\"http://evil\")\nligne 2")
        #expect(row[7] == "'+33 6 00")
        #expect(row[8] == "'-10 €")
        #expect(row[9] == "'@SUM(A1)")
    }
}

/// A reader for the CSV dialect written above (";", quotes doubled inside quoted cells, CRLF).
private func parse(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var cell = ""
    var quoted = false
    var characters = Array(text)[...]
    while let character = characters.popFirst() {
        if quoted {
            if character == "\"" {
                if characters.first == "\"" { cell.append("\""); characters.removeFirst() } else { quoted = false }
            } else {
                cell.append(character)
            }
        } else if character == "\"" {
            quoted = true
        } else if character == ";" {
            row.append(cell)
            cell = ""
        } else if character == "\r\n" || character == "\n" {
            row.append(cell)
            rows.append(row)
            row = []
            cell = ""
        } else {
            cell.append(character)
        }
    }
    return rows
}
