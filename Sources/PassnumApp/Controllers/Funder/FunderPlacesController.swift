import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The places that ask to accept a funder's checks, and the funder's decision.
enum FunderPlacesController {
    @Sendable static func places(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        let model = try await FunderPlacesPage.Model.query(store: request.store, funder: funder, page: ListingPageQuery(request, .affiliations))
        return Layout.response(FunderPlacesPage.View(model: model, context: PageContext(request)).document)
    }

    struct DecisionForm: Content { var decision: String? }

    @Sendable static func decideAffiliation(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        let place = try request.id(PlaceID.self)
        guard try await request.store.isAffiliated(place, to: funder) else { throw Abort(.notFound) }
        let decision = try request.content.decode(DecisionForm.self).decision
        guard decision == "approve" || decision == "refuse" else { throw Abort(.badRequest) }
        return try await request.redirect(to: .funderPlaces, refused: "Non fait") {
            try await request.store.decideAffiliation(place: place, funder: funder, approve: decision == "approve")
            return decision == "approve" ? "Lieu accepté." : "Lieu refusé."
        }
    }
}
