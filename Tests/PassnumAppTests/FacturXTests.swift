import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// Every kind of e-invoice the platform issues, made from a real store on SQLite and PostgreSQL, checked against the
/// official Factur-X EN 16931 XSD (xmllint) and schematron (Saxon-HE through Tests/facturx/schematron.py).
@Suite("Factur-X e-invoices for Chorus Pro")
struct FacturXTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../PassnumPersistenceTests/Fixtures/factur-x").standardizedFileURL
    static let schematron = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../facturx/schematron.py").standardizedFileURL
    static let funderSiret = "73282932000074", placeSiret = "41234567800004"

    /// What the scenario issued: an invoice without fee, one with a fee, a place's subscription, a credit note.
    struct Issued {
        let funder: FunderID
        let withoutFee: InvoiceID
        let withFee: InvoiceID
        let subscription: InvoiceID
        let creditNote: CreditNoteID
        let secondOrder: OrderID
    }

    /// A funder with its buyer identifiers, a programme ordered twice (before and after a 2.5 % fee), a qualified place
    /// with a SIRET charged its subscription, then the programme's end: its credit note.
    static func issue(_ store: Store, _ clock: ManualClock) async throws -> Issued {
        let funder = try await store.createFunder(name: "Département du Nord & <Pas-de-Calais>")
        let manager = Actor("gestionnaire", organisation: .funder(funder))
        try await store.setBuyerIdentifiers(BuyerIdentifiers(siret: Self.funderSiret, serviceCode: "DSI-FACTURES", engagementNumber: "EJ-DEFAUT"),
                                            funder: funder, actor: manager)
        let programme = try await store.createProgramme(funder: funder, terms: ProgrammeTerms(
            name: "Pass 2026", validFrom: CivilDate("2026-03-01")!, validUntil: CivilDate("2026-04-30")!,
            perimeter: Perimeter(departements: [DepartementCode("59")!]),
            shares: [CoFundingShare(cofunder: "État", percent: 50), CoFundingShare(cofunder: "Département du Nord", percent: 50)]))
        let first = try await store.createOrder(programme: programme, booklets: 2, actor: manager)
        try await store.carryOrder(first, to: .fulfilled, funder: manager, operator: .system)
        try await store.setFeeSchedule(FeeSchedule(managementFee: .rate(basisPoints: 250), placeSubscription: .euros(12)), actor: .system)
        let second = try await store.createOrder(programme: programme, booklets: 7, engagementNumber: "EJ-2026-0042", actor: manager)
        try await store.carryOrder(second, to: .fulfilled, funder: manager, operator: .system)
        let place = try await store.createPlace(NewPlace(name: "Médiathèque", commune: CommuneCode("59350")!, postcode: "59000"))
        try await store.read { tx in try await tx.sql.raw("UPDATE places SET siret = \(bind: Self.placeSiret) WHERE id = \(bind: place.rawValue)").run() }
        try await store.changePlaceState(place, to: .qualified)
        let subscription = try #require(try await store.chargeSubscriptions().first)
        let invoices = try await store.invoices(funder: funder).rows
        clock.set(CivilDate("2026-06-15")!.start.addingTimeInterval(3600))
        let note = try #require(try await store.expireProgrammes().first)
        let notes = try await store.creditNotes(funder: funder).rows
        #expect(note.number == notes.first?.number)
        return Issued(funder: funder, withoutFee: try #require(invoices.last?.id), withFee: try #require(invoices.first?.id),
                      subscription: subscription.id, creditNote: try #require(notes.first?.id), secondOrder: second)
    }

    /// Runs a program, returning its status and what it printed.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Validates files against the XSD and the schematron; records every problem found.
    static func expectValid(_ files: [URL], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let paths = files.map(\.path)
        let xsd = try run("xmllint", ["--noout", "--schema", fixtures.appendingPathComponent("Factur-X_EN16931.xsd").path] + paths)
        #expect(xsd.status == 0, "xmllint (Debian's libxml2-utils, installed by scripts/system-packages --test):\n\(xsd.output)",
                sourceLocation: sourceLocation)
        let rules = try run("python3", [schematron.path, fixtures.appendingPathComponent("FACTUR-X_EN16931.xslt").path] + paths)
        #expect(rules.status == 0, "schematron (saxonche, installed by scripts/test):\n\(rules.output)", sourceLocation: sourceLocation)
        #expect(rules.output.components(separatedBy: "rules fired").count == files.count + 1, "\(rules.output)", sourceLocation: sourceLocation)
    }

    /// The amounts of a document as its XML states them, element by element.
    static func amounts(_ xml: String, _ element: String) -> [String] {
        xml.components(separatedBy: "<ram:\(element)").dropFirst().compactMap { rest in
            guard let end = rest.firstIndex(of: ">") else { return nil }
            return String(rest[rest.index(after: end)...].prefix { $0 != "<" })
        }
    }

    @Test("Every e-invoice (order without fee, with fee, subscription, credit note) passes the Factur-X XSD and the EN 16931 schematron",
          arguments: MailDeliveryTests.Database.allCases)
    func everyKindIsValid(database: MailDeliveryTests.Database) async throws {
        try await MailDeliveryTests.withApp(database, relay: nil) { app, store, clock in
            let issued = try await Self.issue(store, clock)
            let seller = OperatorAccount.demo
            let documents: [EDocument] = [
                .invoice(try await store.invoice(issued.withoutFee)), .invoice(try await store.invoice(issued.withFee)),
                .invoice(try await store.invoice(issued.subscription)), try #require(try await store.eCreditNote(issued.creditNote, funder: issued.funder)),
            ]
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-facturx-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var files: [URL] = []
            var texts: [String] = []
            for document in documents {
                let xml = try FacturXWording.xml(document, seller: seller)
                let file = directory.appendingPathComponent(FacturXWording.filename(document))
                try Data(xml.utf8).write(to: file)
                files.append(file)
                texts.append(xml)
                // The business rules on the model the XML was written from (EN 16931 BR-CO-10, 13, 15, 16, 17).
                let model = FacturXWording.document(document, seller: seller)
                let totals = model.totals
                #expect(totals.lineTotal == model.lines.reduce(.zero) { $0 + $1.net })
                #expect(totals.taxBasis == totals.lineTotal)
                for group in model.breakdown { #expect(group.tax == (group.category == .standard(basisPoints: 2000) ? group.basis.share(basisPoints: 2000) : .zero)) }
                #expect(totals.grand == totals.taxBasis + totals.tax && totals.due == totals.grand)
                #expect(Self.amounts(xml, "LineTotalAmount").last == FacturX.amount(totals.lineTotal))
                #expect(Self.amounts(xml, "DuePayableAmount") == [FacturX.amount(totals.due)])
            }
            try Self.expectValid(files)

            let (withoutFee, withFee, subscription, credit) = (texts[0], texts[1], texts[2], texts[3])
            // The platform's own amounts: what the invoice says it costs is what the XML says is due.
            for (text, id) in [(withoutFee, issued.withoutFee), (withFee, issued.withFee), (subscription, issued.subscription)] {
                #expect(Self.amounts(text, "DuePayableAmount") == [FacturX.amount(try await store.invoice(id).amounts.total)])
            }
            #expect(Self.amounts(credit, "DuePayableAmount") == ["900.00"])  // the 90 checks of both orders, none used, 10 € each
            // Chorus Pro's needs: the buyer's SIRET (0009), service code, engagement number (the order's, else the funder's).
            #expect(withFee.contains("<ram:ID schemeID=\"0009\">\(Self.funderSiret)</ram:ID>") && withFee.contains("<ram:BuyerReference>DSI-FACTURES</ram:BuyerReference>"))
            #expect(withFee.contains("<ram:IssuerAssignedID>EJ-2026-0042</ram:IssuerAssignedID>"))
            #expect(withoutFee.contains("<ram:IssuerAssignedID>EJ-DEFAUT</ram:IssuerAssignedID>"))
            #expect(withoutFee.contains("Département du Nord &amp; &lt;Pas-de-Calais&gt;"))
            // VAT: O alone without fee, E (disbursement) beside S with a fee, S alone on a subscription.
            #expect(Self.amounts(withoutFee, "CategoryCode") == ["O", "O"])
            #expect(Self.amounts(withFee, "CategoryCode") == ["E", "S", "E", "S"] && Self.amounts(withFee, "TaxTotalAmount") == ["3.50"])
            #expect(Self.amounts(subscription, "CategoryCode") == ["S", "S"] && subscription.contains("schemeID=\"0009\">\(Self.placeSiret)<"))
            #expect(subscription.contains("<ram:TypeCode>97</ram:TypeCode>") && withFee.contains("<ram:TypeCode>58</ram:TypeCode>"))
            // The credit note (381) corrects its programme's invoices, with their numbers and dates.
            let invoiceNumbers = [try await store.invoice(issued.withoutFee).number, try await store.invoice(issued.withFee).number]
            #expect(credit.contains("<ram:TypeCode>381</ram:TypeCode>"))
            #expect(Self.amounts(credit, "IssuerAssignedID") == ["EJ-2026-0042"] + invoiceNumbers)
            _ = app
        }
    }

    @Test("An invoice keeps the VAT rate it was issued at: its XML states the stored rate and amount, valid, not today's 20 %",
          arguments: MailDeliveryTests.Database.allCases)
    func storedVATRate(database: MailDeliveryTests.Database) async throws {
        try await MailDeliveryTests.withApp(database, relay: nil) { app, store, clock in
            let issued = try await Self.issue(store, clock)
            // The invoice with a fee (17,50 €) as if issued when the rate was 10 %: 1,75 € of VAT stored.
            try await store.read { tx in
                try await tx.sql.raw("UPDATE invoices SET vat_rate_bp = 1000, vat_cents = 175 WHERE id = \(bind: issued.withFee.rawValue)").run()
            }
            let invoice = try await store.invoice(issued.withFee)
            #expect(invoice.amounts == InvoiceAmounts(face: .euros(700), fee: Money(cents: 1_750), vat: Money(cents: 175), vatRate: 1_000))
            let xml = try FacturXWording.xml(.invoice(invoice), seller: OperatorAccount.demo)
            #expect(Self.amounts(xml, "RateApplicablePercent") == ["0.00", "10.00", "0.00", "10.00"], "\(xml)")
            #expect(Self.amounts(xml, "TaxTotalAmount") == ["1.75"] && Self.amounts(xml, "CalculatedAmount").contains("1.75"))
            #expect(Self.amounts(xml, "DuePayableAmount") == [FacturX.amount(invoice.amounts.total)] && invoice.amounts.total == Money(cents: 71_925))
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-facturx-rate-\(UUID().uuidString).xml")
            try Data(xml.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            try Self.expectValid([file])

            // An order keeps the rate of its creation up to its invoice: one made at 5,5 % is invoiced at 5,5 %.
            let manager = Actor("gestionnaire", organisation: .funder(issued.funder))
            let programme = try await store.createProgramme(funder: issued.funder, terms: ProgrammeTerms(
                name: "Pass 2026 second semestre", validFrom: CivilDate("2026-06-01")!, validUntil: CivilDate("2026-12-31")!,
                perimeter: Perimeter(departements: [DepartementCode("59")!]), shares: [CoFundingShare(cofunder: "État", percent: 100)]))
            let order = try await store.createOrder(programme: programme, booklets: 1, actor: manager)
            #expect(try await store.order(order).vatRate == VAT.standardRate)
            try await store.read { tx in
                try await tx.sql.raw("UPDATE orders SET vat_rate_bp = 550, vat_cents = 14 WHERE id = \(bind: order.rawValue)").run()
            }
            try await store.carryOrder(order, to: .invoiced, funder: manager, operator: .system)
            let late = try #require(try await store.invoices(funder: issued.funder).rows.first)
            #expect(late.amounts.vatRate == 550 && late.amounts.vat == Money(cents: 14) && late.amounts.fee == Money(cents: 250))
            #expect(Self.amounts(try FacturXWording.xml(.invoice(late), seller: OperatorAccount.demo), "RateApplicablePercent").contains("5.50"))
            _ = app
        }
    }

    @Test("The XSD and the schematron do reject a document that breaks them: the checks above can fail")
    func validatorsBite() throws {
        let document = FacturX.Document(
            number: "F-2026-00009", type: .invoice, issued: CivilDate("2026-03-02")!,
            seller: FacturX.Party(name: "Opérateur", siret: "90000000100017", vatID: "FR68900000001"), buyer: FacturX.Party(name: "Acheteur"),
            lines: [FacturX.Line(name: "Frais", quantity: 1, unitPrice: .euros(10), category: .standard(basisPoints: 2000))],
            paymentMeans: nil, paymentTerms: "À réception")
        let xml = try FacturX.xml(document)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-facturx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.xml"), badTotal = directory.appendingPathComponent("total.xml"),
            badSchema = directory.appendingPathComponent("schema.xml")
        try Data(xml.utf8).write(to: good)
        try Data(xml.replacingOccurrences(of: "<ram:GrandTotalAmount>12.00<", with: "<ram:GrandTotalAmount>12.01<").utf8).write(to: badTotal)
        try Data(xml.replacingOccurrences(of: "<ram:InvoiceCurrencyCode>", with: "<ram:Unknown/><ram:InvoiceCurrencyCode>").utf8).write(to: badSchema)
        try Self.expectValid([good])
        let xsd = try Self.run("xmllint", ["--noout", "--schema", Self.fixtures.appendingPathComponent("Factur-X_EN16931.xsd").path, badSchema.path])
        #expect(xsd.status != 0)
        let rules = try Self.run("python3", [Self.schematron.path, Self.fixtures.appendingPathComponent("FACTUR-X_EN16931.xslt").path, badTotal.path])
        #expect(rules.status == 1 && rules.output.contains("BR-CO-15"), "\(rules.output)")
    }

    @Test("The funder sets its identifiers on its organisation page; the invoice page links its XML, served with the page's access",
          arguments: MailDeliveryTests.Database.allCases)
    func pagesAndDownloads(database: MailDeliveryTests.Database) async throws {
        try await MailDeliveryTests.withApp(database, relay: nil) { app, store, clock in
            let issued = try await Self.issue(store, clock)
            let hash = try Bcrypt.hash(WebWorld.password, cost: 4)
            _ = try await store.createUser(email: "f@test.fr", name: "F", passwordHash: hash, role: .funderManager, organisation: .funder(issued.funder))
            let other = try await store.createFunder(name: "Autre")
            _ = try await store.createUser(email: "o@test.fr", name: "O", passwordHash: hash, role: .funderManager, organisation: .funder(other))
            var browser = try await Browser.signedIn(app, as: "f@test.fr")
            let page = try await browser.get(SiteURL.funderOrganisation.path)
            #expect(page.status == .ok && page.body.string.contains("Code service (Chorus Pro)") && page.body.string.contains("DSI-FACTURES"))
            // A SIRET with a typing error comes back with the message next to the field, nothing saved.
            let refused = try await browser.post(SiteURL.funderOrganisation.path, [("siret", "73282932000075"), ("serviceCode", ""), ("engagementNumber", "")])
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("erreur de frappe"))
            #expect(try await store.buyerIdentifiers(funder: issued.funder).siret == Self.funderSiret)
            let saved = try await browser.post(SiteURL.funderOrganisation.path,
                                               [("siret", "732 829 320 00074"), ("serviceCode", "SERVICE-2"), ("engagementNumber", "")])
            #expect(saved.status == .seeOther)
            #expect(try await store.buyerIdentifiers(funder: issued.funder) == BuyerIdentifiers(siret: Self.funderSiret, serviceCode: "SERVICE-2"))

            let invoicePage = try await browser.get(SiteURL.invoice(issued.withFee).path)
            #expect(invoicePage.body.string.contains(SiteURL.invoiceXML(issued.withFee).path))
            let xml = try await browser.get(SiteURL.invoiceXML(issued.withFee).path)
            let number = try await store.invoice(issued.withFee).number
            #expect(xml.status == .ok && xml.headers.contentType?.subType == "xml")
            #expect(xml.headers.first(name: .contentDisposition) == "attachment; filename=\"\(number).xml\"")
            #expect(xml.body.string.contains("<ram:BuyerReference>SERVICE-2</ram:BuyerReference>"))
            let note = try await browser.get(SiteURL.creditNoteXML(issued.creditNote).path)
            #expect(note.status == .ok && note.body.string.contains("<ram:TypeCode>381</ram:TypeCode>"))

            // Another funder sees neither the page nor the XML; the place's subscription is not a funder's.
            var stranger = try await Browser.signedIn(app, as: "o@test.fr")
            #expect(try await stranger.get(SiteURL.invoiceXML(issued.withFee).path).status == .notFound)
            #expect(try await stranger.get(SiteURL.creditNoteXML(issued.creditNote).path).status == .notFound)
            #expect(try await browser.get(SiteURL.invoiceXML(issued.subscription).path).status == .notFound)

            // An order's engagement number is edited until the invoice; after it, refused.
            let open = try await store.createProgramme(funder: issued.funder, terms: ProgrammeTerms(
                name: "Pass 2027", validFrom: CivilDate("2026-06-01")!, validUntil: CivilDate("2027-06-30")!,
                perimeter: Perimeter(departements: [DepartementCode("59")!]), shares: [CoFundingShare(cofunder: "État", percent: 100)]))
            let draft = try await store.createOrder(programme: open, booklets: 1, actor: Actor("f@test.fr", organisation: .funder(issued.funder)))
            let orders = try await browser.get(SiteURL.funderOrders.path)
            #expect(orders.body.string.contains(SiteURL.funderOrderEngagement(draft).path))
            #expect(!orders.body.string.contains(SiteURL.funderOrderEngagement(issued.secondOrder).path))
            let edited = try await browser.post(SiteURL.funderOrderEngagement(draft).path, [("engagementNumber", " EJ-NEW ")])
            #expect(edited.status == .seeOther)
            #expect(try await store.order(draft).engagementNumber == "EJ-NEW")
            _ = try await browser.get(SiteURL.funderOrders.path)
            let late = try await browser.post(SiteURL.funderOrderEngagement(issued.secondOrder).path, [("engagementNumber", "EJ-LATE")])
            #expect(late.status == .seeOther)
            #expect(try await store.order(issued.secondOrder).engagementNumber == "EJ-2026-0042")
            _ = try await stranger.get(SiteURL.funderOrders.path)
            #expect(try await stranger.post(SiteURL.funderOrderEngagement(draft).path, [("engagementNumber", "X")]).status == .notFound)
            #expect(try await store.order(draft).engagementNumber == "EJ-NEW")
        }
    }

    /// Runs `passnum invoices ARGUMENTS` in-process against `app`'s store.
    static func invoicesCommand(_ app: Application, _ arguments: [String]) async throws {
        var context = CommandContext(console: Terminal(), input: CommandInput(arguments: ["passnum"] + arguments))
        context.application = app
        try await InvoicesCommand().run(using: &context)
    }

    @Test("invoices export writes each document of the month as <number>.xml, valid, and refuses a bad month",
          arguments: MailDeliveryTests.Database.allCases)
    func exportCommand(database: MailDeliveryTests.Database) async throws {
        try await MailDeliveryTests.withApp(database, relay: nil) { app, store, clock in
            let issued = try await Self.issue(store, clock)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-export-\(UUID().uuidString)/sous-dossier")
            defer { try? FileManager.default.removeItem(at: directory.deletingLastPathComponent()) }
            try await Self.invoicesCommand(app, ["export", "--month", "2026-03", "--out", directory.path])
            let march = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            let numbers = [try await store.invoice(issued.withoutFee).number, try await store.invoice(issued.withFee).number,
                           try await store.invoice(issued.subscription).number].sorted()
            #expect(march == numbers.map { $0 + ".xml" })
            try await Self.invoicesCommand(app, ["export", "--month", "2026-06", "--out", directory.path])
            let june = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            #expect(june.count == 4 && june.first?.hasPrefix("A-2026-") == true)
            try Self.expectValid(june.map { directory.appendingPathComponent($0) })
            // What the download gives is what the export wrote.
            let written = try String(contentsOf: directory.appendingPathComponent(numbers[0] + ".xml"), encoding: .utf8)
            #expect(written == (try FacturXWording.xml(.invoice(try await store.invoice(issued.withoutFee)), seller: store.configuration.operatorAccount)))
            for bad in [["export", "--month", "2026-13"], ["export", "--month", "mars"], ["export"], ["send", "--month", "2026-03"],
                        ["export", "--month", "1999-12"]] {
                await #expect(throws: UsageError.self) { try await Self.invoicesCommand(app, bad) }
            }
        }
    }

    @Test("Without the operator's SIRET and VAT number the XML is refused with a page saying so, never produced invalid")
    func missingSellerSettings() throws {
        var account = OperatorAccount.demo
        account.siret = nil
        account.vatID = nil
        let invoice = Invoice(id: InvoiceID(1), number: "F-2026-00001", kind: .subscription, order: nil, funder: nil, place: PlaceID(1),
                              customer: "Lieu", amounts: InvoiceAmounts(face: .zero, fee: .euros(12)), issuedAt: Date(), programme: nil,
                              booklets: 0, checks: 0)
        #expect(throws: FacturX.Problem.sellerVATMissing) { try FacturXWording.xml(.invoice(invoice), seller: account) }
        // Required settings never fall back on the demo's identifiers; optional ones are checked when given.
        let required = ["PASSNUM_OPERATOR_NAME": "Opérateur", "PASSNUM_OPERATOR_IBAN": "FR7630006000011234567890189", "PASSNUM_OPERATOR_BIC": "AGRIFRPP"]
        #expect(try OperatorAccount.settings(required, required: true).siret == nil)
        let given = try OperatorAccount.settings(required.merging(["PASSNUM_OPERATOR_SIRET": "732 829 320 00074", "PASSNUM_OPERATOR_VAT_ID": "FR68900000001"]) { $1 },
                                                 required: true)
        #expect(given.siret == "73282932000074" && given.vatID == "FR68900000001")
        #expect(throws: SettingsError.self) { try OperatorAccount.settings(required.merging(["PASSNUM_OPERATOR_SIRET": "123"]) { $1 }, required: true) }
    }
}
