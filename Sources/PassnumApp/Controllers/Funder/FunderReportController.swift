import PassnumDomain
import PassnumPersistence
import Vapor

/// The funder's report for elected officials: a page to read and print, or the same page as a file to keep.
enum FunderReportController {
    @Sendable static func report(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        let model = try await FunderReportPage.Model.query(
            store: request.store, funder: funder, programme: request.query[String.self, at: "programme"],
            from: request.query[String.self, at: "du"], to: request.query[String.self, at: "au"])
        let page = FunderReportPage.View(model: model, frame: DocumentController.printable(request))
        guard model.errors.isEmpty else { return Layout.response(page.document, errors: page.errors) }
        return DocumentController.respond(page.frame, filename: page.filename, page.document)
    }
}
