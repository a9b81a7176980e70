import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Invoices and credit notes: a printable page each, also downloadable as a standalone HTML file. The operator
/// sees every document; a funder its own invoices and credit notes; a place manager its subscription invoices.
enum DocumentController {
    @Sendable static func invoice(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin, .funderManager, .placeManager)
        let invoice = try await request.store.invoice(try request.id())
        let visible = switch user.role {
        case .operatorAdmin: true
        case .funderManager: invoice.funder != nil && invoice.funder == user.organisation.funder
        default: invoice.place != nil && invoice.place == user.organisation.place
        }
        guard visible else { throw Abort(.notFound) }
        let seller = request.store.configuration.operatorAccount.account.name
        return document(request, title: "Facture \(invoice.number)", filename: "facture-\(invoice.number).html") {
            h("h1") { "Facture n° " + invoice.number }
            h("dl", ["class": "document"]) {
                h("dt") { "Date" }; h("dd") { French.date(CivilDate(invoice.issuedAt)) }
                h("dt") { "Émise par" }; h("dd") { seller }
                h("dt") { "Pour" }; h("dd") { invoice.customer }
                if let order = invoice.order { h("dt") { "Commande" }; h("dd") { "n° \(order)" } }
            }
            let amounts = invoice.amounts
            table(caption: "Détail", headers: ["Désignation", "Montant"], rows: lines(invoice).map { [.text($0.0), .text(money($0.1))] })
            h("dl", ["class": "document totals"]) {
                h("dt") { "Total hors taxes" }; h("dd") { money(amounts.face + amounts.fee) }
                h("dt") { "TVA 20 % (sur les frais seulement)" }; h("dd") { money(amounts.vat) }
                h("dt") { "Total à payer" }; h("dd") { h("strong") { money(amounts.total) } }
            }
            h("p") {
                invoice.kind == .order
                    ? "La valeur des chèques n’est pas soumise à la TVA. Seuls les frais de gestion le sont."
                    : "Cette somme est retenue sur les prochains remboursements du lieu."
            }
        }
    }

    static func lines(_ invoice: Invoice) -> [(String, Money)] {
        var lines: [(String, Money)] = []
        switch invoice.kind {
        case .order:
            lines.append(("Chèques Pass numérique – \(invoice.programme ?? "") : \(invoice.booklets) carnet(s), \(invoice.checks) chèques (sans TVA)",
                          invoice.amounts.face))
            if invoice.amounts.fee > .zero { lines.append(("Frais de gestion (hors taxes)", invoice.amounts.fee)) }
        case .subscription:
            lines.append(("Abonnement annuel \(CivilDate(invoice.issuedAt).year) (hors taxes)", invoice.amounts.fee))
        }
        return lines
    }

    @Sendable static func creditNote(_ request: Request) async throws -> Response {
        let user = try request.requireUser(.operatorAdmin, .funderManager)
        let id = try request.id()
        let notes = try await request.store.creditNotes(funder: user.role == .operatorAdmin ? nil : user.organisation.funder)
        guard let note = notes.first(where: { $0.id == id }) else { throw Abort(.notFound) }
        return document(request, title: "Avoir \(note.number)", filename: "avoir-\(note.number).html") {
            h("h1") { "Avoir n° " + note.number }
            h("dl", ["class": "document"]) {
                h("dt") { "Date" }; h("dd") { French.date(CivilDate(note.issuedAt)) }
                h("dt") { "Émis par" }; h("dd") { request.store.configuration.operatorAccount.account.name }
                h("dt") { "Pour" }; h("dd") { note.funderName }
                h("dt") { "Programme" }; h("dd") { note.programmeName }
            }
            h("p") { "\(note.checks) chèque(s) pas utilisé(s) à la fin du programme, de \(money(note.faceValue)) chacun : \(money(note.amount)) vous reviennent." }
            table(caption: "Répartition entre les financeurs du programme", headers: ["Financeur", "Part", "Montant"],
                  rows: note.shares.map { [.text($0.cofunder), .text($0.percent), .text(money($0.amount))] })
            h("dl", ["class": "document totals"]) {
                h("dt") { "Total de l’avoir" }; h("dd") { h("strong") { money(note.amount) } }
            }
        }
    }

    /// The page, or with `?telecharger` the same page as a file to keep.
    static func document(_ request: Request, title: String, filename: String, @NodeBuilder _ content: () -> [Node]) -> Response {
        let download = request.query[String.self, at: "telecharger"] != nil
        let response = Layout.response(Layout.page(title: title, request: request) {
            content()
            if !download {
                h("p", ["class": "noprint"]) { h("a", ["href": request.url.path + "?telecharger=1", "download": filename]) { "Télécharger ce document" } }
            }
        })
        if download {
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        }
        return response
    }

    /// The lists of invoices and credit notes, as table rows with links.
    static func invoiceRows(_ invoices: [Invoice]) -> [[Node]] {
        invoices.map { invoice in
            [h("a", ["href": SiteURL.invoice(invoice.id).path]) { invoice.number }, .text(French.date(CivilDate(invoice.issuedAt))),
             .text(invoice.customer), .text(invoice.kind == .order ? "Commande n° \(invoice.order.map(String.init(describing:)) ?? "")" : "Abonnement"),
             .text(money(invoice.amounts.total))]
        }
    }

    static func creditNoteRows(_ notes: [CreditNoteDocument]) -> [[Node]] {
        notes.map { note in
            [h("a", ["href": SiteURL.creditNote(note.id).path]) { note.number }, .text(French.date(CivilDate(note.issuedAt))),
             .text(note.funderName), .text(note.programmeName), .text(money(note.amount))]
        }
    }

    static let invoiceHeaders = ["Numéro", "Date", "Client", "Objet", "Total"]
    static let creditNoteHeaders = ["Numéro", "Date", "Financeur", "Programme", "Montant"]

    /// The funder's documents.
    @Sendable static func funderDocuments(_ request: Request) async throws -> Response {
        let (_, funder) = try FunderSpace.funder(request)
        let invoices = try await request.store.invoices(funder: funder)
        let notes = try await request.store.creditNotes(funder: funder)
        return Layout.response(Layout.page(title: "Factures et avoirs", request: request) {
            h("h1") { "Factures et avoirs" }
            table(caption: "Factures de vos commandes", headers: invoiceHeaders, rows: invoiceRows(invoices), empty: "aucune facture pour le moment.")
            table(caption: "Avoirs pour les chèques pas utilisés", headers: creditNoteHeaders, rows: creditNoteRows(notes),
                  empty: "aucun avoir pour le moment.")
        })
    }
}
