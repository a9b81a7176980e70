import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A funder's orders of booklets: ordering, accepting the quote or cancelling, and the booklets to print once fulfilled.
enum FunderOrdersController {
    struct OrderForm: Content {
        var programme: String?
        var booklets: String?
    }

    @Sendable static func orders(_ request: Request) async throws -> Response {
        let (_, funder) = try FunderSpace.funder(request)
        return try await ordersPage(request, funder: funder, form: OrderForm(), errors: FormErrors())
    }

    static func ordersPage(_ request: Request, funder: FunderID, form: OrderForm, errors: FormErrors) async throws -> Response {
        let orders = try await request.store.orders(of: funder)
        let programmes = try await request.store.programmes(of: funder).filter { !$0.programme.expired }
        return Layout.response(Layout.page(title: "Commandes", request: request) {
            h("h1") { "Commandes de carnets" }
            Layout.notice(request)
            table(caption: "Mes commandes", headers: ["N°", "Programme", "Carnets", "Montant", "État", "Étape suivante"], rows: orders.map { order in
                [.text(String(order.summary.id.rawValue)), .text(order.programmeName), .text(String(order.summary.booklets)),
                 .text(money(order.summary.amounts.total)), .text(French.orderState(order.summary.state)), stepForm(request, order.summary)]
            })
            h("h2") { "Nouvelle commande" }
            if programmes.isEmpty {
                h("p") { "Créez d’abord un programme." }
            } else {
                h("form", ["method": "post", "action": SiteURL.funderOrders.path, "novalidate": ""]) {
                    errors.summary
                    csrfField(request)
                    select("Programme", name: "programme", options: programmes.map { (String($0.programme.id.rawValue), $0.programme.terms.name) },
                           selected: form.programme, errors: errors)
                    field("Nombre de carnets", name: "booklets", value: form.booklets, errors: errors, attributes: ["inputmode": "numeric"])
                    h("button", ["type": "submit"]) { "Créer la commande" }
                }
            }
        })
    }

    static func stepForm(_ request: Request, _ order: OrderSummary) -> Node {
        if order.state == .fulfilled {
            return h("ul", ["class": "links"]) {
                h("li") { h("a", ["href": SiteURL.funderBookletsPDF(order.id.rawValue).path]) { "Carnets à imprimer (PDF)" } }
                h("li") { h("a", ["href": SiteURL.funderBookletsCSV(order.id.rawValue).path]) { "Fichier pour un imprimeur (CSV)" } }
            }
        }
        // The funder accepts the quote and may cancel before the invoice; every other step is the operator's.
        let moves = [OrderState.signed, .cancelled].filter { order.state.movers(to: $0).contains(.funder) }
        let waiting: String? = switch order.state {
        case .draft: "En attente du devis de l’opérateur."
        case .signed: "En attente de la facture de l’opérateur."
        case .invoiced: "Facture à payer : la commande est payée quand l’opérateur a reçu tout le virement."
        case .paid: "En attente des carnets, émis par l’opérateur."
        case .quoted, .fulfilled, .cancelled: nil
        }
        guard !moves.isEmpty else { return .text(waiting ?? "—") }
        return group {
            if let waiting { h("p") { waiting } }
            h("form", ["method": "post", "action": SiteURL.funderOrderStep(order.id.rawValue).path, "class": "inline"]) {
                csrfField(request)
                for move in moves {
                    h("button", ["type": "submit", "name": "etape", "value": move.rawValue, "class": move == .cancelled ? "secondary" : nil]) {
                        move == .signed ? "Accepter le devis" : "Annuler la commande"
                    }
                }
            }
        }
    }

    /// The order's booklets, ready to print: written to a temporary file, streamed, then deleted.
    static func booklets(_ request: Request, format: BookletPrinting.Format) async throws -> Response {
        let (_, funder) = try FunderSpace.funder(request)
        let order: PrintableOrder
        do {
            order = try await request.store.printableOrder(OrderID(try request.id()), funder: funder)
        } catch DomainError.notFound {
            throw Abort(.notFound)
        } catch DomainError.invalidTransition {
            return request.redirect(to: .funderOrders, notice: "Les carnets existent une fois la commande livrée.")
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
        let (user, funder) = try FunderSpace.funder(request)
        let form = try request.content.decode(OrderForm.self)
        var errors = FormErrors()
        let programme = Int64(form.programme ?? "").map(ProgrammeID.init)
        let booklets = Int(form.booklets ?? "")
        if booklets == nil { errors.add("booklets", "Indiquez un nombre de carnets, par exemple 100.") }
        if let programme, let booklets {
            do {
                _ = try await request.store.createOrder(programme: programme, booklets: booklets, actor: Actor(user))
                return request.redirect(to: .funderOrders, notice: "Commande créée.")
            } catch let error as DomainError {
                errors.add(error)
            }
        } else if programme == nil {
            errors.add("programme", "Choisissez un programme.")
        }
        return try await ordersPage(request, funder: funder, form: form, errors: errors).with(status: .unprocessableEntity)
    }

    struct StepForm: Content { var etape: String? }

    @Sendable static func moveOrder(_ request: Request) async throws -> Response {
        let (user, funder) = try FunderSpace.funder(request)
        let order = OrderID(try request.id())
        // Another funder's order is not found, whatever the form says (the store checks again when it moves it).
        guard try await request.store.funder(ofOrder: order) == funder else { throw Abort(.notFound) }
        guard let target = try request.content.decode(StepForm.self).etape.flatMap(OrderState.init(rawValue:)) else { throw Abort(.badRequest) }
        do {
            try await request.store.moveOrder(order, to: target, actor: Actor(user))
        } catch DomainError.notFound {
            throw Abort(.notFound)
        } catch let error as DomainError {
            return request.redirect(to: .funderOrders, notice: "Non fait : " + French.message(for: error))
        }
        return request.redirect(to: .funderOrders, notice: "Commande n° \(order) : " + French.orderState(target) + ".")
    }
}
