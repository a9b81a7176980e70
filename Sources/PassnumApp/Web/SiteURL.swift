import Foundation
import PassnumDomain
import Vapor

/// Every page and form target of the site. Routes are registered from `pattern` and links built from
/// `path`, so no path is written twice.
enum SiteURL: Equatable {
    // Public
    case home, style, deskScript, formScript, checkStatus, qr(String), places, place(PlaceID), openDataCSV, openDataJSON
    // Public statistics of use, their open data, the journal's published witnesses
    case statistics, statisticsCSV, statisticsJSON, statisticsSchema, witnessesCSV
    case login, logout, forgotPassword, resetPassword(String), space, signUp
    // Operator
    case operatorHome, operatorFunders, operatorPlaceState(PlaceID), operatorPayouts, operatorExpiry, operatorJournal
    // Confirmation pages of irreversible actions (the others confirm at the GET of the action's own address)
    case operatorPayoutsRun, prescriberOppositionConfirm
    case operatorApplications, operatorPlace(PlaceID), operatorDocument(PlaceID, PlaceDocumentID), operatorSEPA(PayoutBatchID), operatorBank(PlaceID)
    case operatorBatchExported(PayoutBatchID), operatorBatchSettled(PayoutBatchID), operatorReversal, operatorFees, operatorBilling
    case operatorOrders, operatorOrder(OrderID), operatorOrderStep(OrderID), operatorOrderPayment(OrderID)
    case operatorVerify, operatorJobs
    // The mail outbox: the list, one message, resending a failed one or all of them
    case operatorMails, operatorMail(OutboxMailID), operatorMailResend(OutboxMailID), operatorMailsResend
    // Bank details (four eyes): the operator's list of changes to decide, a decision, the place's own page
    case operatorBankChanges, operatorBankDecision(BankDetailsChangeID), placeBank
    // Invoices and credit notes (operator, the funder or place they are for)
    case invoice(InvoiceID), creditNote(CreditNoteID), funderDocuments
    // Their e-invoices (Factur-X XML); the funder's identifiers as a public buyer, and an order's engagement number
    case invoiceXML(InvoiceID), creditNoteXML(CreditNoteID), funderOrganisation, funderOrderEngagement(OrderID)
    // Partner API keys (funder and place managers, prescriber agents)
    case apiKeys, apiKeyRevocation(ApiKeyID)
    // Funder
    case funderHome, funderExport, funderProgrammes, funderProgramme(ProgrammeID), funderOrders, funderOrderStep(OrderID), funderStock, funderPlaces
    case funderAffiliation(PlaceID), funderBookletsPDF(OrderID), funderBookletsCSV(OrderID)
    // The co-funding statement (funder: page and CSV; operator: every funder) and a programme's diagnostic grid
    case funderCoFunding, funderCoFundingCSV, operatorCoFunding, funderDiagnosticGrid(ProgrammeID)
    // The publics a programme declares (the statement's split, the hand-out's choice)
    case funderTargetPublics(ProgrammeID)
    // The funder's printable report for elected officials (period and programme as query parameters)
    case funderReport
    // Prescriber
    case prescriberHome, prescriberBeneficiaries, prescriberBeneficiary(BeneficiaryID), prescriberDiagnostic(BeneficiaryID)
    case prescriberHandOut(BeneficiaryID), prescriberOpposition, prescriberHistory
    // Personal data: the public notice; a person's record (right of access) and erasure, by their prescriber
    case personalData, prescriberPersonalData(BeneficiaryID), prescriberErasure(BeneficiaryID)
    // The sheet a prescriber prints for a person: their checks, the nearest places, whom to call
    case prescriberSheet(BeneficiaryID)
    // The legal pages, linked from every footer: accessibility statement, legal notice, terms of use
    case accessibility, legalNotice, termsOfUse
    // Place
    case placeHome, placeUndo, placeHistory, placePayouts
    case placeApplication, placeStep(String), placeDocuments, placeSubmit, placeFunders, placeAffiliation(FunderID)
    case placeCatalogue, placeSession(ServiceID), placeServiceState(ServiceID), placeStatement(PayoutID), placeStatementCSV(PayoutID)
    // Accounts: the invitation link, a manager's team, the operator's list of every account
    case invitation(String), team, teamInvitation(UserID), teamRole(UserID), teamDeactivation(UserID)
    case operatorAccounts, operatorAccountRole(UserID), operatorAccountDeactivation(UserID), operatorAccountReactivation(UserID)
    // Operations: the load balancer's probes and Prometheus' scrape (English, like every URL a machine reads)
    case healthz, readyz, metrics

