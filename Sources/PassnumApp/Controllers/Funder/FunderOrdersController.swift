import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A funder's orders of booklets: ordering, accepting the quote or cancelling, and the booklets to print once fulfilled.
enum FunderOrdersController {
    struct OrderForm: Content {
        var programme: String?
        var booklets: String?
        var engagementNumber: String?
    }

    @Sendable static func orders(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        return try await ordersPage(request, funder: funder)
    }

    static func ordersPage(_ request: Request, funder: FunderID, form: OrderForm = OrderForm(), errors: FormErrors = FormErrors()) async throws -> Response {
        let model = try await FunderOrdersPage.Model.query(store: request.store, funder: funder, page: ListingPageQuery(request, .orders))
        return Layout.response(FunderOrdersPage.View(model: model, context: PageContext(request), form: form, errors: errors).document, errors: errors)
    }

    /// The order's booklets, ready to print: written to a temporary file, streamed, then deleted.
    static func booklets(_ request: Request, format: BookletPrinting.Format) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        let order: PrintableOrder
        do {
            order = try await request.store.printableOrder(try request.id(OrderID.self), funder: funder)
        } catch DomainError.notFound {
            throw Abort(.notFound)
        } catch DomainError.invalidTransition {
            return request.redirect(to: .funderOrders, error: "Les carnets existent une fois la commande livrée.")
        }
        // Every serial and security code of the order: readable by this process only, removed once sent.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-print-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw Abort(.internalServerError)
        }
        do {
            _ = try await BookletPrinting.write(order, store: request.store, publicBaseURL: request.application.webSettings.publicBaseURL,
                                                format: format, to: handle)
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        let name = "carnets-commande-\(order.order).\(format == .pdf ? "pdf" : "csv")"
        let response: Response
        do {
            response = try await request.fileio.asyncStreamFile(
                at: path, mediaType: format == .pdf ? .pdf : HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"]),
                onCompleted: { _ in try? FileManager.default.removeItem(atPath: path) })
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }

    @Sendable static func createOrder(_ request: Request) async throws -> Response {
        let (user, funder) = try request.organisation(\.funder)
        let form = try request.content.decode(OrderForm.self)
        var errors = FormErrors()
        let programme = ProgrammeID(text: form.programme)
        let booklets = errors.number(form.booklets, field: "booklets", "Indiquez un nombre de carnets, par exemple 100.")
        if let programme, let booklets {
            do {
                _ = try await request.store.createOrder(programme: programme, booklets: booklets, engagementNumber: form.engagementNumber,
                                                        actor: Actor(user))
                return request.redirect(to: .funderOrders, notice: "Commande créée.")
            } catch let error as DomainError {
                errors.add(error)
            }
        } else if programme == nil {
            errors.add("programme", "Choisissez un programme.")
        }
        return try await ordersPage(request, funder: funder, form: form, errors: errors)
    }

    struct StepForm: Content { var etape: String? }

    @Sendable static func moveOrder(_ request: Request) async throws -> Response {
        let (user, funder) = try request.organisation(\.funder)
        let order = try request.id(OrderID.self)
        // Another funder's order is not found, whatever the form says (the store checks again when it moves it).
        guard try await request.store.funder(ofOrder: order) == funder else { throw Abort(.notFound) }
        guard let target = try request.content.decode(StepForm.self).etape.flatMap(OrderState.init(rawValue:)) else { throw Abort(.badRequest) }
        if funderStepsToConfirm.contains(target), !request.confirmed {
            return request.confirmation(at: SiteURL.funderOrderStep(order).path, [("etape", target.rawValue)])
        }
        return try await request.redirect(to: .funderOrders, refused: "Non fait", notFoundIsPage: true) {
            try await request.store.moveOrder(order, to: target, actor: Actor(user))
            return "Commande n° \(order) : " + French.orderState(target) + "."
        }
    }

    /// The steps with no way back: a cancelled order never resumes, an invoice keeps its number (only a credit note
    /// corrects it), issued booklets exist. Each is confirmed on its own page first.
    static let stepsToConfirm: Set<OrderState> = [.invoiced, .fulfilled, .cancelled]
    /// Of those, the one a funder may take: invoicing and issuing are the operator's (the store refuses them to a funder),
    /// so a funder is never asked to confirm them.
    static let funderStepsToConfirm: Set<OrderState> = [.cancelled]

    @Sendable static func confirmMove(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        let order = try request.id(OrderID.self)
        guard try await request.store.funder(ofOrder: order) == funder else { throw Abort(.notFound) }
        return try await confirmStep(request, order: order, action: .funderOrderStep(order), back: .funderOrders, steps: funderStepsToConfirm)
    }

    /// The order's figures and what the step (`etape` in the address) will do, to confirm first.
    static func confirmStep(_ request: Request, order id: OrderID, action: SiteURL, back: SiteURL,
                            steps: Set<OrderState> = stepsToConfirm) async throws -> Response {
        guard let target = request.query[String.self, at: "etape"].flatMap(OrderState.init(rawValue:)), steps.contains(target) else {
            throw Abort(.badRequest)
        }
        let order = try await request.store.order(id)
        let terms = try await request.store.programme(order.programme).terms
        let (title, warning) = switch target {
        case .invoiced: ("Faire la facture de la commande n° \(id) ?",
                         "La facture reçoit son numéro et part au financeur. Elle ne pourra plus être supprimée : seul un avoir pourra la corriger.")
        case .fulfilled: ("Émettre les carnets de la commande n° \(id) ?",
                          "Les carnets et leurs chèques seront créés, prêts à imprimer. Cela ne peut pas être annulé.")
        default: ("Annuler la commande n° \(id) ?",
                  "Aucun carnet ne sera émis ni facturé pour cette commande. Une commande annulée ne reprend pas : il faudra en passer une nouvelle.")
        }
        let view = ConfirmationPage.View(
            context: PageContext(request), title: title,
            facts: [("Commande", "n° \(id)"), ("Programme", terms.name), ("Carnets", "\(order.booklets)"),
                    ("Chèques", "\(order.booklets * terms.checksPerBooklet)"), ("Valeur des chèques", money(order.faceTotal)),
                    ("Total de la commande", money(order.amounts.total)), ("Après confirmation", French.orderState(target))],
            warning: warning, action: action.path, fields: [("etape", target.rawValue)], back: back.path)
        return Layout.response(view.document)
    }
}
