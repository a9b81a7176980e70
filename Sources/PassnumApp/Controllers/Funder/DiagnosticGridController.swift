import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// A programme's diagnostic grid: shown to its funder, changed until the programme's first hand-out.
enum DiagnosticGridController {
    struct GridForm: Content {
        var seuil1: String?
        var seuil2: String?
        var seuil3: String?
        var conseil1: String?
        var conseil2: String?
        var conseil3: String?
        var conseil4: String?
    }

    @Sendable static func show(_ request: Request) async throws -> Response {
        let (_, funder) = try request.organisation(\.funder)
        guard let model = try await DiagnosticGridPage.Model.query(store: request.store, funder: funder, programme: try request.id()) else {
            throw Abort(.notFound)
        }
        let form = DiagnosticGridPage.Form(model.programme.diagnosticGrid)
        return Layout.response(DiagnosticGridPage.View(model: model, context: PageContext(request), form: form).document)
    }

    @Sendable static func update(_ request: Request) async throws -> Response {
        let (user, funder) = try request.organisation(\.funder)
        let id: ProgrammeID = try request.id()
        guard let model = try await DiagnosticGridPage.Model.query(store: request.store, funder: funder, programme: id) else {
            throw Abort(.notFound)
        }
        let posted = try request.content.decode(GridForm.self)
        let form = DiagnosticGridPage.Form(ceilings: [posted.seuil1, posted.seuil2, posted.seuil3].map { $0 ?? "" },
                                           recommended: [posted.conseil1, posted.conseil2, posted.conseil3, posted.conseil4].map { $0 ?? "" })
        var errors = FormErrors()
        // The form reads numbers; the ranges are the grid's own (DiagnosticGrid.validate), here only to say them early.
        let score = 0...(DiagnosticGrid.maximumScore - 1)
        let ceilings = form.ceilings.indices.map {
            errors.number(form.ceilings[$0], field: DiagnosticGridPage.Form.ceilingField($0), in: score,
                          "Indiquez un nombre de points entre \(score.lowerBound) et \(score.upperBound).")
        }
        let recommended = form.recommended.indices.map {
            errors.number(form.recommended[$0], field: DiagnosticGridPage.Form.recommendedField($0), in: 0...DiagnosticGrid.largestRecommendation,
                          "Indiquez un nombre de chèques, par exemple 5.")
        }
        if errors.isEmpty {
            do {
                try await request.store.setDiagnosticGrid(DiagnosticGrid(ceilings: ceilings.compactMap { $0 }, recommended: recommended.compactMap { $0 }),
                                                          programme: id, actor: Actor(user))
                return request.redirect(to: .funderDiagnosticGrid(id), notice: "Grille du diagnostic enregistrée.")
            } catch DomainError.invalidTransition {
                errors.add("", "Des chèques de ce programme ont déjà été remis : la grille ne peut plus changer.")
            } catch let error as DomainError {
                errors.add(error, fields: [DomainError.Field.diagnosticThresholds.rawValue: DiagnosticGridPage.Form.ceilingField(0),
                                           DomainError.Field.recommendedChecks.rawValue: DiagnosticGridPage.Form.recommendedField(0)])
            }
        }
        return Layout.response(DiagnosticGridPage.View(model: model, context: PageContext(request), form: form, errors: errors).document,
                               status: .unprocessableEntity)
    }
}