    var path: String {
        switch self {
        case .home: "/"
        case .style: "/style.css"
        case .deskScript: "/guichet.js"
        case .formScript: "/formulaires.js"
        case .checkStatus: "/verifier"
        case .qr(let code): "/c/" + code
        case .places: "/lieux"
        case .place(let id): "/lieux/\(id)"
        case .openDataCSV: "/open-data/lieux.csv"
        case .openDataJSON: "/open-data/lieux.json"
        case .statistics: "/statistiques"
        case .statisticsCSV: "/open-data/statistiques.csv"
        case .statisticsJSON: "/open-data/statistiques.json"
        case .statisticsSchema: "/open-data/statistiques.schema.json"
        case .witnessesCSV: "/open-data/journal-temoins.csv"
        case .signUp: "/inscription"
        case .login: "/connexion"
        case .logout: "/deconnexion"
        case .forgotPassword: "/mot-de-passe-oublie"
        case .resetPassword(let token): "/mot-de-passe/" + token
        case .space: "/espace"
        case .operatorHome: "/operateur"
        case .operatorFunders: "/operateur/financeurs"
        case .operatorPlaceState(let id): "/operateur/lieux/\(id)/etat"
        case .operatorPayouts: "/operateur/remboursements"
        case .operatorExpiry: "/operateur/expiration"
        case .operatorPayoutsRun: "/operateur/remboursements/lancement"
        case .prescriberOppositionConfirm: "/prescripteur/opposition/confirmation"
        case .operatorJournal: "/operateur/journal"
        case .operatorOrders: "/operateur/commandes"
        case .operatorOrder(let id): "/operateur/commandes/\(id)"
        case .operatorOrderStep(let id): "/operateur/commandes/\(id)/etape"
        case .operatorOrderPayment(let id): "/operateur/commandes/\(id)/paiements"
        case .operatorVerify: "/operateur/journal/verification"
        case .operatorMails: "/operateur/courriels"
        case .operatorMail(let id): "/operateur/courriels/\(id)"
        case .operatorMailResend(let id): "/operateur/courriels/\(id)/renvoi"
        case .operatorMailsResend: "/operateur/courriels/tout-renvoyer"
        case .operatorJobs: "/operateur/taches"
        case .operatorApplications: "/operateur/candidatures"
        case .operatorSEPA(let id): "/operateur/virements/\(id)"
        case .operatorBatchExported(let id): "/operateur/virements/\(id)/transmis"
        case .operatorBatchSettled(let id): "/operateur/virements/\(id)/execute"
        case .operatorReversal: "/operateur/annulations"
        case .operatorFees: "/operateur/frais"
        case .operatorBilling: "/operateur/factures"
        case .invoice(let id): "/documents/factures/\(id)"
        case .creditNote(let id): "/documents/avoirs/\(id)"
        case .funderDocuments: "/financeur/factures"
        case .invoiceXML(let id): "/documents/factures/\(id)/factur-x.xml"
        case .creditNoteXML(let id): "/documents/avoirs/\(id)/factur-x.xml"
        case .funderOrganisation: "/financeur/organisation"
        case .funderOrderEngagement(let id): "/financeur/commandes/\(id)/engagement"
        case .apiKeys: "/cles-api"
        case .apiKeyRevocation(let id): "/cles-api/\(id)/revocation"
        case .operatorBank(let id): "/operateur/lieux/\(id)/banque"
        case .operatorBankChanges: "/operateur/banque"
        case .operatorBankDecision(let id): "/operateur/banque/\(id)/decision"
        case .placeBank: "/lieu/banque"
        case .operatorPlace(let id): "/operateur/lieux/\(id)"
        case .operatorDocument(let place, let document): "/operateur/lieux/\(place)/documents/\(document)"
        case .funderHome: "/financeur"
        case .funderExport: "/financeur/export.csv"
        case .funderReport: "/financeur/rapport"
        case .funderProgrammes: "/financeur/programmes"
        case .funderProgramme(let id): "/financeur/programmes/\(id)"
        case .funderDiagnosticGrid(let id): "/financeur/programmes/\(id)/diagnostic"
        case .funderTargetPublics(let id): "/financeur/programmes/\(id)/publics"
        case .funderCoFunding: "/financeur/cofinancement"
        case .funderCoFundingCSV: "/financeur/cofinancement.csv"
        case .operatorCoFunding: "/operateur/cofinancement"
        case .funderOrders: "/financeur/commandes"
        case .funderOrderStep(let id): "/financeur/commandes/\(id)/etape"
        case .funderBookletsPDF(let id): "/financeur/commandes/\(id)/carnets.pdf"
        case .funderBookletsCSV(let id): "/financeur/commandes/\(id)/carnets.csv"
        case .funderStock: "/financeur/stock"
        case .funderPlaces: "/financeur/lieux"
        case .funderAffiliation(let id): "/financeur/lieux/\(id)/affiliation"
        case .prescriberHome: "/prescripteur"
        case .prescriberBeneficiaries: "/prescripteur/beneficiaires"
        case .prescriberBeneficiary(let id): "/prescripteur/beneficiaires/\(id)"
        case .prescriberDiagnostic(let id): "/prescripteur/beneficiaires/\(id)/diagnostic"
        case .prescriberHandOut(let id): "/prescripteur/beneficiaires/\(id)/remise"
        case .prescriberOpposition: "/prescripteur/opposition"
        case .prescriberHistory: "/prescripteur/historique"
        case .personalData: "/donnees-personnelles"
        case .accessibility: "/accessibilite"
        case .legalNotice: "/mentions-legales"
        case .termsOfUse: "/conditions-utilisation"
        case .prescriberPersonalData(let id): "/prescripteur/beneficiaires/\(id)/donnees"
        case .prescriberErasure(let id): "/prescripteur/beneficiaires/\(id)/effacement"
        case .prescriberSheet(let id): "/prescripteur/beneficiaires/\(id)/fiche"
        case .placeHome: "/lieu"
        case .placeUndo: "/lieu/annuler"
        case .placeHistory: "/lieu/historique"
        case .placePayouts: "/lieu/remboursements"
        case .placeApplication: "/lieu/candidature"
        case .placeStep(let step): "/lieu/candidature/" + step
        case .placeDocuments: "/lieu/justificatifs"
        case .placeSubmit: "/lieu/candidature/envoi"
        case .placeFunders: "/lieu/financeurs"
        case .placeAffiliation(let id): "/lieu/financeurs/\(id)"
        case .placeCatalogue: "/lieu/catalogue"
        case .placeStatement(let id): "/lieu/releves/\(id)"
        case .placeStatementCSV(let id): "/lieu/releves/\(id)/csv"
        case .placeSession(let id): "/lieu/catalogue/\(id)/seance"
        case .placeServiceState(let id): "/lieu/catalogue/\(id)/etat"
        case .invitation(let token): "/invitation/" + token
        case .team: "/equipe"
        case .teamInvitation(let id): "/equipe/\(id)/invitation"
        case .teamRole(let id): "/equipe/\(id)/role"
        case .teamDeactivation(let id): "/equipe/\(id)/depart"
        case .operatorAccounts: "/operateur/comptes"
        case .operatorAccountRole(let id): "/operateur/comptes/\(id)/role"
        case .operatorAccountDeactivation(let id): "/operateur/comptes/\(id)/desactivation"
        case .operatorAccountReactivation(let id): "/operateur/comptes/\(id)/reactivation"
        case .healthz: "/healthz"
        case .readyz: "/readyz"
        case .metrics: "/metrics"
        }
    }

