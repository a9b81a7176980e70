import PassnumDomain

extension PrescriberHistoryPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Historique", context: context) {
                h("h1") { "Historique des remises" }
                table(caption: "Chèques remis, les plus récents d’abord", headers: ["Numéro", "Personne", "Remis le", "État"], rows: model.handOuts.map {
                    [.text($0.check.serial.grouped), .text($0.beneficiary), .text($0.check.at.map(French.dateTime) ?? "—"), .text(French.state($0.check.state))]
                })
                pager(model.position, path: SiteURL.prescriberHistory.path)
            }
        }
    }
}
