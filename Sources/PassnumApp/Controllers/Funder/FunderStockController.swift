import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A funder's stock of booklets and their allocation (and quotas) to prescribers.
enum FunderStockController {
    struct AllocationForm: Content {
        var action: String?
        var programme: String?
        var prescriber: String?
        var booklets: String?
    }

    @Sendable static func stock(_ request: Request) async throws -> Response {
        let (_, funder) = try FunderSpace.funder(request)
        return try await stockPage(request, funder: funder, form: AllocationForm(), errors: FormErrors())
    }

    static func stockPage(_ request: Request, funder: FunderID, form: AllocationForm, errors: FormErrors) async throws -> Response {
        let stock = try await request.store.stock(of: funder)
        let prescribers = try await request.store.prescribers()
        return Layout.response(Layout.page(title: "Stock", request: request) {
            h("h1") { "Stock et attribution aux prescripteurs" }
            Layout.notice(request)
            for row in stock {
                h("h2") { row.programmeName }
                h("p") { "Carnets en stock : \(row.inStock)" }
                table(caption: "Carnets chez les prescripteurs – " + row.programmeName, headers: ["Prescripteur", "Carnets attribués", "Quota"],
                      rows: row.byPrescriber.map { [.text($0.prescriber.name), .text(String($0.booklets)), .text($0.quota.map(String.init) ?? "aucun")] })
            }
            if !stock.isEmpty && !prescribers.isEmpty {
                let programmeOptions = stock.map { (String($0.programme.rawValue), $0.programmeName) }
                let prescriberOptions = prescribers.map { (String($0.id), $0.name) }
                h("h2") { "Attribuer des carnets" }
                h("form", ["method": "post", "action": SiteURL.funderStock.path, "novalidate": ""]) {
                    errors.summary
                    csrfField(request)
                    select("Programme", name: "programme", options: programmeOptions, selected: form.programme, errors: errors)
                    select("Prescripteur", name: "prescriber", options: prescriberOptions, selected: form.prescriber, errors: errors)
                    field("Nombre de carnets", name: "booklets", value: form.booklets, errors: errors, attributes: ["inputmode": "numeric"])
                    h("button", ["type": "submit", "name": "action", "value": "allocate"]) { "Attribuer" }
                    h("button", ["type": "submit", "name": "action", "value": "quota", "class": "secondary"]) { "Fixer ce nombre comme quota" }
                }
            }
        })
    }

    @Sendable static func allocate(_ request: Request) async throws -> Response {
        let (user, funder) = try FunderSpace.funder(request)
        let form = try request.content.decode(AllocationForm.self)
        var errors = FormErrors()
        let programme = Int64(form.programme ?? "").map(ProgrammeID.init)
        let prescriber = Int64(form.prescriber ?? "").map(PrescriberID.init)
        let booklets = Int(form.booklets ?? "")
        if booklets == nil { errors.add("booklets", "Indiquez un nombre de carnets.") }
        guard let programme, let prescriber else { throw Abort(.badRequest) }
        _ = try await FunderProgrammesController.ownProgramme(programme, request: request, funder: funder)
        if let booklets {
            do {
                if form.action == "quota" {
                    try await request.store.setQuota(programme: programme, prescriber: prescriber, booklets: booklets, actor: Actor(user))
                    return request.redirect(to: .funderStock, notice: "Quota enregistré : \(booklets) carnets.")
                }
                try await request.store.allocate(programme: programme, prescriber: prescriber, booklets: booklets, actor: Actor(user))
                return request.redirect(to: .funderStock, notice: "\(booklets) carnet(s) attribué(s).")
            } catch let error as DomainError {
                errors.add(error)
            }
        }
        return try await stockPage(request, funder: funder, form: form, errors: errors).with(status: .unprocessableEntity)
    }
}