    /// The route pattern: the path with `:id` / `:code` / `:token` in place of values.
    var pattern: [PathComponent] {
        let parameterised: SiteURL = switch self {
        case .qr: .qr(":code")
        case .resetPassword: .resetPassword(":token")
        case .invitation: .invitation(":token")
        case .teamInvitation: .teamInvitation(0)
        case .teamRole: .teamRole(0)
        case .teamDeactivation: .teamDeactivation(0)
        case .operatorAccountRole: .operatorAccountRole(0)
        case .operatorAccountDeactivation: .operatorAccountDeactivation(0)
        case .operatorAccountReactivation: .operatorAccountReactivation(0)
        case .operatorPlaceState: .operatorPlaceState(0)
        case .operatorMail: .operatorMail(0)
        case .operatorMailResend: .operatorMailResend(0)
        case .funderOrderStep: .funderOrderStep(0)
        case .operatorOrder: .operatorOrder(0)
        case .operatorOrderStep: .operatorOrderStep(0)
        case .operatorOrderPayment: .operatorOrderPayment(0)
        case .funderBookletsPDF: .funderBookletsPDF(0)
        case .funderBookletsCSV: .funderBookletsCSV(0)
        case .funderProgramme: .funderProgramme(0)
        case .funderDiagnosticGrid: .funderDiagnosticGrid(0)
        case .funderTargetPublics: .funderTargetPublics(0)
        case .place: .place(0)
        case .operatorBank: .operatorBank(0)
        case .operatorBankDecision: .operatorBankDecision(0)
        case .operatorSEPA: .operatorSEPA(0)
        case .operatorBatchExported: .operatorBatchExported(0)
        case .operatorBatchSettled: .operatorBatchSettled(0)
        case .invoice: .invoice(0)
        case .creditNote: .creditNote(0)
        case .invoiceXML: .invoiceXML(0)
        case .creditNoteXML: .creditNoteXML(0)
        case .funderOrderEngagement: .funderOrderEngagement(0)
        case .apiKeyRevocation: .apiKeyRevocation(0)
        case .placeStatement: .placeStatement(0)
        case .placeStatementCSV: .placeStatementCSV(0)
        case .operatorPlace: .operatorPlace(0)
        case .placeAffiliation: .placeAffiliation(0)
        case .placeSession: .placeSession(0)
        case .placeServiceState: .placeServiceState(0)
        case .placeStep: .placeStep(":step")
        case .operatorDocument: .operatorDocument(0, -1)
        case .funderAffiliation: .funderAffiliation(0)
        case .prescriberBeneficiary: .prescriberBeneficiary(0)
        case .prescriberDiagnostic: .prescriberDiagnostic(0)
        case .prescriberHandOut: .prescriberHandOut(0)
        case .prescriberPersonalData: .prescriberPersonalData(0)
        case .prescriberErasure: .prescriberErasure(0)
        case .prescriberSheet: .prescriberSheet(0)
        default: self
        }
        return parameterised.path.split(separator: "/").map {
            $0 == "0" ? ":id" : $0 == "-1" ? ":document" : PathComponent(stringLiteral: String($0))
        }
    }
}

extension Request {
    /// The route's `:id` (or another parameter) as the ID of the record the route names, or 404: the one place a
    /// path's number becomes a typed ID.
    func id<Tag>(_ type: Identifier<Tag>.Type = Identifier<Tag>.self, parameter: String = "id") throws -> Identifier<Tag> {
        guard let id = Identifier<Tag>(text: parameters.get(parameter)) else { throw Abort(.notFound) }
        return id
    }
}

extension Identifier {
    /// The ID a path or a form field names: a positive number, or nil.
    init?(text: String?) {
        guard let text, let value = Int64(text), value > 0 else { return nil }
        self.init(value)
    }
}
