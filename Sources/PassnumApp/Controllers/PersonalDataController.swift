import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Personal data: the public notice, and for a prescriber agent one person's record (right of access) and erasure
/// (right to erasure).
enum PersonalDataController {
    @Sendable static func notice(_ request: Request) async throws -> Response {
        Layout.response(PersonalDataNoticePage.View(context: PageContext(request),
                                                    retentionMonths: request.store.configuration.personalDataRetentionMonths).document)
    }

    @Sendable static func record(_ request: Request) async throws -> Response {
        let (_, prescriber) = try request.organisation(\.prescriber)
        guard let model = try await PersonalDataRecordPage.Model.query(store: request.store, prescriber: prescriber,
                                                                       person: try request.id(BeneficiaryID.self)) else { throw Abort(.notFound) }
        let frame = DocumentController.printable(request)
        return DocumentController.respond(frame, filename: PersonalDataRecordPage.filename(model.record),
                                          PersonalDataRecordPage.View(model: model, frame: frame).document)
    }

    struct ErasureForm: Content {
        var confirm: String?
    }

    @Sendable static func erase(_ request: Request) async throws -> Response {
        let (user, prescriber) = try request.organisation(\.prescriber)
        let person = try request.id(BeneficiaryID.self)
        let form = try request.content.decode(ErasureForm.self)
        var errors = FormErrors()
        if form.confirm != "oui" {
            errors.add("confirm", "Cochez la case pour confirmer l’effacement.")
        } else {
            do {
                try await request.store.erasePersonalData(of: person, prescriber: prescriber, actor: Actor(user))
                return request.redirect(to: .prescriberBeneficiary(person), notice: "Données effacées : le nom est remplacé par un numéro.")
            } catch DomainError.invalidTransition {
                errors.add("confirm", "Cette personne a encore des chèques utilisables : ses données ne peuvent pas être effacées maintenant. "
                           + "Elles pourront l’être quand ses chèques seront utilisés, bloqués ou expirés.")
            }
        }
        guard let model = try await PrescriberBeneficiaryPage.Model.query(store: request.store, prescriber: prescriber, person: person) else {
            throw Abort(.notFound)
        }
        return Layout.response(PrescriberBeneficiaryPage.View(model: model, context: PageContext(request), erasureErrors: errors).document, errors: errors)
    }
}
