import Foundation
import PassnumPrint
import Testing

/// The command-line tools that check the PDF independently of the code that wrote it.
enum Tool: String {
    case pdftoppm, pdftotext, pdfinfo, zbarimg

    var package: String { self == .zbarimg ? "zbar-tools" : "poppler-utils" }

    /// The tool's path; a missing tool fails the test, since skipping would hide that nothing was checked.
    func path() throws -> String {
        let path = "/usr/bin/\(rawValue)"
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "\(path) is missing: install it with `apt-get install -y \(package)`"
        )
        return path
    }

    /// Runs the tool in `directory`, with its output captured in files (pipes could fill up and block).
    func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path())
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let outputURL = directory.appendingPathComponent("\(rawValue)-\(UUID().uuidString).out")
        let errorsURL = directory.appendingPathComponent("\(rawValue)-\(UUID().uuidString).err")
        let output = try createFile(outputURL)
        let errors = try createFile(errorsURL)
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        try output.close()
        try errors.close()
        defer {
            try? FileManager.default.removeItem(at: outputURL)
            try? FileManager.default.removeItem(at: errorsURL)
        }
        return (
            process.terminationStatus,
            try String(contentsOf: outputURL, encoding: .utf8),
            try String(contentsOf: errorsURL, encoding: .utf8)
        )
    }
}

/// An empty file, opened for writing.
func createFile(_ url: URL) throws -> FileHandle {
    try #require(FileManager.default.createFile(atPath: url.path, contents: nil), "cannot create \(url.path)")
    return try FileHandle(forWritingTo: url)
}

/// Runs `body` in a fresh directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-print-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// Writes `booklets` to `file` and returns the file's bytes.
@discardableResult
func renderPDF(design: BookletDesign, booklets: [PrintedBooklet], to file: URL) throws -> [UInt8] {
    let handle = try createFile(file)
    var writer = BookletPDFWriter(design: design, output: handle)
    for booklet in booklets { try writer.add(booklet) }
    try writer.finish()
    try handle.close()
    return Array(try Data(contentsOf: file))
}

enum Sample {
    /// Accents, typographic quotes, a € sign, and a funder name far too long for a coupon.
    static let design = BookletDesign(
        funderName: "Communauté de communes du Haut-Béarn, des Vallées d'Aspe, d'Ossau et de Barétous — Service de la médiation et de l'inclusion numérique",
        funderText: "Offert par votre mairie : « Être à l'aise avec le numérique, ça s'apprend ! » Accompagnement gratuit près de chez vous.",
        programmeName: "Pass numérique Béarn 2026",
        faceValue: "10 €",
        lastValidDay: "31/12/2027",
        finderURL: "https://passnum.example.fr/lieux/bearn-2026",
        howToUse: [
            "Présentez un chèque par heure d'accompagnement dans un lieu partenaire.",
            "Le lieu scanne le QR code ou saisit le numéro et le code du chèque.",
            "Chaque chèque ne sert qu'une fois ; il n'est ni remboursé ni échangé.",
        ]
    )

    /// Two booklets of 10 checks and one of 3 (a partly filled coupon page).
    static let booklets = [
        booklet(number: "000101", firstSequence: 1, count: 10),
        booklet(number: "000102", firstSequence: 11, count: 10),
        booklet(number: "000103", firstSequence: 21, count: 3),
    ]

    static func booklet(number: String, firstSequence: Int, count: Int) -> PrintedBooklet {
        let checks = (firstSequence..<firstSequence + count).map { sequence -> PrintedCheck in
            let digits = "1000000" + String(format: "%04d", sequence) + String(sequence % 10)
            let grouped = stride(from: 0, to: 12, by: 4).map { start in
                String(digits.dropFirst(start).prefix(4))
            }.joined(separator: " ")
            let code = String(format: "K%02dQ7XW4MZR%02d", sequence % 100, (sequence * 37) % 100)
            let codeGrouped = stride(from: 0, to: 13, by: 4).map { start in
                String(code.dropFirst(start).prefix(4))
            }.joined(separator: " ")
            // Lower case in the URL: a decoder would see it folded to capitals if case were lost.
            return PrintedCheck(serial: grouped, code: codeGrouped, url: "https://passnum.example.fr/c/\(digits)-\(code)")
        }
        return PrintedBooklet(number: number, checks: checks)
    }
}
