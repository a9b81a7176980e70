import Foundation
import PassnumPersistence
import Vapor

/// Where a page of a listing stands, as its view needs it: the next page's cursor, whether this is the first page,
/// whether the link's cursor was refused (then the first page is shown), and the query parameter that carries the
/// cursor (two lists on one page have one each).
struct PagePosition: Sendable, Equatable {
    var next: String?
    var isFirst = true
    var refused = false
    var parameter = ListingPageQuery.parameter

    init(next: String? = nil, isFirst: Bool = true, refused: Bool = false, parameter: String = ListingPageQuery.parameter) {
        self.next = next
        self.isFirst = isFirst
        self.refused = refused
        self.parameter = parameter
    }

    init<Row>(_ page: Page<Row>, _ asked: ListingPageQuery) {
        self.init(next: page.next?.token, isFirst: asked.page.after == nil, refused: asked.refused, parameter: asked.parameter)
    }

    static let single = PagePosition()
}

/// The page of a listing a web page's link asks for: `apres` is the cursor. A cursor that does not read (an old or
/// edited link, another list's) gives the first page, with a notice, never an error.
struct ListingPageQuery: Sendable, Equatable {
    static let parameter = "apres"

    var page: PageRequest
    var refused: Bool
    var parameter: String

    init(page: PageRequest = .first, refused: Bool = false, parameter: String = ListingPageQuery.parameter) {
        self.page = page
        self.refused = refused
        self.parameter = parameter
    }

    init(_ request: Request, _ listing: Listing, parameter: String = ListingPageQuery.parameter) {
        guard let token = request.query[String.self, at: parameter], !token.isEmpty else {
            self.init(parameter: parameter)
            return
        }
        let cursor = Cursor(token: token, for: listing)
        self.init(page: PageRequest(after: cursor), refused: cursor == nil, parameter: parameter)
    }
}

/// The links under a paged list: back to the first page, and "Suivants →" (plain links: reached with Tab, followed with
/// Enter). `parameters` are the list's other query parameters (a search), kept on both links. Nothing on a single page.
func pager(_ position: PagePosition, path: String, parameters: [(name: String, value: String)] = []) -> Node {
    func link(_ cursor: String?) -> String {
        let query = (parameters + (cursor.map { [(position.parameter, $0)] } ?? [])).filter { !$0.1.isEmpty }
            .map { $0.0 + "=" + ($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }
    guard position.next != nil || !position.isFirst || position.refused else { return group {} }
    return h("nav", ["class": "pager", "aria-label": "Pages de la liste"]) {
        if position.refused {
            h("p", ["class": "notice", "role": "status"]) { "Ce lien vers la suite n’est plus valable : voici la première page." }
        }
        if !position.isFirst || position.next != nil {
            h("ul") {
                if !position.isFirst { h("li") { h("a", ["href": link(nil), "rel": "first"]) { "← Première page" } } }
                if let next = position.next { h("li") { h("a", ["href": link(next), "rel": "next"]) { "Suivants →" } } }
            }
        }
    }
}
