import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The places' applications: the list, one application with its documents, the decision and bank details.
enum OperatorApplicationsController {
    @Sendable static func applications(_ request: Request) async throws -> Response {
        let model = try await OperatorApplicationsPage.Model.query(store: request.store, page: ListingPageQuery(request, .places))
        return Layout.response(OperatorApplicationsPage.View(model: model, context: PageContext(request)).document)
    }

    @Sendable static func place(_ request: Request) async throws -> Response {
        let id = try request.id(PlaceID.self)
        let model = try await OperatorPlacePage.Model.query(store: request.store, place: id)
        return Layout.response(OperatorPlacePage.View(model: model, context: PageContext(request), viewerEmail: request.user?.email ?? "").document)
    }

    @Sendable static func document(_ request: Request) async throws -> Response {
        let documentID = try request.id(PlaceDocumentID.self, parameter: "document")
        guard let found = try await request.store.document(documentID, of: try request.id(PlaceID.self))
        else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: found.document.contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"document-\(documentID)\"")
        return Response(status: .ok, headers: headers, body: .init(data: found.bytes))
    }
}
