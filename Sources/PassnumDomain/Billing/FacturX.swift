import Foundation

/// The structured e-invoice of an invoice or a credit note: UN/CEFACT Cross Industry Invoice (D16B) at the Factur-X
/// EN 16931 profile, the XML Chorus Pro takes from suppliers of public bodies. Pure: a document in, XML text out.
///
/// VAT (EN 16931 forbids mixing category O, "outside the scope of VAT", with any other category: BR-O-11 to 14):
/// - a document with no taxed line (an order without fee, a credit note) bills the checks' face value in category O
///   with the exemption code VATEX-EU-O: multi-purpose vouchers are outside the scope of VAT until used;
/// - a document with a fee bills the fee at the standard rate (S) and the face value in category E with the code
///   VATEX-EU-79-C: sums collected in the buyer's name and paid out on its behalf (the places' refunds), kept in
///   pass-through accounts (the journal's programme funds): a disbursement ("débours", directive 2006/112/EC art. 79 c,
///   CGI art. 267 II 2°), outside the taxable amount without breaking BR-O.
public enum FacturX {
    /// The context parameter that names the EN 16931 profile (BT-24).
    public static let profile = "urn:cen.eu:en16931:2017"

    public enum TypeCode: String, Sendable {
        case invoice = "380"
        case creditNote = "381"
    }

    /// How a line is taxed.
    public enum TaxCategory: Hashable, Sendable {
        /// O: outside the scope of VAT (VATEX-EU-O).
        case outsideScope
        /// E with VATEX-EU-79-C: a disbursement, outside the taxable amount.
        case disbursement
        /// S: the standard rate, in basis points (2000 is 20 %).
        case standard(basisPoints: Int64)

        var code: String {
            switch self {
            case .outsideScope: "O"
            case .disbursement: "E"
            case .standard: "S"
            }
        }

        var exemption: (code: String, reason: String)? {
            switch self {
            case .outsideScope: ("VATEX-EU-O", "Hors champ de la TVA : chèques Pass numérique (bons à usages multiples)")
            case .disbursement: ("VATEX-EU-79-C", "Débours : valeur des chèques reversée aux lieux pour le compte de l’acheteur")
            case .standard: nil
            }
        }

        /// The rate (BT-119/BT-152): none for O (BR-O-05, BR-O-09), 0 for E, the rate for S.
        var rate: Int64? {
            switch self {
            case .outsideScope: nil
            case .disbursement: 0
            case .standard(let basisPoints): basisPoints
            }
        }
    }

    public struct Party: Sendable, Equatable {
        public var name: String
        /// 14 digits; the buyer's identifies it on Chorus Pro (scheme 0009).
        public var siret: String?
        /// The intra-community VAT number ("FR" + key + SIREN).
        public var vatID: String?

        public init(name: String, siret: String? = nil, vatID: String? = nil) {
            self.name = name
            self.siret = siret
            self.vatID = vatID
        }
    }

    public struct Line: Sendable, Equatable {
        public var name: String
        public var quantity: Int64
        /// The net price of one unit; quantity × price is the line's net amount.
        public var unitPrice: Money
        public var category: TaxCategory

        public init(name: String, quantity: Int64, unitPrice: Money, category: TaxCategory) {
            self.name = name
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.category = category
        }

        /// One line of `amount`: `quantity` units when they divide it exactly, else one unit of the whole.
        public init(name: String, amount: Money, units: Int64, category: TaxCategory) {
            let exact = units > 0 && amount.cents % units == 0
            self.init(name: name, quantity: exact ? units : 1, unitPrice: Money(cents: exact ? amount.cents / units : amount.cents), category: category)
        }

        public var net: Money { unitPrice * quantity }
    }

    public enum PaymentMeans: Sendable, Equatable {
        /// 58, SEPA credit transfer to the seller's account. The IBAN is in the XML by necessity, never in a log.
        case sepaTransfer(iban: String, bic: String)
        /// 97, clearing between partners: deducted from what the seller pays the buyer (a place's subscription).
        case deduction
    }

    /// An invoice the document corrects (BG-3).
    public struct Reference: Sendable, Equatable {
        public var number: String
        public var issued: CivilDate

