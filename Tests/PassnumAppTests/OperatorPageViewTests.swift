import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing

/// The operator's pages, the bank details, API keys and documents, rendered from fixed models: what each shows
/// depends only on its model and on who looks at it.
@Suite("Operator and shared pages rendered from a model")
struct OperatorPageViewTests {
    static let admin = PageContext(csrfToken: "jeton", viewer: .init(name: "Alex", role: .operatorAdmin))
    static let instant = Date(timeIntervalSince1970: 1_790_000_000)

    static func order(_ state: OrderState, received: Money = .zero) -> OperatorOrderPage.Model {
        let summary = OrderSummary(id: OrderID(7), programme: ProgrammeID(1), booklets: 10, faceTotal: Money(cents: 100_000),
                                   fee: Money(cents: 500), vat: Money(cents: 100), state: state)
        return OperatorOrderPage.Model(order: OrderListing(summary: summary, funder: "Département du Nord", programme: "Pass 2026", received: received),
                                       payments: [], today: PageSnapshotTests.day("2026-11-29"))
    }

    @Test("An order's page offers the operator its own next step only, and the payment form while the invoice is unpaid")
    func orderSteps() {
        func page(_ state: OrderState) -> String {
            OperatorOrderPage.View(model: Self.order(state), context: Self.admin).document.rendered
        }
        #expect(page(.draft).contains("value=\"quoted\""))
        // The funder signs the quote: the operator can only cancel it meanwhile.
        let quoted = page(.quoted)
        #expect(!quoted.contains("value=\"signed\"") && quoted.contains("value=\"cancelled\"") && quoted.contains("En attente de la signature"))
        #expect(page(.signed).contains("value=\"invoiced\""))
        let invoiced = page(.invoiced)
        #expect(invoiced.contains("Noter un paiement reçu") && invoiced.contains("value=\"2026-11-29\""))
        #expect(!page(.paid).contains("Noter un paiement reçu") && page(.paid).contains("value=\"fulfilled\""))
        #expect(!page(.fulfilled).contains("name=\"etape\""))
    }

    @Test("A payment typed wrong comes back as typed, with its error next to the field")
    func paymentForm() {
        var errors = FormErrors()
        errors.add("amount", "Indiquez le montant reçu, par exemple 1 250,50.")
        let form = OperatorOrdersController.PaymentForm(amount: "douze", valueDate: "2026-11-02", bankReference: "VIR 42")
        let page = OperatorOrderPage.View(model: Self.order(.invoiced), context: Self.admin, form: form, errors: errors).document.rendered
        #expect(page.contains("value=\"douze\"") && page.contains("value=\"2026-11-02\"") && page.contains("value=\"VIR 42\""))
        #expect(page.contains("id=\"amount-erreur\"") && page.contains("role=\"alert\""))
    }

    static func change(_ state: BankDetailsReview.State, proposedBy: String) -> BankDetailsChange {
        BankDetailsChange(id: BankDetailsChangeID(5), place: PlaceID(3), holder: "Médiathèque", iban: "FR7630006000011234567890189",
                          bic: "AGRIFRPP", previousIBAN: nil, reason: "changement de banque", proposedBy: proposedBy,
                          proposerKind: .operator, proposedAt: instant, state: state, decidedBy: nil, decidedAt: nil, decisionReason: nil)
    }

    @Test("The admin who proposed a bank change is not offered its decision; another admin is")
    func fourEyes() {
        let changes = [Self.change(.pending, proposedBy: "alex@operateur.fr")]
        let own = BankDetailsViews.operatorSection(Self.admin, viewerEmail: "Alex@Operateur.fr", place: PlaceID(3), changes: changes).rendered
        #expect(own.contains("un autre administrateur doit le vérifier") && !own.contains("name=\"decision\""))
        let other = BankDetailsViews.operatorSection(Self.admin, viewerEmail: "sam@operateur.fr", place: PlaceID(3), changes: changes).rendered
        #expect(other.contains("name=\"decision\"") && other.contains(SiteURL.operatorBankDecision(BankDetailsChangeID(5)).path))
        let pending = PendingBankDetailsPage.View(model: .init(pending: [.init(change: changes[0], placeName: "Médiathèque")]), context: Self.admin,
                                                  viewerEmail: "alex@operateur.fr").document.rendered
        #expect(pending.contains("alex@operateur.fr (vous)") && !pending.contains("FR7630006000011234567890189"))
    }

    @Test("A place sees the account paid and the change waiting for the operator, with full IBANs only for its own details")
    func placeBankDetails() {
        let model = PlaceBankDetailsPage.Model(changes: [Self.change(.pending, proposedBy: "gerant@lieu.fr"), Self.change(.verified, proposedBy: "gerant@lieu.fr")])
        let page = PlaceBankDetailsPage.View(model: model, context: Self.admin).document.rendered
        #expect(page.contains("Changement en attente") && page.contains("<h2>Compte qui reçoit les remboursements</h2><dl>"))
        let none = PlaceBankDetailsPage.View(model: .init(changes: []), context: Self.admin).document.rendered
        #expect(none.contains("Aucun compte vérifié") && !none.contains("Changement en attente"))
    }

