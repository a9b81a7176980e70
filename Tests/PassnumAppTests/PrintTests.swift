import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

@Suite("Printable booklets from the database")
struct PrintTests {
    /// Runs a Debian tool (poppler-utils, zbar-tools), output through a file; a missing tool fails the test.
    static func tool(_ name: String, _ arguments: [String]) throws -> String {
        let path = "/usr/bin/\(name)"
        try #require(FileManager.default.isExecutableFile(atPath: path), "\(path) is missing: scripts/system-packages --test installs it")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-tool-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return try String(contentsOf: output, encoding: .utf8)
    }

    /// A funder with a fulfilled order of 2 booklets and a draft order.
    static func territory(_ store: Store) async throws -> (fulfilled: OrderID, draft: OrderID) {
        let funder = try await store.createFunder(name: "Département du Nord")
        let programme = try await store.createProgramme(funder: funder, terms: ProgrammeTerms(
            name: "Pass numérique Nord 2026", validFrom: CivilDate("2026-03-01")!, validUntil: CivilDate("2026-06-30")!,
            perimeter: Perimeter(departements: [DepartementCode("59")!]), shares: [CoFundingShare(cofunder: "État", percent: 100)],
            bookletText: "Offert par le Département, avec l’État"))
        let order = try await store.createOrder(programme: programme, booklets: 2, actor: .system)
        try await store.carry(order, to: .fulfilled)
        return (order, try await store.createOrder(programme: programme, booklets: 1, actor: .system))
    }

    static func expectedURLs(_ store: Store, base: String = "http://127.0.0.1:8080") async throws -> [String] {
        try await store.printableBooklets(order: OrderID(1), after: nil, limit: 10).flatMap(\.checks).map {
            "\(base)/c/\($0.compact)-\(store.secret.securityCode(for: $0).canonical)"
        }
    }

    @Test("passnum print writes the PDF of the latest order: every QR code decodes to its check's address, every serial and code is printed")
    func printCommand() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-print-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = directory.appendingPathComponent("carnets.pdf").path, csv = directory.appendingPathComponent("carnets.csv").path
        var expected: [String] = []
        var serials: [CheckSerial] = []
        try await CommandTests.run(["print", "--latest", "--out", pdf], prepare: { store in _ = try await Self.territory(store) }, then: { store in
            expected = try await Self.expectedURLs(store)
            serials = try await store.printableBooklets(order: OrderID(1), after: nil, limit: 10).flatMap(\.checks)
        })
        #expect(expected.count == 20)
        let info = try Self.tool("pdfinfo", [pdf]).split(separator: "\n").first { $0.hasPrefix("Pages:") }
        #expect(info?.split(separator: " ").last == "4")  // a cover and a page of coupons per booklet
        _ = try Self.tool("pdftoppm", ["-r", "150", "-png", pdf, directory.appendingPathComponent("page").path])
        let pages = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".png") }.sorted()
        #expect(pages.count == 4)
        let decoded = try Self.tool("zbarimg", ["--raw", "-q"] + pages.map { directory.appendingPathComponent($0).path })
            .split(separator: "\n").map(String.init)
        #expect(decoded.sorted() == expected.sorted())
        let text = try Self.tool("pdftotext", ["-layout", pdf, "-"])
        #expect(text.contains("Département du Nord") && text.contains("Offert par le Département, avec l’État") && text.contains("10 €"))
        #expect(text.contains("Ne peut être échangé contre des espèces") && text.contains("31/07/2026"))
        #expect(text.contains("http://127.0.0.1:8080/lieux"))
        for url in expected {
            let compact = String(url.split(separator: "/").last!)
            let serial = CheckSerial(String(compact.prefix(12)))!
            #expect(text.contains(serial.grouped) && text.contains(SecurityCode(typed: String(compact.dropFirst(13)))!.grouped))
        }

        // The file holds every security code: its owner's only, even when it replaces a file others could read.
        #expect(try FileManager.default.attributesOfItem(atPath: pdf)[.posixPermissions] as? Int == 0o600)
        FileManager.default.createFile(atPath: csv, contents: Data("ancien".utf8), attributes: [.posixPermissions: 0o644])
        try await CommandTests.run(["print", "--order", "1", "--out", csv, "--csv"], prepare: { store in _ = try await Self.territory(store) })
        #expect(try FileManager.default.attributesOfItem(atPath: csv)[.posixPermissions] as? Int == 0o600)
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\r\n")
        #expect(rows.count == 21 && rows[1].contains(";Pass numérique Nord 2026;"))
        #expect(serials.count == 20)

        for arguments in [["print", "--order", "2", "--out", pdf], ["print", "--order", "99", "--out", pdf], ["print", "--latest"],
                          ["print", "--order", "1", "--latest", "--out", pdf]] {
            await #expect(throws: UsageError.self, "\(arguments)") {
                try await CommandTests.run(arguments, prepare: { store in _ = try await Self.territory(store) })
            }
        }
    }

    @Test("A funder downloads its fulfilled order's booklets as PDF and CSV, and no one else's")
    func download() async throws {
        try await WebWorld.with { world in
            var funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            let orders = try await funder.get("/financeur/commandes").body.string
            #expect(orders.contains("href=\"/financeur/commandes/\(world.orderA)/carnets.pdf\""))
            let pdf = try await funder.get("/financeur/commandes/\(world.orderA)/carnets.pdf")
            #expect(pdf.status == .ok && pdf.headers.contentType == .pdf && pdf.body.string.hasPrefix("%PDF-1.4"))
            #expect(pdf.headers.first(name: .contentDisposition) == "attachment; filename=\"carnets-commande-\(world.orderA).pdf\"")
            let csv = try await funder.get("/financeur/commandes/\(world.orderA)/carnets.csv")
            #expect(csv.status == .ok && csv.body.string.split(separator: "\r\n").count == 21)
            #expect(try await funder.get("/financeur/commandes/\(world.orderB)/carnets.pdf").status == .notFound)
            let draft = try await world.store.createOrder(programme: world.programmeA, booklets: 1, actor: .system)
            #expect(try await funder.get("/financeur/commandes/\(draft)/carnets.pdf").status == .seeOther)
            var place = try await Browser.signedIn(world.app, as: world.a[.placeManager]!)
            #expect(try await place.get("/financeur/commandes/\(world.orderA)/carnets.pdf").status == .forbidden)
        }
    }
}
