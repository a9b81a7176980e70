import PassnumDomain

extension PlaceHistoryPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Historique", context: context) {
                h("h1") { "Historique des validations" }
                table(caption: "Validations des 90 derniers jours", headers: ["Numéro", "Date", "Service", "Montant", "État"], rows: model.validations.map { row in
                    [.text(row.serial.grouped), .text(row.at.map(French.dateTime) ?? ""),
                     .text(row.category.map { French.categoryShort[$0] ?? $0.rawValue } ?? ""), .text(money(row.amount)),
                     .text(row.undone ? "Annulée" : French.state(row.state))]
                })
                pager(model.position, path: SiteURL.placeHistory.path)
            }
        }
    }
}
