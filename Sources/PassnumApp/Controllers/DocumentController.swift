import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Invoices and credit notes: a printable page each, also downloadable as a standalone HTML file. The operator
/// sees every document; a funder its own invoices and credit notes; a place manager its subscription invoices.
enum DocumentController {
    @Sendable static func invoice(_ request: Request) async throws -> Response {
        let model = try await InvoicePage.Model.query(store: request.store, invoice: try await visibleInvoice(request))
        let frame = printable(request)
        return respond(frame, filename: InvoicePage.filename(model.invoice), InvoicePage.View(model: model, frame: frame).document)
    }

    /// The invoice the path names, if the signed-in user may see it; 404 otherwise, as for one that does not exist.
    static func visibleInvoice(_ request: Request) async throws -> Invoice {
        let user = try request.signedInUser
        let invoice = try await request.store.invoice(try request.id())
        let visible = switch user.role {
        case .operatorAdmin: true
        case .funderManager: invoice.funder != nil && invoice.funder == user.organisation.funder
        default: invoice.place != nil && invoice.place == user.organisation.place
        }
        guard visible else { throw Abort(.notFound) }
        return invoice
    }

    /// The invoice's Factur-X XML (CII, EN 16931), to upload to Chorus Pro: same access as the page. The journal's
    /// witness is printed on the page only: the XML must stay the same file at every download and in the month's
    /// export, which reads no witness.
    @Sendable static func invoiceXML(_ request: Request) async throws -> Response {
        try eInvoice(request, .invoice(try await visibleInvoice(request)))
    }

    /// The credit note's Factur-X XML: same access as the page.
    @Sendable static func creditNoteXML(_ request: Request) async throws -> Response {
        let user = try request.signedInUser
        guard let document = try await request.store.eCreditNote(try request.id(CreditNoteID.self),
                                                                 funder: user.role == .operatorAdmin ? nil : user.organisation.funder) else {
            throw Abort(.notFound)
        }
        return try eInvoice(request, document)
    }

    /// The XML as a file to keep, or a page saying which setting the operator must add (never an invalid e-invoice).
    static func eInvoice(_ request: Request, _ document: EDocument) throws -> Response {
        let xml: String
        do {
            xml = try FacturXWording.xml(document, seller: request.store.configuration.operatorAccount)
        } catch {
            request.logger.warning("e-invoice \(document.number) refused: \(error)")
            let why = switch error {
            case .sellerVATMissing: "l’opérateur doit d’abord indiquer son numéro de TVA."
            case .sellerUnidentified: "l’opérateur doit d’abord indiquer son SIRET."
            case .outsideScopeMixed, .noLines: "ce document ne respecte pas les règles de la facture électronique. L’opérateur est prévenu."
            }
            let page = ErrorPage.View(status: .conflict, message: "La facture électronique ne peut pas encore être produite : " + why,
                                      context: PageContext(request))
            return Layout.response(page.document, status: .conflict)
        }
        let response = Response(status: .ok, body: .init(string: xml))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "xml", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(FacturXWording.filename(document))\"")
        return response
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
