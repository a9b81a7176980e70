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

    /// Whose data will be erased and what stays, to confirm first: an erasure cannot be undone.
    @Sendable static func confirmErasure(_ request: Request) async throws -> Response {
        let (_, prescriber) = try request.organisation(\.prescriber)
        let id = try request.id(BeneficiaryID.self)
        guard let person = try await request.store.beneficiary(id, of: prescriber) else { throw Abort(.notFound) }
        let view = ConfirmationPage.View(
            context: PageContext(request), title: "Effacer les données de \(person.firstName) \(person.lastName) ?",
            facts: [("Personne", "\(person.firstName) \(person.lastName)"), ("Année de naissance", person.birthYear.map(String.init) ?? "non indiquée"),
                    ("Chèques reçus", "\(person.checks)"),
                    ("Ce qui reste", "les chèques et leurs validations, sous un numéro (#\(id)) au lieu du nom")],
            warning: "Le nom, le prénom et l’année de naissance seront remplacés par un numéro. On ne pourra pas revenir en arrière. "
                + "Si la personne a encore des chèques utilisables, l’effacement sera refusé.",
            action: SiteURL.prescriberErasure(id).path, fields: [], confirmLabel: "Confirmer l’effacement", back: SiteURL.prescriberBeneficiary(id).path)
        return Layout.response(view.document)
    }

    @Sendable static func erase(_ request: Request) async throws -> Response {
        let (user, prescriber) = try request.organisation(\.prescriber)
        let person = try request.id(BeneficiaryID.self)
        guard request.confirmed else { return request.confirmation(at: SiteURL.prescriberErasure(person).path, []) }
        var errors = FormErrors()
        do {
            try await request.store.erasePersonalData(of: person, prescriber: prescriber, actor: Actor(user))
            return request.redirect(to: .prescriberBeneficiary(person), notice: "Données effacées : le nom est remplacé par un numéro.")
        } catch DomainError.invalidTransition {
            errors.add("", "Cette personne a encore des chèques utilisables : ses données ne peuvent pas être effacées maintenant. "
                       + "Elles pourront l’être quand ses chèques seront utilisés, bloqués ou expirés.")
        }
        guard let model = try await PrescriberBeneficiaryPage.Model.query(store: request.store, prescriber: prescriber, person: person) else {
            throw Abort(.notFound)
        }
        return Layout.response(PrescriberBeneficiaryPage.View(model: model, context: PageContext(request), erasureErrors: errors).document, errors: errors)
    }
}
