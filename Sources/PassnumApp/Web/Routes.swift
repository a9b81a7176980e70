import Vapor

/// Registers every page of `SiteURL` with its controller and **who may call it**, behind the security
/// middlewares. This table is the one place to read who reaches what: `AccessMiddleware` enforces the
/// declared `Access` before any handler runs, and a test walks `app.routes.all` to check every route has one.
func routes(_ app: Application) throws {
    app.middleware = Middlewares()
    // First: the request id reaches every line logged after it, and the count sees the final status.
    app.middleware.use(RequestMetricsMiddleware())
    app.middleware.use(RequestLoggingMiddleware(logLevel: .info))
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(HTMLErrorMiddleware())
    app.middleware.use(ApiProblemMiddleware())
    app.middleware.use(SessionMiddleware())
    app.middleware.use(AccessMiddleware())
    app.middleware.use(FormTextMiddleware())

    for route in ApiController.routes {
        app.on(route.method, route.path.split(separator: "/").map { PathComponent(stringLiteral: String($0)) },
               body: .collect(maxSize: "64kb"), use: route.handler).access(route.access)
    }

    typealias Handler = @Sendable (Request) async throws -> Response
    func get(_ url: SiteURL, _ access: Access, _ handler: @escaping Handler) {
        app.on(.GET, url.pattern, use: handler).access(access)
    }
    func post(_ url: SiteURL, _ access: Access, maxSize: ByteCount = "2mb", _ handler: @escaping Handler) {
        // The session middleware reads a form's CSRF token before the handler: it reads no more than this limit.
        app.on(.POST, url.pattern, body: .collect(maxSize: maxSize), use: handler).access(access).limitingBody(to: maxSize.value)
    }
    let anyone = Access.public, operatorAdmin = Access.operatorAdmin, funder = Access.funderManager
    let prescriber = Access.prescriberAgent, placeStaff = Access.placeStaff, placeManager = Access.placeManager

    // Public pages
    app.get(SiteURL.style.pattern, use: Style.serve).access(anyone)
    // Probes and the scrape: public routes; /metrics checks its bearer token itself (404 when none is set).
    get(.healthz, anyone, ProbesController.healthz)
    get(.readyz, anyone, ProbesController.readyz)
    get(.metrics, anyone, ProbesController.metrics)
    app.get(SiteURL.deskScript.pattern, use: DeskScript.serve).access(anyone)
    app.get(SiteURL.formScript.pattern, use: FormScript.serve).access(anyone)
    get(.home, anyone, PublicController.home)
    get(.checkStatus, anyone, PublicController.showCheck)
    post(.checkStatus, anyone, PublicController.check)
    get(.qr(""), anyone, PublicController.qr)
    get(.places, anyone, PublicController.places)
    get(.place(0), anyone, PublicController.place)
    get(.openDataCSV, anyone, OpenDataController.csv)
    get(.openDataJSON, anyone, OpenDataController.json)
    get(.statistics, anyone, StatisticsController.page)
    get(.statisticsCSV, anyone, StatisticsController.csv)
    get(.statisticsJSON, anyone, StatisticsController.json)
    get(.statisticsSchema, anyone, StatisticsController.schema)
    get(.witnessesCSV, anyone, StatisticsController.witnesses)
    get(.signUp, anyone, SignUpController.showSignUp)
    get(.personalData, anyone, PersonalDataController.notice)
    get(.accessibility, anyone, LegalController.accessibility)
    get(.legalNotice, anyone, LegalController.legalNotice)
    get(.termsOfUse, anyone, LegalController.termsOfUse)
    post(.signUp, anyone, SignUpController.signUp)

    // Accounts
    get(.login, anyone, AuthController.showLogin)
    post(.login, anyone, AuthController.login)
    post(.logout, .public, AuthController.logout)
    get(.forgotPassword, anyone, AuthController.showForgot)
    post(.forgotPassword, anyone, AuthController.forgot)
    get(.resetPassword(""), anyone, AuthController.showReset)
    post(.resetPassword(""), anyone, AuthController.reset)
    get(.space, .signedIn, AuthController.space)
    get(.invitation(""), anyone, AuthController.showInvitation)
    post(.invitation(""), anyone, AuthController.acceptInvitation)

    // A manager's team (the operator's admins, a funder's managers, a prescriber's agents, a place's managers);
    // a place's agents do not see their colleagues' addresses.
    let teamManagers = TeamController.managers
    get(.team, teamManagers, TeamController.team)
    post(.team, teamManagers, TeamController.invite)
    post(.teamInvitation(0), teamManagers, TeamController.resend)
    post(.teamRole(0), teamManagers, TeamController.changeRole)
    post(.teamDeactivation(0), teamManagers, TeamController.deactivate)
    get(.teamDeactivation(0), teamManagers, TeamController.confirmDeactivation)

    // Operator
    get(.operatorHome, operatorAdmin, OperatorHomeController.home)
    post(.operatorFunders, operatorAdmin, OperatorHomeController.createFunder)
    post(.operatorPlaceState(0), operatorAdmin, OperatorHomeController.changePlaceState)
    get(.operatorPlaceState(0), operatorAdmin, OperatorHomeController.confirmPlaceState)
    get(.operatorApplications, operatorAdmin, OperatorApplicationsController.applications)
    get(.operatorPlace(0), operatorAdmin, OperatorApplicationsController.place)
    get(.operatorDocument(0, 0), operatorAdmin, OperatorApplicationsController.document)
    // Bank details: proposed by the place or an operator admin, verified by another operator admin
    post(.operatorBank(0), operatorAdmin, BankDetailsController.operatorPropose)
    get(.operatorBankChanges, operatorAdmin, BankDetailsController.pending)
    post(.operatorBankDecision(0), operatorAdmin, BankDetailsController.decide)
    get(.operatorBankDecision(0), operatorAdmin, BankDetailsController.confirmRejection)
    get(.operatorOrders, operatorAdmin, OperatorOrdersController.list)
    get(.operatorOrder(0), operatorAdmin, OperatorOrdersController.show)
    post(.operatorOrderStep(0), operatorAdmin, OperatorOrdersController.move)
    get(.operatorOrderStep(0), operatorAdmin, OperatorOrdersController.confirmMove)
    post(.operatorOrderPayment(0), operatorAdmin, OperatorOrdersController.recordPayment)
    get(.operatorOrderPayment(0), operatorAdmin, OperatorOrdersController.confirmPayment)
    get(.operatorPayouts, operatorAdmin, OperatorPayoutsController.payouts)
    post(.operatorPayouts, operatorAdmin, OperatorPayoutsController.runPayouts)
    get(.operatorPayoutsRun, operatorAdmin, OperatorPayoutsController.confirmPayouts)
    get(.operatorSEPA(0), operatorAdmin, OperatorPayoutsController.sepa)
    post(.operatorBatchExported(0), operatorAdmin, OperatorPayoutsController.markExported)
    get(.operatorBatchExported(0), operatorAdmin) { try await OperatorPayoutsController.confirmBatch($0, settled: false) }
    post(.operatorBatchSettled(0), operatorAdmin, OperatorPayoutsController.settle)
    get(.operatorBatchSettled(0), operatorAdmin) { try await OperatorPayoutsController.confirmBatch($0, settled: true) }
    post(.operatorReversal, operatorAdmin, OperatorPayoutsController.reverse)
    get(.operatorReversal, operatorAdmin, OperatorPayoutsController.confirmReversal)
    post(.operatorExpiry, operatorAdmin, OperatorPayoutsController.expire)
    get(.operatorExpiry, operatorAdmin, OperatorPayoutsController.confirmExpiry)
    get(.operatorFees, operatorAdmin, OperatorBillingController.fees)
    post(.operatorFees, operatorAdmin, OperatorBillingController.setFees)
    get(.operatorBilling, operatorAdmin, OperatorBillingController.billing)
    get(.operatorJournal, operatorAdmin, OperatorJournalController.journal)
    get(.operatorCoFunding, operatorAdmin, CoFundingController.operatorStatements)
    post(.operatorVerify, operatorAdmin, OperatorJournalController.runVerify)
    get(.operatorMails, operatorAdmin, OperatorMailsController.list)
    get(.operatorMail(0), operatorAdmin, OperatorMailsController.show)
    post(.operatorMailResend(0), operatorAdmin, OperatorMailsController.resend)
    post(.operatorMailsResend, operatorAdmin, OperatorMailsController.resendAll)
    get(.operatorJobs, operatorAdmin, OperatorJobsController.jobs)
    post(.operatorJobs, operatorAdmin, OperatorJobsController.runNow)
    get(.operatorAccounts, operatorAdmin, OperatorAccountsController.accounts)
    post(.operatorAccountRole(0), operatorAdmin, OperatorAccountsController.changeRole)
    post(.operatorAccountDeactivation(0), operatorAdmin, OperatorAccountsController.deactivate)
    get(.operatorAccountDeactivation(0), operatorAdmin, OperatorAccountsController.confirmDeactivation)
    post(.operatorAccountReactivation(0), operatorAdmin, OperatorAccountsController.reactivate)

    // Documents: each handler also checks the document is the funder's or the place's own
    get(.invoice(0), .roles([.operatorAdmin, .funderManager, .placeManager]), DocumentController.invoice)
    get(.creditNote(0), .roles([.operatorAdmin, .funderManager]), DocumentController.creditNote)
    get(.invoiceXML(0), .roles([.operatorAdmin, .funderManager, .placeManager]), DocumentController.invoiceXML)
    get(.creditNoteXML(0), .roles([.operatorAdmin, .funderManager]), DocumentController.creditNoteXML)
    get(.funderDocuments, funder, DocumentController.funderDocuments)

    // Partner API keys of one's organisation
    let keyHolders = Access.roles([.funderManager, .placeManager, .prescriberAgent])
    get(.apiKeys, keyHolders, ApiKeyController.list)
    post(.apiKeys, keyHolders, ApiKeyController.create)
    post(.apiKeyRevocation(0), keyHolders, ApiKeyController.revoke)
    get(.apiKeyRevocation(0), keyHolders, ApiKeyController.confirmRevoke)

    // Funder
    get(.funderHome, funder, FunderDashboardController.home)
    get(.funderExport, funder, FunderDashboardController.export)
    get(.funderReport, funder, FunderReportController.report)
    get(.funderProgrammes, funder, FunderProgrammesController.programmes)
    post(.funderProgrammes, funder, FunderProgrammesController.createProgramme)
    get(.funderProgramme(0), funder, FunderProgrammesController.showProgramme)
    post(.funderProgramme(0), funder, FunderProgrammesController.updateProgramme)
    get(.funderDiagnosticGrid(0), funder, DiagnosticGridController.show)
    post(.funderDiagnosticGrid(0), funder, DiagnosticGridController.update)
    get(.funderTargetPublics(0), funder, TargetPublicsController.show)
    post(.funderTargetPublics(0), funder, TargetPublicsController.update)
    get(.funderCoFunding, funder, CoFundingController.funderStatement)
    get(.funderCoFundingCSV, funder, CoFundingController.funderCSV)
    get(.funderOrders, funder, FunderOrdersController.orders)
    post(.funderOrders, funder, FunderOrdersController.createOrder)
    post(.funderOrderStep(0), funder, FunderOrdersController.moveOrder)
    get(.funderOrderStep(0), funder, FunderOrdersController.confirmMove)
    post(.funderOrderEngagement(0), funder, FunderOrganisationController.setEngagementNumber)
    get(.funderOrganisation, funder, FunderOrganisationController.organisation)
    post(.funderOrganisation, funder, FunderOrganisationController.save)
    get(.funderBookletsPDF(0), funder) { try await FunderOrdersController.booklets($0, format: .pdf) }
    get(.funderBookletsCSV(0), funder) { try await FunderOrdersController.booklets($0, format: .csv) }
    get(.funderStock, funder, FunderStockController.stock)
    post(.funderStock, funder, FunderStockController.allocate)
    get(.funderPlaces, funder, FunderPlacesController.places)
    post(.funderAffiliation(0), funder, FunderPlacesController.decideAffiliation)

    // Prescriber
    get(.prescriberHome, prescriber, PrescriberController.home)
    post(.prescriberBeneficiaries, prescriber, PrescriberController.createBeneficiary)
    get(.prescriberBeneficiary(0), prescriber, PrescriberController.beneficiary)
    post(.prescriberDiagnostic(0), prescriber, PrescriberController.diagnostic)
    post(.prescriberHandOut(0), prescriber, PrescriberController.handOut)
    get(.prescriberOpposition, prescriber, PrescriberController.showOpposition)
    post(.prescriberOpposition, prescriber, PrescriberController.oppose)
    get(.prescriberOppositionConfirm, prescriber, PrescriberController.confirmOpposition)
    get(.prescriberHistory, prescriber, PrescriberController.history)
    get(.prescriberPersonalData(0), prescriber, PersonalDataController.record)
    post(.prescriberErasure(0), prescriber, PersonalDataController.erase)
    get(.prescriberErasure(0), prescriber, PersonalDataController.confirmErasure)
    get(.prescriberSheet(0), prescriber, PrescriberController.sheet)

    // Place: validation and money (every member), application, catalogue and funders (the manager)
    get(.placeHome, placeStaff, PlaceController.home)
    post(.placeHome, placeStaff, PlaceController.validate)
    post(.placeUndo, placeStaff, PlaceController.undo)
    get(.placeHistory, placeStaff, PlaceController.history)
    get(.placePayouts, placeStaff, PlaceController.payouts)
    get(.placeStatement(0), placeStaff, PlaceController.statement)
    get(.placeStatementCSV(0), placeStaff, PlaceController.statementCSV)
    get(.placeApplication, placeManager, ApplicationStepsController.overview)
    get(.placeStep(""), placeManager, ApplicationStepsController.showStep)
    post(.placeStep(""), placeManager, ApplicationStepsController.submitStep)
    post(.placeDocuments, placeManager, maxSize: "8mb", ApplicationStepsController.upload)
    post(.placeSubmit, placeManager, ApplicationStepsController.submit)
    get(.placeFunders, placeManager, PlaceSettingsController.funders)
    post(.placeAffiliation(0), placeManager, PlaceSettingsController.requestAffiliation)
    get(.placeCatalogue, placeManager, PlaceSettingsController.catalogue)
    post(.placeCatalogue, placeManager, PlaceSettingsController.addService)
    post(.placeSession(0), placeManager, PlaceSettingsController.addSession)
    post(.placeServiceState(0), placeManager, PlaceSettingsController.setServiceState)
    get(.placeBank, placeManager, BankDetailsController.placePage)
    post(.placeBank, placeManager, BankDetailsController.placePropose)
}
