import Vapor

/// Registers every page of `SiteURL` with its controller, behind the security middlewares.
func routes(_ app: Application) throws {
    app.middleware = Middlewares()
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(HTMLErrorMiddleware())
    app.middleware.use(SessionMiddleware())

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

    get(.funderHome, FunderController.home)
    get(.funderExport, FunderController.export)
    get(.funderProgrammes, FunderController.programmes)
    post(.funderProgrammes, FunderController.createProgramme)
    get(.funderProgramme(0), FunderController.showProgramme)
    post(.funderProgramme(0), FunderController.updateProgramme)
    get(.funderOrders, FunderController.orders)
    post(.funderOrders, FunderController.createOrder)
    post(.funderOrderStep(0), FunderController.moveOrder)
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
}
