import PassnumDomain
import Vapor

extension Request {
    /// Runs the store operation a form asked for and goes back to `url` with a notice: the one the operation
    /// returns, or `refused` followed by the domain's refusal in French, shown as an error. With `notFoundIsPage`, an operation on
    /// something that is not there (`DomainError.notFound`) is the 404 page instead, as a wrong address would be.
    func redirect(to url: SiteURL, refused: String, notFoundIsPage: Bool = false,
                  after operation: () async throws -> String) async throws -> Response {
        do {
            return redirect(to: url, notice: try await operation())
        } catch let error as DomainError {
            if notFoundIsPage, case .notFound = error { throw Abort(.notFound) }
            return redirect(to: url, error: refused + " : " + French.message(for: error))
        }
    }
}
