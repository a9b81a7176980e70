import PassnumDomain
import PassnumPersistence
import Vapor

/// Who may call a route. Every route declares it where it is registered (`Routes.swift`); `AccessMiddleware`
/// enforces it before the handler runs, and a route without one is refused. Handlers still scope every
/// store call to the user's organisation: the declaration says which roles reach a page, the store says
/// which records they reach.
enum Access: Sendable, Hashable {
    /// Anyone, signed in or not.
    case `public`
    /// Any signed-in user, whatever the role.
    case signedIn
    /// Signed-in users with one of these roles.
    case roles(Set<Role>)
    /// The partner API: the bearer key is checked by the handler, which knows the scope it needs.
    case apiKey

    static let operatorAdmin = Access.roles([.operatorAdmin])
    static let funderManager = Access.roles([.funderManager])
    static let prescriberAgent = Access.roles([.prescriberAgent])
    static let placeStaff = Access.roles([.placeManager, .placeAgent])
    static let placeManager = Access.roles([.placeManager])

    func allows(_ role: Role?) -> Bool {
        switch self {
        case .public, .apiKey: true
        case .signedIn: role != nil
        case .roles(let roles): role.map(roles.contains) ?? false
        }
    }

    fileprivate static let key = "passnum.access"
}

extension Route {
    /// The access declared for this route, if any.
    var access: Access? { userInfo[Access.key] as? Access }

    @discardableResult
    func access(_ access: Access) -> Route {
        userInfo[Access.key] = access
        return self
    }
}

/// Refuses a request whose route does not allow the user's role: 401 when not signed in (the sign-in page),
/// 403 otherwise. A route registered without an `Access` is refused to everyone (and fails the tests).
struct AccessMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let route = request.route else { return try await next.respond(to: request) }
        guard let access = route.access else {
            request.logger.error("route \(route.description) has no declared access")
            throw Abort(.forbidden)
        }
        guard access.allows(request.user?.role) else { throw Abort(request.user == nil ? .unauthorized : .forbidden) }
        if access.admitsSignedInOnly { request.admittedUser = request.user }
        return try await next.respond(to: request)
    }
}

extension Access {
    /// True when only signed-in users pass: their handlers get the user from `Request.signedInUser`.
    var admitsSignedInOnly: Bool {
        switch self {
        case .public, .apiKey: false
        case .signedIn, .roles: true
        }
    }
}

extension Request {
    private struct AdmittedUserKey: StorageKey { typealias Value = SessionUser }

    /// The user `AccessMiddleware` admitted to this route: the role check happened there, once, from the route's
    /// declared `Access`. A handler of a route open to anyone has no admitted user: asking answers 401.
    var signedInUser: SessionUser {
        get throws {
            guard let user = admittedUser else { throw Abort(.unauthorized) }
            return user
        }
    }

    /// The admitted user and the id of their organisation, of the kind the route serves: `request.organisation(\.place)`.
    /// A user of another kind of organisation (a route declared for the wrong roles) is refused, never served.
    func organisation<ID>(_ kind: KeyPath<Organisation, ID?>) throws -> (user: SessionUser, id: ID) {
        let user = try signedInUser
        guard let id = user.organisation[keyPath: kind] else { throw Abort(.forbidden) }
        return (user, id)
    }

    fileprivate var admittedUser: SessionUser? {
        get { storage[AdmittedUserKey.self] }
        set { storage[AdmittedUserKey.self] = newValue }
    }
}

extension Actor {
    /// The signed-in user acting for their organisation.
    init(_ user: SessionUser) { self.init(user.email, organisation: user.organisation) }
}
