import Foundation

/// The partner API's OpenAPI 3 document, `openapi.json` beside this file (a resource of the target), served as is at
/// /api/v1/openapi.json. Kept true by tests: every route of `ApiController.routes` is in it and every `$ref`
/// resolves; the CI fuzzing (schemathesis) checks every response against it.
enum OpenAPIDocument {
    /// SwiftPM's resource bundle of this target, beside the binary (on Linux).
    static let bundleName = "passnum_PassnumApp.resources"

    /// Read once, from the resource bundle beside the running binary. `Bundle.module` is not used: it stops the
    /// process when the bundle is missing, which would take every command down (`tick` from cron, `verify`…) for a
    /// document only one route serves. Nil when the file cannot be found: that route answers a 500 problem and
    /// `configure` logs the error at start.
    static let json: String? = {
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
        // Linux names the bundle `.resources` (a folder); Apple platforms `.bundle` (with Contents/Resources on macOS).
        let bundles = ["passnum_PassnumApp.resources", "passnum_PassnumApp.bundle", "passnum_PassnumApp.bundle/Contents/Resources"]
        for directory in [Bundle.main.bundleURL, executable] {
            for bundle in bundles {
                let file = directory.appendingPathComponent(bundle).appendingPathComponent("openapi.json")
                if let data = try? Data(contentsOf: file) { return String(decoding: data, as: UTF8.self) }
            }
        }
        return nil
    }()
}
