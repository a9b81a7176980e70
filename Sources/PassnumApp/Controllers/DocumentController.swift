import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Invoices and credit notes: a printable page each, also downloadable as a standalone HTML file. The operator
/// sees every document; a funder its own invoices and credit notes; a place manager its subscription invoices.
enum DocumentController {
    @Sendable static func invoice(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let model = try await InvoicePage.Model.query(store: request.store, invoice: try request.id())
        let invoice = model.invoice
        let visible = switch user.role {
        case .operatorAdmin: true
        case .funderManager: invoice.funder != nil && invoice.funder == user.organisation.funder
        default: invoice.place != nil && invoice.place == user.organisation.place
        }
        guard visible else { throw Abort(.notFound) }
        let frame = printable(request)
        return respond(frame, filename: InvoicePage.filename(invoice), InvoicePage.View(model: model, frame: frame).document)
    }

    @Sendable static func creditNote(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        let id = try request.id(CreditNoteID.self)
        guard let model = try await CreditNotePage.Model.query(store: request.store, note: id, funder: user.role == .operatorAdmin ? nil : user.organisation.funder) else {
            throw Abort(.notFound)
        }
        let frame = printable(request)
        return respond(frame, filename: CreditNotePage.filename(model.note), CreditNotePage.View(model: model, frame: frame).document)
    }

    /// The document as a page, or with `?telecharger` as a file to keep.
    static func printable(_ request: Request) -> PrintableDocument {
        PrintableDocument(context: PageContext(request), path: request.url.path, download: request.query[String.self, at: "telecharger"] != nil)
    }

    static func respond(_ frame: PrintableDocument, filename: String, _ page: Node) -> Response {
        let response = Layout.response(page)
        if frame.download {
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        }
        return response
    }

    /// The funder's documents.
    @Sendable static func funderDocuments(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        return try await billingDocuments(request, funder: funder)
    }

    /// The invoices and credit notes of a funder (every one when nil, for the operator), the page each link asks for.
    static func billingDocuments(_ request: Request, funder: FunderID?) async throws -> Response {
        let model = try await BillingDocumentsPage.Model.query(
            store: request.store, funder: funder, invoicePage: ListingPageQuery(request, .invoices),
            creditNotePage: ListingPageQuery(request, .creditNotes, parameter: BillingDocumentsPage.creditNoteParameter))
        return Layout.response(BillingDocumentsPage.View(model: model, context: PageContext(request)).document)
    }
}
