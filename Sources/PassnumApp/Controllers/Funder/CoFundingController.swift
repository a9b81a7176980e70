import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The co-funding statement: a funder's for one programme and period (page, printable file, CSV), the operator's
/// across funders.
enum CoFundingController {
    /// The period a link asks for (`periode`), the current year when none: the text to show back, the period or
    /// its French error.
    static func period(_ request: Request, errors: inout FormErrors) -> (text: String, period: StatementPeriod?) {
        let asked = request.query[String.self, at: "periode"] ?? ""
        let text = asked.isEmpty ? String(CivilDate(request.store.clock.now).year) : String(asked.prefix(20))
        guard let period = StatementPeriod(text) else {
            errors.add("periode", French.periodError)
            return (text, nil)
        }
        return (text, period)
    }

    /// The programme a link asks for (`programme`): nil when none (the funder's newest), a French error when it is not one.
    static func programme(_ request: Request, errors: inout FormErrors) -> ProgrammeID? {
        guard let text = request.query[String.self, at: "programme"], !text.isEmpty else { return nil }
        guard let id = ProgrammeID(text: text) else {
            errors.add("programme", "Choisissez un de vos programmes.")
            return nil
        }
        return id
    }

    @Sendable static func funderStatement(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        var errors = FormErrors()
        let programme = programme(request, errors: &errors)
        let (text, period) = period(request, errors: &errors)
        var model = try await CoFundingStatementPage.Model.query(store: request.store, funder: funder, programme: programme,
                                                                  period: errors.isEmpty ? period : nil, periodText: text)
        if errors.isEmpty, model.statement == nil, programme != nil {
            errors.add("programme", "Choisissez un de vos programmes.")
            model.programme = model.programmes.first?.id
        }
        let frame = DocumentController.printable(request)
        let page = CoFundingStatementPage.View(model: model, frame: frame, errors: errors)
        guard errors.isEmpty else { return Layout.response(page.document, errors: errors) }
        return DocumentController.respond(frame, filename: page.filename, page.document)
    }

    /// The statement as CSV, the same figures as the page (`CoFundingStatementPage.csvRows`). A refused programme or
    /// period is the page's 400 with the French reason.
    @Sendable static func funderCSV(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        var errors = FormErrors()
        let programme = programme(request, errors: &errors)
        let (_, period) = period(request, errors: &errors)
        guard errors.isEmpty, let period else { throw BadInput(errors.messages.map(\.message).joined(separator: " ")) }
        let newest = programme == nil ? try await request.store.programmes(of: funder).first?.programme.id : nil
        guard let chosen = programme ?? newest,
              let statement = try await CoFundingStatementPage.statement(store: request.store, programme: chosen, period: period, funder: funder)
        else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"cofinancement-\(chosen.rawValue)-\(period).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: FrenchCSV.render(CoFundingStatementPage.csvRows(statement))))
    }

    @Sendable static func operatorStatements(_ request: Request) async throws -> Response {
        var errors = FormErrors()
        let (text, period) = period(request, errors: &errors)
        let model = try await OperatorCoFundingPage.Model.query(store: request.store, period: period, periodText: text,
                                                                page: ListingPageQuery(request, .programmes))
        return Layout.response(OperatorCoFundingPage.View(model: model, context: PageContext(request), errors: errors).document, errors: errors)
    }
}
