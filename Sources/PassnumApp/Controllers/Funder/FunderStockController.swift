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
        let (_, funder) = try request.organisation(\.funder)
        return try await stockPage(request, funder: funder)
    }

    static func stockPage(_ request: Request, funder: FunderID, form: AllocationForm = AllocationForm(), errors: FormErrors = FormErrors()) async throws -> Response {
        let model = try await FunderStockPage.Model.query(store: request.store, funder: funder, page: ListingPageQuery(request, .holdings))
        return Layout.response(FunderStockPage.View(model: model, context: PageContext(request), form: form, errors: errors).document, errors: errors)
    }

    @Sendable static func allocate(_ request: Request) async throws -> Response {
        let (user, funder) = try request.organisation(\.funder)
        let form = try request.content.decode(AllocationForm.self)
        var errors = FormErrors()
        let programme = ProgrammeID(text: form.programme)
        let prescriber = PrescriberID(text: form.prescriber)
        let booklets = errors.number(form.booklets, field: "booklets", "Indiquez un nombre de carnets.")
        // Its two buttons send `allocate` or `quota`; Enter in the number field sends the first. Anything else is not this form.
        let setsQuota = form.action == "quota"
        guard let programme, let prescriber, setsQuota || [nil, "allocate"].contains(form.action) else { throw Abort(.badRequest) }
        _ = try await FunderProgrammesController.ownProgramme(programme, request: request, funder: funder)
        if let booklets {
            do {
                if setsQuota {
                    try await request.store.setQuota(programme: programme, prescriber: prescriber, booklets: booklets, actor: Actor(user))
                    return request.redirect(to: .funderStock, notice: "Quota enregistré : \(booklets) carnets.")
                }
                try await request.store.allocate(programme: programme, prescriber: prescriber, booklets: booklets, actor: Actor(user))
                return request.redirect(to: .funderStock, notice: French.plural(booklets, "carnet attribué", "carnets attribués") + ".")
            } catch let error as DomainError {
                errors.add(error)
            }
        }
        return try await stockPage(request, funder: funder, form: form, errors: errors)
    }
}
