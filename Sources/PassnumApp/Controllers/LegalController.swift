import Vapor

/// The legal pages every public-service site has, linked from every footer: pure views of the operator's settings.
enum LegalController {
    @Sendable static func accessibility(_ request: Request) async throws -> Response {
        Layout.response(AccessibilityPage.View(context: PageContext(request), settings: request.application.legalSettings).document)
    }

    @Sendable static func legalNotice(_ request: Request) async throws -> Response {
        Layout.response(LegalNoticePage.View(context: PageContext(request), settings: request.application.legalSettings).document)
    }

    @Sendable static func termsOfUse(_ request: Request) async throws -> Response {
        Layout.response(TermsOfUsePage.View(context: PageContext(request), settings: request.application.legalSettings).document)
    }
}
