import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// The places' applications: the list, one application with its documents, the decision and bank details.
enum OperatorApplicationsController {
    @Sendable static func applications(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        let places = try await request.store.places()
        let waiting = places.filter { $0.state == .submitted }
        return Layout.response(Layout.page(title: "Demandes", request: request) {
            h("h1") { "Demandes d’habilitation" }
            Layout.notice(request)
            table(caption: "Demandes à étudier", headers: ["Lieu", "Code postal"], rows: waiting.map { place in
                [h("a", ["href": SiteURL.operatorPlace(place.id.rawValue).path]) { place.name }, .text(place.postcode)]
            }, empty: "aucune demande en attente.")
            table(caption: "Tous les lieux", headers: ["Lieu", "État"], rows: places.map { place in
                [h("a", ["href": SiteURL.operatorPlace(place.id.rawValue).path]) { place.name }, .text(French.placeState(place.state))]
            })
        })
    }

    @Sendable static func place(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        let id = PlaceID(try request.id())
        let store = request.store
        let application = try await store.application(of: id)
        let decisions = try await store.decisions(of: id)
        let bankChanges = try await store.bankDetailsChanges(of: id)
        let row = try await store.places().first { $0.id == id }
        return Layout.response(Layout.page(title: application.name, request: request) {
            h("p") { h("a", ["href": SiteURL.operatorApplications.path]) { "Retour aux demandes" } }
            h("h1") { application.name }
            Layout.notice(request)
            h("p", ["role": "status"]) { "État : " + French.placeState(application.state) }
            for step in ApplicationStep.allCases {
                h("h2") { ApplicationStepsController.title(step) }
                if application.steps[step] == nil {
                    h("p") { "Pas encore rempli." }
                } else if step == .documents {
                    h("ul") {
                        for document in application.documents {
                            h("li") { h("a", ["href": SiteURL.operatorDocument(id.rawValue, document.id).path]) { document.filename } }
                        }
                    }
                } else {
                    ApplicationStepViews.summary(step, application: application)
                }
            }
            h("h2") { "Décision" }
            if let row { OperatorHomePage.View.stateForm(PageContext(request), OperatorHomePage.PlaceLine(row)) }
            BankDetailsController.operatorSection(request, place: id, changes: bankChanges)
            table(caption: "Décisions prises", headers: ["Date", "De", "À", "Par", "Motif"], rows: decisions.map {
                [.text(French.dateTime($0.at)), .text(French.placeState($0.from)), .text(French.placeState($0.to)), .text($0.actor), .text($0.reason ?? "")]
            })
        })
    }

    @Sendable static func document(_ request: Request) async throws -> Response {
        _ = try request.requireUser(.operatorAdmin)
        guard let documentID = request.parameters.get("document").flatMap(Int64.init),
              let found = try await request.store.document(documentID, of: PlaceID(try request.id()))
        else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: found.document.contentType)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"document-\(documentID)\"")
        return Response(status: .ok, headers: headers, body: .init(data: found.bytes))
    }
}
