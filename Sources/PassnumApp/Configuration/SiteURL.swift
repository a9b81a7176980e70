import Vapor

/// Every page of the site. Routes are registered from here and links are built from here, so no path is
/// written twice.
enum SiteURL: Equatable {
    case home

    var path: String {
        switch self {
        case .home: "/"
        }
    }

    var pathComponents: [PathComponent] {
        path.split(separator: "/").map { PathComponent(stringLiteral: String($0)) }
    }
}

func routes(_ app: Application) throws {
    app.get(SiteURL.home.pathComponents, use: HomeController.show)
}
