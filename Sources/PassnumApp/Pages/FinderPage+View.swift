import Foundation
import PassnumDomain
import PassnumPersistence

extension FinderPage {
    struct View {
        let model: Model
        let context: PageContext

        /// The whole count on a single page; the ranks shown when there are several.
        var status: String {
            let count = model.found.count
            if model.first == 1 && model.next == nil { return count == 1 ? "1 lieu trouvé." : "\(count) lieux trouvés." }
            if count == 0 { return "Aucun autre lieu." }
            return "Lieux \(model.first) à \(model.first + count - 1)."
        }

        /// The same search, after the last place of this page.
        func nextPage(_ cursor: String) -> String {
            let parameters = [("commune", model.search.text), ("departement", model.search.departement),
                              ("categorie", model.search.category?.code ?? ""), ("apres", cursor)]
            return SiteURL.places.path + "?" + parameters.filter { !$0.1.isEmpty }
                .map { $0.0 + "=" + ($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }.joined(separator: "&")
        }

        var document: Node {
            Layout.page(title: "Où utiliser mes chèques", context: context) {
                h("h1") { "Où utiliser mes chèques" }
                h("form", ["method": "get", "action": SiteURL.places.path, "class": "inline", "role": "search"]) {
                    field("Code postal ou commune", name: "commune", value: model.search.text, required: false)
                    field("Département", name: "departement", value: model.search.departement, required: false, attributes: ["size": "4"])
                    select("Service", name: "categorie", options: [("", "Tous les services")] + ServiceCategory.allCases.map { ($0.code, $0.rawValue) },
                           selected: model.search.category?.code)
                    h("button", ["type": "submit"]) { "Chercher" }
                }
                if model.cursorRefused {
                    h("p", ["class": "notice"]) { "Ce lien vers la suite n’est plus valable : voici le début des résultats." }
                }
                h("p", ["role": "status"]) { status }
                h("ul") {
                    for found in model.found {
                        let place = found.place
                        h("li") {
                            h("a", ["href": SiteURL.place(place.id).path]) { place.name }
                            " – " + place.sites.map { [$0.postcode, $0.communeName].filter { !$0.isEmpty }.joined(separator: " ") }.joined(separator: " ; ")
                            if let distance = found.kilometres { " (" + French.distance(distance) + ")" }
                            h("br")
                            h("small") { place.categories.map { French.categoryShort[$0] ?? $0.rawValue }.joined(separator: " · ") }
                        }
                    }
                }
                if let next = model.next {
                    h("p") { h("a", ["href": nextPage(next), "rel": "next"]) { "Résultats suivants" } }
                }
                h("p") {
                    "Ces données sont publiques : "
                    h("a", ["href": SiteURL.openDataCSV.path]) { "CSV" }
                    " ou "
                    h("a", ["href": SiteURL.openDataJSON.path]) { "JSON" }
                    ", au format national des lieux de médiation numérique. "
                    h("a", ["href": SiteURL.statistics.path]) { "Statistiques d’utilisation des chèques" }
                    "."
                }
            }
        }
    }
}
