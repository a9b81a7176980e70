import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing

/// The pages besides each role's main one, rendered from fixed models: what each shows depends only on its model.
@Suite("Pages rendered from a model")
struct PageViewTests {
    static let context = PageContext(csrfToken: "jeton", viewer: .init(name: "Camille", role: .funderManager))

    static func order(_ state: OrderState) -> OrderRow {
        OrderRow(summary: OrderSummary(id: OrderID(7), programme: ProgrammeID(1), booklets: 10, faceTotal: Money(cents: 10_000),
                                       fee: Money(cents: 500), vat: Money(cents: 100), state: state),
                 programmeName: "Pass 2026")
    }

    static func ordersPage(_ state: OrderState) -> String {
        FunderOrdersPage.View(model: .init(orders: [order(state)], openProgrammes: []), context: context).document.rendered
    }

    @Test("A funder's order shows the funder's own next step only: accept a quote, print a fulfilled order, wait otherwise")
    func orderSteps() {
        let quoted = Self.ordersPage(.quoted)
        #expect(quoted.contains("value=\"signed\"") && quoted.contains("Accepter le devis"))
        #expect(quoted.contains("action=\"/financeur/commandes/7/etape\""))
        let fulfilled = Self.ordersPage(.fulfilled)
        #expect(fulfilled.contains(SiteURL.funderBookletsPDF(OrderID(7)).path) && !fulfilled.contains("Accepter le devis"))
        let paid = Self.ordersPage(.paid)
        #expect(paid.contains("En attente des carnets, émis par l’opérateur.") && !paid.contains("name=\"etape\""))
        #expect(Self.ordersPage(.draft).contains("Créez d’abord un programme."))
    }

    @Test("A funder may accept a place only once it is qualified, and refuse it unless already refused")
    func affiliationButtons() {
        func page(_ place: PlaceState, _ decision: AffiliationState) -> String {
            let row = AffiliationRow(place: PlaceRow(id: PlaceID(3), name: "Médiathèque", commune: "Lille", postcode: "59000", state: place, reason: nil),
                                     state: decision)
            return FunderPlacesPage.View(model: .init(requests: [row]), context: Self.context).document.rendered
        }
        #expect(page(.qualified, .requested).contains("value=\"approve\""))
        #expect(!page(.submitted, .requested).contains("value=\"approve\""))
        #expect(!page(.qualified, .approved).contains("value=\"approve\""))
        #expect(page(.qualified, .approved).contains("value=\"refuse\""))
        #expect(!page(.qualified, .refused).contains("value=\"refuse\""))
        #expect(page(.qualified, .refused).contains("<td>Refusé</td>"))
    }

    @Test("The public check page says whether a place may still accept the check")
    func checkResult() {
        let status = Self.checkStatus(.distributed)
        let usable = CheckPage.View(model: .init(status: status, usable: true), context: PageContext(csrfToken: "jeton")).document.rendered
        #expect(usable.contains("Ce chèque est valable") && usable.contains(SiteURL.places.path + "\">Trouver un lieu"))
        let spent = CheckPage.View(model: .init(status: status, usable: false), context: PageContext(csrfToken: "jeton")).document.rendered
        #expect(spent.contains("Ce chèque ne peut pas être utilisé") && !spent.contains("Trouver un lieu où l’utiliser"))
        let empty = CheckPage.View(model: nil, context: PageContext(csrfToken: "jeton")).document.rendered
        #expect(!empty.contains("id=\"resultat\"") && empty.contains("role=\"img\"") && empty.contains("repère 1"))
    }

    static func checkStatus(_ state: CheckState, redeemedOn: String? = nil, voidReason: String? = nil, prescriber: String? = "CCAS de Lille") -> PublicCheckStatus {
        PublicCheckStatus(state: state, faceValue: Money(cents: 1_000), funderName: "Département du Nord", programmeName: "Pass 2026",
                          lastDay: PageSnapshotTests.day("2026-12-31"), redeemedOn: redeemedOn.map(PageSnapshotTests.day), voidReason: voidReason,
                          prescriberName: prescriber)
    }

