import PassnumPersistence
import Vapor

/// The scheduled jobs: the page, and "run now" (the job is marked due; a server's scheduler runs it within seconds).
enum OperatorJobsController {
    @Sendable static func jobs(_ request: Request) async throws -> Response {
        let model = try await OperatorJobsPage.Model.query(store: request.store)
        return Layout.response(OperatorJobsPage.View(model: model, context: PageContext(request)).document)
    }

    struct RunForm: Content { var job: String? }

    @Sendable static func runNow(_ request: Request) async throws -> Response {
        guard let name = try request.content.decode(RunForm.self).job.flatMap(JobName.init(rawValue:)) else {
            return request.redirect(to: .operatorJobs, error: "Tâche inconnue : rien n’a été lancé.")
        }
        try await request.store.markJobDue(name.rawValue)
        return request.redirect(to: .operatorJobs, notice: "C’est noté : « \(OperatorJobsPage.View.title(name)) » sera lancée dans quelques secondes.")
    }
}
