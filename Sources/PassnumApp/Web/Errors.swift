import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// Turns every error into a page in plain French. Not signed in → the sign-in page, then back. Forms catch
/// the `DomainError`s they show next to a field; any other business refusal gets its French message here, and
/// anything else (a corrupt row, a bug) is logged and answered 500 without blaming the user.
struct HTMLErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return Self.page(for: error, request: request)
        }
    }

    static func page(for error: any Error, request: Request) -> Response {
        let status: HTTPResponseStatus
        let message: String
        switch error {
        case let abort as any AbortError:
            status = abort.status
            if status == .unauthorized {
                let next = request.url.path + (request.url.query.map { "?" + $0 } ?? "")
                return request.redirect(to: SiteURL.login.path + "?suite=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            }
            message = switch status {
            case .notFound: "Cette page n’existe pas, ou vous n’y avez pas accès."
            case .forbidden: abort.reason == ErrorPage.expiredForm ? ErrorPage.expiredForm : "Vous n’avez pas accès à cette page."
            case .tooManyRequests: "Trop d’essais. Attendez un peu avant de recommencer."
            case .badRequest, .unprocessableEntity: "La demande est incomplète ou mal formée."
            case .payloadTooLarge: "Le fichier ou le formulaire envoyé est trop gros."
            default: "Une erreur est survenue. Réessayez plus tard."
            }
        case let error as DomainError:
            status = HTTPResponseStatus(for: error)
            message = French.message(for: error)
        case let bad as BadInput:
            status = .badRequest
            message = bad.message
        default:
            status = .internalServerError
            message = "Une erreur est survenue. Réessayez plus tard."
            request.logger.report(error: error)
        }
        let page = ErrorPage.View(status: status, message: message, context: PageContext(request))
        let response = Layout.response(page.document, status: status)
        // A refusal for too many requests says when to come back (see `Request.limitPublic`).
        if let retryAfter = (error as? any AbortError)?.headers.first(name: .retryAfter) {
            response.headers.replaceOrAdd(name: .retryAfter, value: retryAfter)
        }
        return response
    }
}

/// A value of the address (query string, path) that is out of bounds: a 400 page that says, in French, what to send.
struct BadInput: Error {
    let message: String
    init(_ message: String) { self.message = message }

    static let month = BadInput("Ce mois n’est pas valable : indiquez un mois entre \(Month.earliest) et \(Month.latest), au format AAAA-MM.")
}

/// The page every error ends on: what happened, in French, and the way back.
enum ErrorPage {
    static let expiredForm = "Le formulaire a expiré. Rechargez la page et recommencez."

    struct View {
        let status: HTTPResponseStatus
        let message: String
        let context: PageContext

        var document: Node {
            Layout.page(title: "Erreur", context: context) {
                h("h1") { status == .notFound ? "Page introuvable" : "Impossible de continuer" }
                h("p", ["role": "alert"]) { message }
                h("p") { h("a", ["href": SiteURL.home.path]) { "Retour à l’accueil" } }
            }
        }
    }
}

/// The French words for what the domain says in English.
enum French {
    static func message(for error: DomainError) -> String {
        switch error {
        // The two an applicant meets most often, said exactly.
        case .invalid(.email, .alreadyUsed): "Adresse e-mail : un compte utilise déjà cette adresse."
        case .invalid(.email, .malformed): "Adresse e-mail : ce n’est pas une adresse e-mail, par exemple nom@exemple.fr."
        case let .invalid(field, problem): "\(fieldName(field)) : \(problemText(problem))"
        case .notFound: "Introuvable, ou pas dans votre espace."
        case .invalidTransition: "Cette action n’est pas possible dans l’état actuel."
        case .noQuota: "Ce prescripteur n’a pas de quota pour ce programme. Fixez-en un d’abord."
        case let .quotaExceeded(quota, held, requested):
            "Quota dépassé : \(quota) carnets au plus, \(held) déjà attribués, \(requested) demandés."
        case let .insufficientStock(available, requested): "Stock insuffisant : \(available) disponibles, \(requested) demandés."
        case let .programmeClosed(_, since): "Le programme est fermé pour cette action depuis le \(date(since))."
        case let .beneficiaryLimit(maximum, held, requested):
            "Limite par personne : \(maximum) chèques au plus, \(held) déjà remis, \(requested) demandés."
        case .monthNotOver(let month): "Le mois \(month) n’est pas terminé."
        case .undoRefused(let reason): undo(reason)
        case .idempotencyKeyReused: "Cette demande a déjà été envoyée avec d’autres chèques. Rechargez la page."
        case .notAllowed: "Vous n’avez pas le droit de faire cette action."
        }
    }

    /// What a field is called on the forms; exhaustive so a new field cannot reach a user under its code name.
    static func fieldName(_ field: DomainError.Field) -> String {
        switch field {
        case .name: "Nom"
        case .firstName: "Prénom"
        case .lastName: "Nom"
        case .email: "Adresse e-mail"
        case .password: "Mot de passe"
        case .role: "Rôle"
        case .token: "Lien"
        case .birthYear: "Année de naissance"
        case .consentDate: "Date du consentement"
        case .level: "Niveau"
        case .answers: "Réponses"
        case .faceValue: "Valeur d’un chèque"
        case .checksPerBooklet: "Chèques par carnet"
        case .validUntil: "Date de fin"
        case .bookletText: "Texte imprimé sur les chèques"
        case .graceDays: "Délai de grâce"
        case .perimeter: "Territoire"
        case .categories: "Services"
        case .shares: "Parts des cofinanceurs"
        case .minChecksPerBeneficiary: "Minimum de chèques par personne"
        case .maxChecksPerBeneficiary: "Maximum de chèques par personne"
        case .booklets: "Nombre de carnets"
        case .checks: "Nombre de chèques"
        case .amount: "Montant"
        case .valueDate: "Date de valeur"
        case .bankReference: "Référence du virement"
        case .placeName: "Nom du lieu"
        case .siret: "SIRET"
        case .postcode: "Code postal"
        case .sites: "Lieux d’accueil"
        case .documents: "Justificatifs"
        case .document: "Justificatif"
        case .organisation: "Structure"
        case .representative: "Représentant"
        case .eligibility: "Éligibilité"
        case .services: "Services proposés"
        case .hours: "Horaires"
        case .phone: "Téléphone"
        case .website: "Site internet"
        case .summary: "Présentation courte"
        case .service: "Service"
        case .title: "Titre"
        case .description: "Description"
        case .durationMinutes: "Durée"
        case .priceChecks: "Prix en chèques"
        case .startsAt: "Date et heure"
        case .capacity: "Places"
        case .holder: "Titulaire du compte"
        case .iban: "IBAN"
        case .bic: "BIC"
        case .bank: "Coordonnées bancaires"
        case .bankDate: "Date des virements"
        case .fee: "Frais de gestion"
        case .subscription: "Abonnement"
        case .reason: "Motif"
        case .scopes: "Droits de la clé"
        case .key: "Clé de la demande"
        case .journal: "Écriture"
        case .serviceCode: "Code service (Chorus Pro)"
        case .engagementNumber: "Numéro d’engagement"
        case .diagnosticThresholds: "Seuils du diagnostic"
        case .recommendedChecks: "Chèques conseillés"
        case .period: "Période"
        case .targetPublic: "Public"
        }
    }

    /// "100 000": Foundation's French grouping (a narrow no-break space).
    static func number(_ value: Int) -> String {
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        formatter.numberStyle = .decimal
        return formatter.string(from: NSNumber(value: value)) ?? String(value)
    }

    /// What to change, in French; each case of the domain's `Problem` has its sentence.
    static func problemText(_ problem: DomainError.Problem) -> String {
        switch problem {
        case .empty: "à remplir."
        case .tooLong(let max): "trop long : \(max) caractères au plus."
        case .tooShort(let min): "trop court : \(min) caractères au moins."
        case let .outOfRange(min, max): "indiquez un nombre entre \(number(min)) et \(number(max))."
        case .tooSmall(let min): "indiquez au moins \(number(min))."
        case let .amountOutOfRange(min, max): "le montant doit être entre \(money(min)) et \(money(max))."
        case .rateOutOfRange: "le pourcentage doit être entre 0 et 100."
        case .malformed: "ce n’est pas le format attendu. Vérifiez la saisie."
        case .alreadyUsed: "cette valeur est déjà utilisée par un autre compte ou un autre lieu."
        case .alreadyRecorded:
            "ce paiement est déjà enregistré (même montant, même date de valeur, même référence). S’il s’agit d’un second virement, ajoutez « (2) » à la référence."
        case .inFuture: "cette date n’est pas encore passée."
        case let .dateOutOfRange(from, to):
            from == to ? "elle doit être le \(date(from))." : "elle doit être entre le \(date(from)) et le \(date(to))."
        case .beforeStart: "elle ne peut pas être avant la date de début."
        case .belowMinimum: "il ne peut pas être plus petit que le minimum."
        case .outsidePerimeter(let commune): "la commune \(commune) n’est dans aucun des départements choisis."
        case .sharesTotal: "le total doit faire 100 %."
        case .duplicate(let name): "\(name) figure deux fois."
        case .notPositive(let name): "la part de \(name) doit être plus grande que zéro."
        case .fileTooLarge(let megabytes): "le fichier dépasse \(megabytes) Mo."
        case .fileType: "envoyez un fichier PDF, PNG ou JPEG."
        case .incompleteSite(let position): "le lieu \(position) doit avoir un nom, une adresse et un code postal à 5 chiffres."
        case .stepNotDone: "cette étape n’est pas encore remplie."
        case .notAvailable: "ce choix n’est pas possible ici."
        case .expired: "ce lien est inconnu, déjà utilisé ou expiré. Demandez-en un nouveau."
        case .serialsExhausted: "il ne reste plus assez de numéros de chèques pour ce nombre."
        case .answerCount(let expected): "répondez aux \(expected) questions."
        case .unbalanced: "l’écriture n’est pas équilibrée."
        case .notIncreasing: "chaque seuil doit être plus grand que le précédent."
        case .lastManager: "la structure doit garder au moins une personne active qui la gère. Donnez d’abord ce rôle à quelqu’un d’autre."
        case .belowCharter(let minutes):
            (minutes.map { "le lieu est ouvert \(French.weeklyHours($0)) par semaine" } ?? "les horaires du lieu ne sont pas lisibles")
                + ", moins que les 24 h de la charte. Écrivez pourquoi vous l’habilitez quand même."
        }
    }

    static func undo(_ reason: UndoRefusal) -> String {
        switch reason {
        case .notRedeemedHere: "Ce chèque n’a pas été validé par votre lieu."
        case .notToday: "On ne peut annuler une validation que le jour même."
        case .alreadyPaid: "Ce chèque a déjà été remboursé : l’annulation n’est plus possible."
        }
    }

    static func refusal(_ reason: RefusalReason) -> String {
        switch reason {
        case .unknownSerial: "Numéro inconnu. Vérifiez le numéro du chèque."
        case .badCheckDigit: "Numéro mal recopié. Vérifiez chaque chiffre."
        case .wrongCode: "Le code ne correspond pas au numéro. Vérifiez le code."
        case .notDistributed: "Ce chèque n’a pas encore été remis à une personne."
        case .alreadyRedeemed: "Ce chèque a déjà été utilisé."
        case .voided: "Ce chèque a été déclaré perdu ou volé."
        case .expired: "Ce chèque n’est plus valable."
        case .beforeValidity: "Ce chèque n’est pas encore valable."
        case .outsidePerimeter: "Ce chèque ne peut pas être utilisé dans votre commune."
        case .placeNotQualified: "Votre lieu n’est pas encore habilité."
        case .placeSuspended: "Votre lieu est suspendu : il ne peut pas accepter de chèques."
        case .placeNotAffiliated: "Votre lieu n’accepte pas les chèques de ce financeur."
        case .categoryNotAllowed: "Ce programme ne paie pas ce type de service."
        case .duplicateInRequest: "Ce chèque est saisi deux fois."
        }
    }

    static let months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]
    /// Foundation's French abbreviations ("janv.", "mars", "avr.", "déc."), not cut by hand.
    static let shortMonths: [String] = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        return formatter.shortStandaloneMonthSymbols
    }()

    /// "avr." for April; the month's number if Foundation ever gave fewer than twelve names.
    static func shortMonth(_ month: Month) -> String {
        shortMonths.indices.contains(month.month - 1) ? shortMonths[month.month - 1] : String(month.month)
    }

    /// "2026-03-12T14:00" → "12 mars 2026 à 14 h 00"
    static func sessionDate(_ text: String) -> String {
        let parts = text.split(separator: "T").map(String.init)
        guard parts.count == 2, let day = CivilDate(parts[0]) else { return text }
        return date(day) + " à " + parts[1].replacingOccurrences(of: ":", with: " h ")
    }

    /// "1er mars 2026", "12 mars 2026".
    static func date(_ day: CivilDate) -> String { (day.day == 1 ? "1er" : "\(day.day)") + " \(months[day.month - 1]) \(day.year)" }
    static func month(_ month: Month) -> String { "\(months[month.month - 1]) \(month.year)" }

    static func dateTime(_ instant: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = CivilDate.timeZone
        let c = calendar.dateComponents([.hour, .minute], from: instant)
        return "\(date(CivilDate(instant))) à \(c.hour ?? 0) h \(String(format: "%02d", c.minute ?? 0))"
    }

    static func state(_ state: CheckState) -> String {
        switch state {
        case .issued: "En stock"
        case .allocated: "Chez le prescripteur"
        case .distributed: "Remis"
        case .redeemed: "Utilisé"
        case .paid: "Utilisé et remboursé"
        case .voided: "Perdu ou volé"
        case .expired: "Expiré"
        case .refunded: "Rendu au financeur"
        }
    }

    static func placeState(_ state: PlaceState) -> String {
        switch state {
        case .draft: "Brouillon"
        case .submitted: "Demande envoyée"
        case .qualified: "Habilité"
        case .rejected: "Refusé"
        case .suspended: "Suspendu"
        case .disqualified: "Retiré"
        }
    }

    /// What each invariant of `passnum verify` checks, as the operator's journal page says it.
    static func invariant(_ invariant: LedgerInvariant) -> String {
        switch invariant {
        case .balancedTransactions: "Chaque écriture du journal est équilibrée."
        case .programmeConservation: "Pour chaque programme : chèques émis = chèques utilisés + en circulation + annulés + expirés."
        case .placePayable: "Pour chaque lieu : le montant à lui payer = la valeur de ses chèques utilisés et pas encore payés."
        case .funderMoney:
            "Pour chaque financeur : l’argent reçu = les paiements enregistrés ; les commandes payées ne dépassent pas l’argent reçu ; les avoirs = les chèques expirés."
        case .redeemedAtMostOnce: "Un chèque n’est utilisé qu’une seule fois."
        case .tamperEvidentJournal: "La chaîne d’empreintes du journal n’est pas rompue."
        case .maintainedTallies: "Les compteurs des tableaux de bord et l’index public des lieux correspondent aux données."
        }
    }

    /// Every kind of journal entry, as the operator's journal page names it.
    static func entryKind(_ kind: EntryKind) -> String {
        switch kind {
        case .paymentReceived: "Paiement reçu"
        case .orderPayment: "Commande payée"
        case .redemption: "Validation"
        case .redemptionUndo: "Annulation"
        case .payout: "Remboursement"
        case .creditNote: "Avoir"
        case .payoutSettled: "Virements faits"
        case .reversal: "Chèque annulé après validation"
        case .subscription: "Abonnement d’un lieu"
        case .placeDecision: "Décision sur un lieu"
        case .affiliationDecision: "Décision d’un financeur"
        case .accountCreated: "Compte créé"
        case .invoiceIssued: "Facture"
        case .payoutExported: "Virements remis à la banque"
        case .settingsChanged: "Frais modifiés"
        case .apiKeyChanged: "Clé API créée ou retirée"
        case .orderMoved: "Étape d’une commande"
        case .bankDetailsProposed: "Coordonnées bancaires proposées"
        case .bankDetailsDecided: "Décision sur des coordonnées bancaires"
        case .payoutFileWritten: "Fichier de virements écrit"
        case .personalDataPurged: "Données personnelles anonymisées"
        case .personalDataErased: "Données d’une personne effacées"
        case .accountInvited: "Invitation envoyée"
        case .invitationAccepted: "Invitation acceptée"
        case .roleChanged: "Rôle changé"
        case .accountDeactivated: "Compte désactivé"
        case .accountReactivated: "Compte réactivé"
        }
    }

    static func orderState(_ state: OrderState) -> String {
        switch state {
        case .draft: "Brouillon"
        case .quoted: "Devis fait"
        case .signed: "Devis signé"
        case .invoiced: "Facturée"
        case .paid: "Payée"
        case .fulfilled: "Carnets émis"
        case .cancelled: "Annulée"
        }
    }

    static func role(_ role: Role) -> String {
        switch role {
        case .operatorAdmin: "Opérateur"
        case .funderManager: "Financeur"
        case .prescriberAgent: "Prescripteur"
        case .placeManager: "Responsable de lieu"
        case .placeAgent: "Agent de lieu"
        }
    }

    static let categoryShort: [ServiceCategory: String] = [
        .administrativeProcedures: "Démarches en ligne", .everydayTools: "Outils du quotidien", .employment: "Emploi",
        .safeUse: "Sécurité", .parenting: "Parentalité", .leisure: "Loisirs", .understanding: "Comprendre le numérique",
        .access: "Accès internet et matériel", .equipment: "Achat de matériel",
    ]
}