    @Test("The public check page answers in words for each state, and says whom to ask", arguments: [
        (CheckState.distributed, true, nil, nil, "Ce chèque est valable jusqu’au 31 décembre 2026. Vous pouvez l’utiliser dans un lieu partenaire."),
        (.distributed, false, nil, nil, "Le dernier jour pour utiliser ce chèque était le 31 décembre 2026."),
        (.expired, false, nil, nil, "Le dernier jour pour utiliser ce chèque était le 31 décembre 2026."),
        (.allocated, false, nil, nil, "Ce chèque n’a pas encore été remis à une personne."),
        (.redeemed, false, "2026-11-03", nil, "Ce chèque a déjà été utilisé le 3 novembre 2026."),
        (.paid, false, nil, nil, "Ce chèque a déjà été utilisé. Un chèque ne sert qu’une fois."),
        (.voided, false, nil, "lost", "Ce chèque a été déclaré perdu ou volé."),
        (.voided, false, nil, "reversed", "Ce chèque a été annulé."),
    ] as [(CheckState, Bool, String?, String?, String)])
    func checkAnswer(state: CheckState, usable: Bool, redeemedOn: String?, voidReason: String?, sentence: String) {
        let model = CheckPage.Model(status: Self.checkStatus(state, redeemedOn: redeemedOn, voidReason: voidReason), usable: usable)
        let page = CheckPage.View(model: model, context: PageContext(csrfToken: "jeton"), contact: "aide@passnum.example").document.rendered
        #expect(page.contains(sentence))
        #expect(!page.contains("État"))
        #expect(page.contains("La structure qui vous a remis le chèque\u{00A0}: CCAS de Lille.") && page.contains("mailto:aide@passnum.example"))
    }

    @Test("A statement lists its deductions only when there are some, and links to its own CSV")
    func statement() {
        let line = PlaceStatementPage.Line(serial: PageSnapshotTests.serial(10_000_000_001),
                                           redeemedAt: Date(timeIntervalSince1970: 1_780_000_000), category: nil, funder: "Nord",
                                           amount: Money(cents: 1_000))
        var model = PlaceStatementPage.Model(payout: PayoutID(42), period: "2026-05", state: .settled, gross: Money(cents: 1_000),
                                             net: Money(cents: 1_000), deductions: [], totalsByFunder: [.init(funder: "Nord", amount: Money(cents: 1_000))],
                                             lines: [line])
        let plain = PlaceStatementPage.View(model: model, context: Self.context).document.rendered
        #expect(plain.contains(SiteURL.placeStatementCSV(PayoutID(42)).path) && !plain.contains("Retenues"))
        #expect(plain.contains("Relevé de remboursement – mai 2026") && plain.contains("– fait"))
        model.deductions = [StatementDeduction(kind: .subscription, reference: "F-2026-1", detail: "2026", amount: Money(cents: 300))]
        let deducted = PlaceStatementPage.View(model: model, context: Self.context).document.rendered
        #expect(deducted.contains("Retenues") && deducted.contains("Abonnement 2026 (facture F-2026-1)"))
    }

    @Test("A form's fields are read with every mistake next to its field")
    func formFields() {
        var errors = FormErrors()
        #expect(errors.number(" 12 ", field: "a", in: 1...50, "a") == 12)
        #expect(errors.number("51", field: "b", in: 1...50, "b") == nil)
        #expect(errors.number("douze", field: "c", "c") == nil)
        #expect(errors.optionalNumber("  ", field: "d", "d") == nil)
        #expect(errors.optionalNumber("0", field: "e", in: 1...Int.max, "e") == nil)
        #expect(errors.required(" \n", field: "f", "f") == "")
        #expect(errors.required(" Lille ", field: "g", "g") == "Lille")
        #expect(errors.serial("1000 0000 0017") != nil)
        #expect(errors.serial("1000 0000 0018") == nil)
        #expect(errors.serial("12", field: "h") == nil)
        #expect(errors.messages.map(\.field) == ["b", "c", "e", "f", "serial", "h"])
        #expect(errors["h"] == "Le numéro doit compter 12 chiffres.")
    }
}
