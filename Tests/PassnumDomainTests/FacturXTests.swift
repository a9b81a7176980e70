import Foundation
import PassnumDomain
import Testing

@Suite("Factur-X e-invoices: the CII document, its VAT categories and totals")
struct FacturXTests {
    static let seller = FacturX.Party(name: "Opérateur", siret: "90000000100017", vatID: "FR68900000001")
    static let buyer = FacturX.Party(name: "Département du Nord", siret: "73282932000074")

    static func document(_ lines: [FacturX.Line], seller: FacturX.Party = seller) -> FacturX.Document {
        FacturX.Document(number: "F-2026-00001", type: .invoice, issued: CivilDate("2026-03-02")!, seller: seller, buyer: buyer,
                         buyerReference: "SERVICE-1", orderReference: "EJ <42> & co", lines: lines,
                         paymentMeans: .sepaTransfer(iban: "FR7630006000011234567890189", bic: "AGRIFRPP"), paymentTerms: "À réception")
    }

    @Test("Amounts come from integer cents with exactly two decimals, whatever their size")
    func amounts() {
        #expect(FacturX.amount(.zero) == "0.00")
        #expect(FacturX.amount(Money(cents: 5)) == "0.05")
        #expect(FacturX.amount(Money(cents: 1750)) == "17.50")
        #expect(FacturX.amount(Money(cents: 123_456_789_01)) == "123456789.01")
        #expect(FacturX.amount(Money(cents: -350)) == "-3.50")
    }

    @Test("Text is escaped as XML character data, and characters XML cannot carry are dropped")
    func escaping() {
        #expect(FacturX.escaped("A & B <c> \"d\" 'e'") == "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;")
        #expect(FacturX.escaped("x\u{0}y\u{1B}z\u{FFFE}") == "xyz")
        #expect(FacturX.escaped("Chèques – é") == "Chèques – é")
        let xml = try? FacturX.xml(Self.document([FacturX.Line(name: "</ram:Name><evil/>", quantity: 1, unitPrice: .euros(10), category: .outsideScope)]))
        #expect(xml?.contains("&lt;/ram:Name&gt;&lt;evil/&gt;") == true)
        #expect(xml?.contains("<evil/>") == false)
        #expect(xml?.contains("<ram:IssuerAssignedID>EJ &lt;42&gt; &amp; co</ram:IssuerAssignedID>") == true)
    }

    @Test("Face value alone is outside the scope of VAT (O, VATEX-EU-O) and names no seller VAT number (BR-O-02)")
    func outsideScope() throws {
        let document = Self.document([FacturX.Line(name: "Chèques", amount: .euros(1000), units: 100, category: .outsideScope)])
        let xml = try FacturX.xml(document)
        #expect(xml.contains("<ram:CategoryCode>O</ram:CategoryCode>") && xml.contains("<ram:ExemptionReasonCode>VATEX-EU-O</ram:ExemptionReasonCode>"))
        #expect(!xml.contains("schemeID=\"VA\"") && !xml.contains("RateApplicablePercent"))
        #expect(xml.contains("<ram:BilledQuantity unitCode=\"C62\">100</ram:BilledQuantity>") && xml.contains("<ram:ChargeAmount>10.00</ram:ChargeAmount>"))
        #expect(xml.contains("<ram:ID>urn:cen.eu:en16931:2017</ram:ID>") && xml.contains("<ram:TypeCode>380</ram:TypeCode>"))
        #expect(xml.contains("<udt:DateTimeString format=\"102\">20260302</udt:DateTimeString>"))
        #expect(document.totals == FacturX.Totals(lineTotal: .euros(1000), taxBasis: .euros(1000), tax: .zero, grand: .euros(1000), due: .euros(1000)))
    }