        public init(number: String, issued: CivilDate) {
            self.number = number
            self.issued = issued
        }
    }

    public struct Document: Sendable, Equatable {
        public var number: String
        public var type: TypeCode
        public var issued: CivilDate
        public var seller: Party
        public var buyer: Party
        /// BT-10: the buyer's Chorus Pro service code.
        public var buyerReference: String?
        /// BT-13: the engagement (purchase order) number.
        public var orderReference: String?
        public var lines: [Line]
        public var paymentMeans: PaymentMeans?
        /// BT-20: when and how the amount is settled.
        public var paymentTerms: String
        public var corrects: [Reference]
        public var note: String?

        public init(number: String, type: TypeCode, issued: CivilDate, seller: Party, buyer: Party, buyerReference: String? = nil,
                    orderReference: String? = nil, lines: [Line], paymentMeans: PaymentMeans?, paymentTerms: String,
                    corrects: [Reference] = [], note: String? = nil) {
            self.number = number
            self.type = type
            self.issued = issued
            self.seller = seller
            self.buyer = buyer
            self.buyerReference = buyerReference
            self.orderReference = orderReference
            self.lines = lines
            self.paymentMeans = paymentMeans
            self.paymentTerms = paymentTerms
            self.corrects = corrects
            self.note = note
        }

        /// The VAT breakdown (BG-23): one group per category, in the order the lines first use them, the tax rounded to
        /// the cent (halves away from zero) on the group's basis as BR-CO-17 computes it.
        public var breakdown: [(category: TaxCategory, basis: Money, tax: Money)] {
            var groups: [(category: TaxCategory, basis: Money, tax: Money)] = []
            for line in lines {
                if let index = groups.firstIndex(where: { $0.category == line.category }) {
                    groups[index].basis += line.net
                } else {
                    groups.append((line.category, line.net, .zero))
                }
            }
            return groups.map { group in (group.category, group.basis, group.category.rate.map { group.basis.share(basisPoints: $0) } ?? .zero) }
        }

        public var totals: Totals {
            let lineTotal = lines.reduce(Money.zero) { $0 + $1.net }
            let tax = breakdown.reduce(Money.zero) { $0 + $1.tax }
            return Totals(lineTotal: lineTotal, taxBasis: lineTotal, tax: tax, grand: lineTotal + tax, due: lineTotal + tax)
        }
    }

    /// BG-22. No allowances, charges or prepaid amounts: the basis is the lines' total, the amount due the grand total.
    public struct Totals: Sendable, Equatable {
        public var lineTotal: Money
        public var taxBasis: Money
        public var tax: Money
        public var grand: Money
        public var due: Money

        public init(lineTotal: Money, taxBasis: Money, tax: Money, grand: Money, due: Money) {
            (self.lineTotal, self.taxBasis, self.tax, self.grand, self.due) = (lineTotal, taxBasis, tax, grand, due)
        }
    }

    /// What keeps a document from being valid EN 16931: a missing seller identifier, a mixing the rules forbid.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// BR-S-02, BR-E-02: a taxed or exempt line needs the seller's VAT number (PASSNUM_OPERATOR_VAT_ID).
        case sellerVATMissing
        /// BR-CO-26: the seller needs a SIRET (PASSNUM_OPERATOR_SIRET) or a VAT number.
        case sellerUnidentified
        /// BR-O-11 to 14.
        case outsideScopeMixed
        case noLines

