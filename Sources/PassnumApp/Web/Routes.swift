import Vapor

/// Registers every page of `SiteURL` with its controller, behind the security middlewares.
func routes(_ app: Application) throws {
    app.middleware = Middlewares()
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(HTMLErrorMiddleware())
    app.middleware.use(ApiProblemMiddleware())
    app.middleware.use(SessionMiddleware())

    for route in ApiController.routes {
        app.on(route.method, route.path.split(separator: "/").map { PathComponent(stringLiteral: String($0)) },
               body: .collect(maxSize: "64kb"), use: route.handler)
    }

    func get(_ url: SiteURL, _ handler: @escaping @Sendable (Request) async throws -> Response) {
        app.on(.GET, url.pattern, use: handler)
    }
    func post(_ url: SiteURL, _ handler: @escaping @Sendable (Request) async throws -> Response) {
        app.on(.POST, url.pattern, body: .collect(maxSize: "2mb"), use: handler)
    }

    app.get(SiteURL.style.pattern, use: Style.serve)
    get(.home, PublicController.home)
    get(.checkStatus, PublicController.showCheck)
    post(.checkStatus, PublicController.check)
    get(.qr(""), PublicController.qr)
    get(.places, PublicController.places)
    get(.place(0), PublicController.place)
    get(.openDataCSV, PublicController.openDataCSV)
    get(.openDataJSON, PublicController.openDataJSON)
    get(.signUp, ApplicationController.showSignUp)
    post(.signUp, ApplicationController.signUp)

    get(.login, AuthController.showLogin)
    post(.login, AuthController.login)
    post(.logout, AuthController.logout)
    get(.forgotPassword, AuthController.showForgot)
    post(.forgotPassword, AuthController.forgot)
    get(.resetPassword(""), AuthController.showReset)
    post(.resetPassword(""), AuthController.reset)
    get(.space, AuthController.space)

    get(.operatorHome, OperatorController.home)
    post(.operatorFunders, OperatorController.createFunder)
    post(.operatorPlaceState(0), OperatorController.changePlaceState)
    get(.operatorPayouts, OperatorController.payouts)
    post(.operatorPayouts, OperatorController.runPayouts)
    post(.operatorExpiry, OperatorController.expire)
    get(.operatorJournal, OperatorController.journal)
    get(.operatorApplications, OperatorController.applications)
    get(.operatorSEPA(0), OperatorController.sepa)
    post(.operatorBatchExported(0), OperatorController.markExported)
    post(.operatorBatchSettled(0), OperatorController.settle)
    post(.operatorReversal, OperatorController.reverse)
    get(.operatorFees, OperatorController.fees)
    post(.operatorFees, OperatorController.setFees)
    get(.operatorBilling, OperatorController.billing)
    get(.invoice(0), DocumentController.invoice)
    get(.creditNote(0), DocumentController.creditNote)
    get(.funderDocuments, DocumentController.funderDocuments)
    get(.apiKeys, ApiKeyController.list)
    post(.apiKeys, ApiKeyController.create)
    post(.apiKeyRevocation(0), ApiKeyController.revoke)
    post(.operatorBank(0), OperatorController.recordBank)
    get(.operatorPlace(0), OperatorController.place)
    get(.operatorDocument(0, 0), OperatorController.document)

    get(.funderHome, FunderController.home)
    get(.funderExport, FunderController.export)
    get(.funderProgrammes, FunderController.programmes)
    post(.funderProgrammes, FunderController.createProgramme)
    get(.funderProgramme(0), FunderController.showProgramme)
    post(.funderProgramme(0), FunderController.updateProgramme)
    get(.funderOrders, FunderController.orders)
    post(.funderOrders, FunderController.createOrder)
    post(.funderOrderStep(0), FunderController.moveOrder)
    get(.funderBookletsPDF(0)) { try await FunderController.booklets($0, format: .pdf) }
    get(.funderBookletsCSV(0)) { try await FunderController.booklets($0, format: .csv) }
    get(.funderStock, FunderController.stock)
    post(.funderStock, FunderController.allocate)
    get(.funderPlaces, FunderController.places)
    post(.funderAffiliation(0), FunderController.decideAffiliation)

    get(.prescriberHome, PrescriberController.home)
    post(.prescriberBeneficiaries, PrescriberController.createBeneficiary)
    get(.prescriberBeneficiary(0), PrescriberController.beneficiary)
    post(.prescriberDiagnostic(0), PrescriberController.diagnostic)
    post(.prescriberHandOut(0), PrescriberController.handOut)
    get(.prescriberOpposition, PrescriberController.showOpposition)
    post(.prescriberOpposition, PrescriberController.oppose)
    get(.prescriberHistory, PrescriberController.history)

    get(.placeHome, PlaceController.home)
    post(.placeHome, PlaceController.validate)
    post(.placeUndo, PlaceController.undo)
    get(.placeHistory, PlaceController.history)
    get(.placePayouts, PlaceController.payouts)
    get(.placeStatement(0), PlaceController.statement)
    get(.placeStatementCSV(0), PlaceController.statementCSV)
    get(.placeApplication, ApplicationController.overview)
    get(.placeStep(""), ApplicationController.showStep)
    post(.placeStep(""), ApplicationController.submitStep)
    app.on(.POST, SiteURL.placeDocuments.pattern, body: .collect(maxSize: "8mb"), use: ApplicationController.upload)
    post(.placeSubmit, ApplicationController.submit)
    get(.placeFunders, PlaceSettingsController.funders)
    post(.placeAffiliation(0), PlaceSettingsController.requestAffiliation)
    get(.placeCatalogue, PlaceSettingsController.catalogue)
    post(.placeCatalogue, PlaceSettingsController.addService)
    post(.placeSession(0), PlaceSettingsController.addSession)
    post(.placeServiceState(0), PlaceSettingsController.setServiceState)
}
