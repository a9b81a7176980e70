import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A programme's target publics: shown to its funder and changed by it at any time.
enum TargetPublicsController {
    struct PublicsForm: Content {
        var publics: [String]?
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        guard let model = try await TargetPublicsPage.Model.query(store: request.store, funder: funder, programme: try request.id()) else {
            throw Abort(.notFound)
        }
        return Layout.response(TargetPublicsPage.View(model: model, context: PageContext(request)).document)
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let id: ProgrammeID = try request.id()
        // Checkboxes send only known codes; anything else is not a public and is left out, like an unticked box.
        let form = try request.content.decode(PublicsForm.self)
        let publics = Set((form.publics ?? []).prefix(TargetPublic.allCases.count * 2).compactMap(TargetPublic.init(rawValue:)))
        do {
            // The store finds only the acting funder's programmes: another's is the 404 page, as on the GET.
            try await request.store.setTargetPublics(publics, programme: id, actor: Actor(user))
        } catch DomainError.notFound {
            throw Abort(.notFound)
        }
        return request.redirect(to: .funderTargetPublics(id), notice: "Publics visés enregistrés.")
    }
}
