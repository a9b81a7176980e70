import Foundation

/// The partner API's OpenAPI 3 document, `openapi.json` beside this file (a resource of the target), served as is at
/// /api/v1/openapi.json. Kept true by tests: every route of `ApiController.routes` is in it and every `$ref`
/// resolves; the CI fuzzing (schemathesis) checks every response against it.
enum OpenAPIDocument {
    /// Read once. `ApiController.routes` reads it when the routes are registered: `Bundle.module` stops the process
    /// when the resource bundle (`passnum_PassnumApp.resources`) is not beside the binary, and that must happen at
    /// startup, never on a request. Nil only if the bundle lacks the file; the route then answers a 500 problem.
    static let json: String? = Bundle.module.url(forResource: "openapi", withExtension: "json")
        .flatMap { try? Data(contentsOf: $0) }
        .map { String(decoding: $0, as: UTF8.self) }
}