        public var description: String {
            switch self {
            case .sellerVATMissing: "the operator's VAT number is not set (PASSNUM_OPERATOR_VAT_ID): EN 16931 requires it on a taxed invoice"
            case .sellerUnidentified: "the operator has no SIRET (PASSNUM_OPERATOR_SIRET): EN 16931 and Chorus Pro require one"
            case .outsideScopeMixed: "a document outside the scope of VAT cannot carry other VAT categories (EN 16931 BR-O-11)"
            case .noLines: "a document needs at least one line"
            }
        }
    }

    /// The CII XML of `document`, or why it would not be a valid EN 16931 invoice.
    public static func xml(_ document: Document) throws(Problem) -> String {
        let categories = Set(document.lines.map(\.category.code))
        guard !document.lines.isEmpty else { throw .noLines }
        guard !categories.contains("O") || categories.count == 1 else { throw .outsideScopeMixed }
        let outsideScope = categories == ["O"]
        // BR-O-02: a document outside the scope of VAT names no seller VAT number; every other one must.
        let sellerVAT = outsideScope ? nil : document.seller.vatID
        if !outsideScope && sellerVAT == nil { throw .sellerVATMissing }
        guard document.seller.siret != nil || sellerVAT != nil else { throw .sellerUnidentified }

        var x = XMLText()
        x.raw(#"<?xml version="1.0" encoding="UTF-8"?>"#)
        x.open("rsm:CrossIndustryInvoice", #"xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100""#)
        x.open("rsm:ExchangedDocumentContext")
        x.open("ram:GuidelineSpecifiedDocumentContextParameter"); x.leaf("ram:ID", profile); x.close()
        x.close()
        x.open("rsm:ExchangedDocument")
        x.leaf("ram:ID", document.number)
        x.leaf("ram:TypeCode", document.type.rawValue)
        x.open("ram:IssueDateTime"); x.date("udt:DateTimeString", document.issued); x.close()
        if let note = document.note { x.open("ram:IncludedNote"); x.leaf("ram:Content", note); x.close() }
        x.close()

        x.open("rsm:SupplyChainTradeTransaction")
        for (index, line) in document.lines.enumerated() {
            x.open("ram:IncludedSupplyChainTradeLineItem")
            x.open("ram:AssociatedDocumentLineDocument"); x.leaf("ram:LineID", String(index + 1)); x.close()
            x.open("ram:SpecifiedTradeProduct"); x.leaf("ram:Name", line.name); x.close()
            x.open("ram:SpecifiedLineTradeAgreement")
            x.open("ram:NetPriceProductTradePrice"); x.leaf("ram:ChargeAmount", amount(line.unitPrice)); x.close()
            x.close()
            x.open("ram:SpecifiedLineTradeDelivery"); x.leaf("ram:BilledQuantity", String(line.quantity), #"unitCode="C62""#); x.close()
            x.open("ram:SpecifiedLineTradeSettlement")
            x.open("ram:ApplicableTradeTax")
            x.leaf("ram:TypeCode", "VAT")
            x.leaf("ram:CategoryCode", line.category.code)
            if let rate = line.category.rate { x.leaf("ram:RateApplicablePercent", percent(rate)) }
            x.close()
            x.open("ram:SpecifiedTradeSettlementLineMonetarySummation"); x.leaf("ram:LineTotalAmount", amount(line.net)); x.close()
            x.close()
            x.close()
        }

        x.open("ram:ApplicableHeaderTradeAgreement")
        if let reference = document.buyerReference { x.leaf("ram:BuyerReference", reference) }
        party(&x, "ram:SellerTradeParty", document.seller, vatID: sellerVAT)
        party(&x, "ram:BuyerTradeParty", document.buyer, vatID: nil)
        if let order = document.orderReference {
            x.open("ram:BuyerOrderReferencedDocument"); x.leaf("ram:IssuerAssignedID", order); x.close()
        }
        x.close()
        // BT-72, the date of the supply: the issue date (an empty element would break PEPPOL-EN16931-R008).
        x.open("ram:ApplicableHeaderTradeDelivery")
        x.open("ram:ActualDeliverySupplyChainEvent")
        x.open("ram:OccurrenceDateTime"); x.date("udt:DateTimeString", document.issued); x.close()
        x.close()
        x.close()

        x.open("ram:ApplicableHeaderTradeSettlement")
        x.leaf("ram:InvoiceCurrencyCode", "EUR")
        switch document.paymentMeans {
        case .sepaTransfer(let iban, let bic):
            x.open("ram:SpecifiedTradeSettlementPaymentMeans")
            x.leaf("ram:TypeCode", "58")
            x.open("ram:PayeePartyCreditorFinancialAccount"); x.leaf("ram:IBANID", iban); x.close()
            x.open("ram:PayeeSpecifiedCreditorFinancialInstitution"); x.leaf("ram:BICID", bic); x.close()
            x.close()
        case .deduction:
            x.open("ram:SpecifiedTradeSettlementPaymentMeans"); x.leaf("ram:TypeCode", "97"); x.close()
        case nil:
            break
        }
        for group in document.breakdown {
            x.open("ram:ApplicableTradeTax")
            x.leaf("ram:CalculatedAmount", amount(group.tax))
            x.leaf("ram:TypeCode", "VAT")
            if let exemption = group.category.exemption { x.leaf("ram:ExemptionReason", exemption.reason) }
            x.leaf("ram:BasisAmount", amount(group.basis))
            x.leaf("ram:CategoryCode", group.category.code)
            if let exemption = group.category.exemption { x.leaf("ram:ExemptionReasonCode", exemption.code) }
            if let rate = group.category.rate { x.leaf("ram:RateApplicablePercent", percent(rate)) }
            x.close()
        }
        x.open("ram:SpecifiedTradePaymentTerms"); x.leaf("ram:Description", document.paymentTerms); x.close()
        let totals = document.totals
        x.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        x.leaf("ram:LineTotalAmount", amount(totals.lineTotal))
        x.leaf("ram:TaxBasisTotalAmount", amount(totals.taxBasis))
        x.leaf("ram:TaxTotalAmount", amount(totals.tax), #"currencyID="EUR""#)
        x.leaf("ram:GrandTotalAmount", amount(totals.grand))
        x.leaf("ram:DuePayableAmount", amount(totals.due))
        x.close()
        for reference in document.corrects {
            x.open("ram:InvoiceReferencedDocument")
            x.leaf("ram:IssuerAssignedID", reference.number)
            x.open("ram:FormattedIssueDateTime"); x.date("qdt:DateTimeString", reference.issued); x.close()
            x.close()
        }
        x.close()
        x.close()
        x.close()
        return x.text
    }

    private static func party(_ x: inout XMLText, _ element: String, _ party: Party, vatID: String?) {
        x.open(element)
        x.leaf("ram:Name", party.name)
        if let siret = party.siret {
            x.open("ram:SpecifiedLegalOrganization"); x.leaf("ram:ID", siret, #"schemeID="0009""#); x.close()
        }
        x.open("ram:PostalTradeAddress"); x.leaf("ram:CountryID", "FR"); x.close()
        if let vatID {
            x.open("ram:SpecifiedTaxRegistration"); x.leaf("ram:ID", vatID, #"schemeID="VA""#); x.close()
        }
        x.close()
    }

    /// "1234.50": exactly two decimals, a dot, from the integer cents (a minus sign when negative).
    public static func amount(_ money: Money) -> String { money.dotDecimal }

    /// 2000 basis points → "20.00".
    static func percent(_ basisPoints: Int64) -> String { amount(Money(cents: basisPoints)) }

    /// Text as XML character data: the five special characters escaped, and what XML 1.0 cannot carry dropped
    /// (`ControlCharacters`; lone surrogates cannot occur in a Swift String).
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: if !ControlCharacters.isRefused(scalar) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// An indented XML writer: elements opened and closed in order, leaves escaped.
    struct XMLText {
        var text = ""
        var open: [String] = []

        mutating func raw(_ line: String) {
            text += String(repeating: "  ", count: open.count) + line + "\n"
        }

        mutating func open(_ name: String, _ attributes: String? = nil) {
            raw("<\(name)\(attributes.map { " " + $0 } ?? "")>")
            open.append(name)
        }

        mutating func close() {
            guard let name = open.popLast() else { return }
            raw("</\(name)>")
        }

        mutating func leaf(_ name: String, _ value: String, _ attributes: String? = nil) {
            raw("<\(name)\(attributes.map { " " + $0 } ?? "")>\(FacturX.escaped(value))</\(name)>")
        }

        /// A date in format 102 (CCYYMMDD).
        mutating func date(_ name: String, _ day: CivilDate) {
            leaf(name, String(format: "%04d%02d%02d", day.year, day.month, day.day), #"format="102""#)
        }
    }
}
