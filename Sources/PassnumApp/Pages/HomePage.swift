import PassnumDomain
import PassnumPersistence
import Plot
import Vapor

enum HomeController {
    @Sendable static func show(_ request: Request) async throws -> Response {
        let model = HomePage.Model(overview: try await request.store.overview())
        return HTMLResponse.page(HomePage.render(model))
    }
}

/// The home page: what the platform holds today, in plain French.
enum HomePage {
    struct Model: Equatable {
        let overview: Overview
    }

    static func render(_ model: Model) -> HTML {
        let o = model.overview
        let stateLabels: [(CheckState, String)] = [
            (.issued, "En stock chez les financeurs"), (.allocated, "Chez les prescripteurs"),
            (.distributed, "Remis aux bénéficiaires"), (.redeemed, "Utilisés, à rembourser"),
            (.paid, "Utilisés et remboursés"), (.voided, "Opposés (perdus, volés)"),
            (.expired, "Expirés"), (.refunded, "Remboursés au financeur"),
        ]
        return Layout.page(title: "Pass numérique", body:
            .h1("Pass numérique"),
            .p("La plateforme des chèques Pass numérique : commande, remise, utilisation et remboursement."),
            .h2("Aujourd’hui sur la plateforme"),
            .dl(
                .dt("Financeurs"), .dd(.text(String(o.funders))),
                .dt("Prescripteurs"), .dd(.text(String(o.prescribers))),
                .dt("Lieux"), .dd(.text(String(o.places))),
                .dt("Programmes"), .dd(.text(String(o.programmes))),
                .dt("Carnets"), .dd(.text(String(o.booklets))),
                .dt("Bénéficiaires"), .dd(.text(String(o.beneficiaries))),
                .dt("Remboursements aux lieux"), .dd(.text("\(o.payouts) (\(o.paidOut))"))
            ),
            .h2("Les chèques"),
            .table(
                .caption("Nombre de chèques par étape"),
                .tr(.th("Étape"), .th("Chèques")),
                .forEach(stateLabels) { state, label in
                    .tr(.td(.text(label)), .td(.text(String(o.checksByState[state] ?? 0))))
                },
                .tr(.th("Total"), .td(.text(String(o.checks))))
            )
        )
    }
}

/// The frame shared by every page.
enum Layout {
    static func page(title: String, body: Node<HTML.BodyContext>...) -> HTML {
        HTML(
            .lang(.french),
            .head(
                .encoding(.utf8),
                .viewport(.accordingToDevice),
                .title(title)
            ),
            .body(.main(.group(body)))
        )
    }
}

enum HTMLResponse {
    static func page(_ html: HTML, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers, body: .init(string: html.render()))
    }
}
