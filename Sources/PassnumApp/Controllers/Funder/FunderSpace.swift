import Foundation
import PassnumDomain
import PassnumPersistence
import Vapor

/// What every funder page starts with: the signed-in funder manager and their funder.
enum FunderSpace {
    static func funder(_ request: Request) throws -> (SessionUser, FunderID) {
        let user = try request.requireUser(.funderManager)
        guard let funder = user.organisation.funder else { throw Abort(.forbidden) }
        return (user, funder)
    }
}