    @Test("With a fee, the face value is a disbursement (E, VATEX-EU-79-C) beside the fee at 20 %: totals follow EN 16931")
    func feeAndDisbursement() throws {
        let document = Self.document([FacturX.Line(name: "Chèques", amount: .euros(700), units: 70, category: .disbursement),
                                      FacturX.Line(name: "Frais", quantity: 1, unitPrice: Money(cents: 1750), category: .standard(basisPoints: 2000))])
        let xml = try FacturX.xml(document)
        #expect(xml.contains("<ram:ExemptionReasonCode>VATEX-EU-79-C</ram:ExemptionReasonCode>") && xml.contains("schemeID=\"VA\">FR68900000001<"))
        #expect(!xml.contains("<ram:CategoryCode>O</ram:CategoryCode>"))
        let totals = document.totals
        // BR-CO-10: sum of line net amounts; BR-CO-13: basis = lines − allowances + charges (none here);
        // BR-CO-17: tax per category = basis × rate, rounded; BR-CO-15: grand = basis + tax; BR-CO-16: due = grand − prepaid.
        #expect(totals.lineTotal == document.lines.reduce(.zero) { $0 + $1.net } && totals.lineTotal == Money(cents: 71_750))
        #expect(totals.taxBasis == totals.lineTotal)
        #expect(document.breakdown.map(\.tax) == [.zero, Money(cents: 350)])
        #expect(totals.tax == Money(cents: 350) && totals.grand == Money(cents: 72_100) && totals.due == totals.grand)
        #expect(xml.contains("<ram:TaxTotalAmount currencyID=\"EUR\">3.50</ram:TaxTotalAmount>"))
        #expect(xml.contains("<ram:GrandTotalAmount>721.00</ram:GrandTotalAmount>") && xml.contains("<ram:DuePayableAmount>721.00</ram:DuePayableAmount>"))
    }

    @Test("A line that does not divide into its units is billed as one unit of the whole")
    func indivisibleLine() {
        let line = FacturX.Line(name: "x", amount: Money(cents: 1001), units: 3, category: .outsideScope)
        #expect(line.quantity == 1 && line.net == Money(cents: 1001))
    }

    @Test("What EN 16931 would reject is refused: O mixed with another category, a taxed line without the seller's VAT number")
    func refusals() {
        #expect(throws: FacturX.Problem.outsideScopeMixed) {
            try FacturX.xml(Self.document([FacturX.Line(name: "a", quantity: 1, unitPrice: .euros(1), category: .outsideScope),
                                           FacturX.Line(name: "b", quantity: 1, unitPrice: .euros(1), category: .standard(basisPoints: 2000))]))
        }
        #expect(throws: FacturX.Problem.sellerVATMissing) {
            try FacturX.xml(Self.document([FacturX.Line(name: "b", quantity: 1, unitPrice: .euros(1), category: .standard(basisPoints: 2000))],
                                          seller: FacturX.Party(name: "Opérateur", siret: "90000000100017")))
        }
        #expect(throws: FacturX.Problem.sellerUnidentified) {
            try FacturX.xml(Self.document([FacturX.Line(name: "a", quantity: 1, unitPrice: .euros(1), category: .outsideScope)],
                                          seller: FacturX.Party(name: "Opérateur", vatID: "FR68900000001")))
        }
        #expect(throws: FacturX.Problem.noLines) { try FacturX.xml(Self.document([])) }
    }

    @Test("Buyer identifiers: blank is none, a SIRET is 14 Luhn-valid digits, references are bounded single lines")
    func buyerIdentifiers() throws {
        #expect(try BuyerIdentifiers.validated(siret: " 732 829 320 00074 ", serviceCode: "  ", engagementNumber: " EJ-1 ")
                == BuyerIdentifiers(siret: "73282932000074", serviceCode: nil, engagementNumber: "EJ-1"))
        #expect(throws: DomainError.invalid(field: .siret, problem: .malformed)) {
            try BuyerIdentifiers.validated(siret: "73282932000075", serviceCode: nil, engagementNumber: nil)
        }
        #expect(throws: DomainError.invalid(field: .serviceCode, problem: .tooLong(max: 100))) {
            try BuyerIdentifiers.validated(siret: nil, serviceCode: String(repeating: "s", count: 101), engagementNumber: nil)
        }
        #expect(throws: DomainError.invalid(field: .engagementNumber, problem: .tooLong(max: 50))) {
            try BuyerIdentifiers.engagementNumber(String(repeating: "1", count: 51))
        }
        #expect(throws: DomainError.invalid(field: .engagementNumber, problem: .malformed)) { try BuyerIdentifiers.engagementNumber("EJ\n2") }
        #expect(try BuyerIdentifiers.engagementNumber(String(repeating: "1", count: 50))?.count == 50)
    }

    @Test("A VAT number is two letters and letters or digits; a French one's key matches its SIREN")
    func vatNumbers() {
        #expect(VATNumber.check("FR 68 900000001") == "FR68900000001")
        #expect(VATNumber.check("FR69900000001") == nil)
        #expect(VATNumber.check("FR6890000000") == nil)
        #expect(VATNumber.check("DE123456789") == "DE123456789")
        #expect(VATNumber.check("12345") == nil)
    }
}