    static func invoice(fee: Money, funder: FunderID?) -> Invoice {
        Invoice(id: InvoiceID(4), number: "2026-0004", kind: .order, order: OrderID(7), funder: funder, place: nil, customer: "Département du Nord",
                amounts: InvoiceAmounts(face: Money(cents: 100_000), fee: fee, vat: Money(cents: fee.cents / 5)), issuedAt: instant,
                programme: "Pass 2026", booklets: 10, checks: 100)
    }

    @Test("An order's invoice has a fee line only with a fee; its downloaded file has no download link")
    func invoiceDocument() {
        #expect(InvoicePage.Model(invoice: Self.invoice(fee: .zero, funder: FunderID(1)), seller: "Opérateur").lines.count == 1)
        let model = InvoicePage.Model(invoice: Self.invoice(fee: Money(cents: 2_000), funder: FunderID(1)), seller: "Opérateur")
        #expect(model.lines.map(\.amount) == [Money(cents: 100_000), Money(cents: 2_000)])
        let shown = PrintableDocument(context: Self.admin, path: "/factures/4", download: false)
        let page = InvoicePage.View(model: model, frame: shown).document.rendered
        #expect(page.contains("href=\"/factures/4?telecharger=1\"") && page.contains("download=\"facture-2026-0004.html\""))
        let file = InvoicePage.View(model: model, frame: PrintableDocument(context: Self.admin, path: "/factures/4", download: true)).document.rendered
        #expect(!file.contains("telecharger") && file.contains("Facture n° 2026-0004"))
        #expect(page.contains("TVA 20 % (sur les frais seulement)"))
        // The VAT line states the invoice's own rate, not today's.
        let older = Invoice(id: InvoiceID(5), number: "2026-0005", kind: .order, order: OrderID(8), funder: FunderID(1), place: nil,
                            customer: "Département du Nord",
                            amounts: InvoiceAmounts(face: Money(cents: 100_000), fee: Money(cents: 2_000), vat: Money(cents: 110), vatRate: 550),
                            issuedAt: Self.instant, programme: "Pass 2026", booklets: 10, checks: 100)
        let olderPage = InvoicePage.View(model: InvoicePage.Model(invoice: older, seller: "Opérateur"), frame: shown).document.rendered
        #expect(olderPage.contains("TVA 5,50 % (sur les frais seulement)") && !olderPage.contains("TVA 20"))
    }

    @Test("The operator's list of documents links to the fees; a funder's list says the documents are its own")
    func billingDocuments() {
        let invoices = [Self.invoice(fee: .zero, funder: FunderID(1))]
        let operatorPage = BillingDocumentsPage.View(model: .init(funder: nil, invoices: invoices, creditNotes: []), context: Self.admin).document.rendered
        #expect(operatorPage.contains(SiteURL.operatorFees.path) && operatorPage.contains("<caption>Factures</caption>"))
        #expect(operatorPage.contains("Avoirs\u{00A0}: aucun avoir pour le moment."))
        let funderPage = BillingDocumentsPage.View(model: .init(funder: FunderID(1), invoices: invoices, creditNotes: []), context: Self.admin)
            .document.rendered
        #expect(!funderPage.contains(SiteURL.operatorFees.path) && funderPage.contains("<caption>Factures de vos commandes</caption>"))
    }

    @Test("A month already paid out is not offered to run again; the preview's total is what would be transferred")
    func payouts() {
        let month = PageSnapshotTests.month("2026-10")
        let line = OperatorPayoutsPage.PreviewLine(place: NamedRow(id: 3, name: "Médiathèque"), checks: 4, amount: Money(cents: 4_000),
                                                   net: Money(cents: 2_500), hasBankDetails: false)
        let open = OperatorPayoutsPage.View(model: .init(month: month, preview: [line], total: line.net, runs: [], batches: []), context: Self.admin).document.rendered
        #expect(open.contains("Rembourser les lieux pour") && open.contains("Total à virer\u{00A0}: 25,00"))
        #expect(open.contains("<td>15,00") && open.contains("retenu\u{00A0}: pas de coordonnées bancaires vérifiées"))
        let run = PayoutRunResult(month: month, ran: true, payouts: 1, checks: 4, total: Money(cents: 2_500))
        let done = OperatorPayoutsPage.View(model: .init(month: month, preview: [], total: .zero, runs: [run], batches: []), context: Self.admin).document.rendered
        #expect(!done.contains("Rembourser les lieux pour") && done.contains("ont déjà été faits"))
    }

    @Test("A new API key is shown once, and only the rights the organisation may give are offered")
    func apiKeys() {
        let model = ApiKeysPage.Model(keys: [], allowedScopes: [.readStock])
        let page = ApiKeysPage.View(model: model, context: Self.admin, created: "pn_secret").document.rendered
        #expect(page.contains("pn_secret") && page.contains("value=\"\(ApiScope.readStock.rawValue)\""))
        #expect(!page.contains("value=\"\(ApiScope.validate.rawValue)\""))
        #expect(!ApiKeysPage.View(model: model, context: Self.admin).document.rendered.contains("Copiez cette clé"))
    }
}
