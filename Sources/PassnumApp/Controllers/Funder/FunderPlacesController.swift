import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The places that ask to accept a funder's checks, and the funder's decision.
enum FunderPlacesController {
    @Sendable static func places(_ request: Request) async throws -> Response {
        let (_, funder) = try FunderSpace.funder(request)
        let rows = try await request.store.affiliations(of: funder)
        let labels: [AffiliationState: String] = [.requested: "Demande en attente", .approved: "Accepté", .refused: "Refusé"]
        return Layout.response(Layout.page(title: "Lieux", request: request) {
            h("h1") { "Lieux qui acceptent mes chèques" }
            Layout.notice(request)
            table(caption: "Demandes des lieux", headers: ["Lieu", "Code postal", "Habilitation", "Ma décision", "Décider"], rows: rows.map { row in
                [.text(row.place.name), .text(row.place.postcode), .text(French.placeState(row.place.state)), .text(labels[row.state] ?? ""),
                 h("form", ["method": "post", "action": SiteURL.funderAffiliation(row.place.id.rawValue).path, "class": "inline"]) {
                     csrfField(request)
                     if row.state != .approved && row.place.state == .qualified {
                         h("button", ["type": "submit", "name": "decision", "value": "approve"]) { "Accepter" }
                     }
                     if row.state != .refused {
                         h("button", ["type": "submit", "name": "decision", "value": "refuse", "class": "secondary"]) { "Refuser" }
                     }
                 }]
            })
        })
    }

    struct DecisionForm: Content { var decision: String? }

    @Sendable static func decideAffiliation(_ request: Request) async throws -> Response {
        let (_, funder) = try FunderSpace.funder(request)
        let place = PlaceID(try request.id())
        guard try await request.store.affiliations(of: funder).contains(where: { $0.place.id == place }) else { throw Abort(.notFound) }
        let decision = try request.content.decode(DecisionForm.self).decision
        guard decision == "approve" || decision == "refuse" else { throw Abort(.badRequest) }
        do {
            try await request.store.decideAffiliation(place: place, funder: funder, approve: decision == "approve")
        } catch let error as DomainError {
            return request.redirect(to: .funderPlaces, notice: "Non fait : " + French.message(for: error))
        }
        return request.redirect(to: .funderPlaces, notice: decision == "approve" ? "Lieu accepté." : "Lieu refusé.")
    }
}
