import Foundation
import PassnumDomain
import PassnumPersistence

/// The settings a real installation cannot run without. `passnum serve` outside `--demo` pays places from the
/// operator's own account and prints links on checks: a missing value there must stop the start, never fall back
/// to the demo's account or address without a word.
enum StartupSettings {
    static let publicURLVariable = "PASSNUM_PUBLIC_URL"

    /// The operator's account to use, or every problem at once, each naming its variable. `required` is true for
    /// `passnum serve` without `--demo`; otherwise what is set is still checked, and the rest comes from the demo.
    static func check(_ environment: [String: String], required: Bool) throws(SettingsError) -> OperatorAccount {
        var problems: [String] = []
        var account = OperatorAccount.demo
        do {
            account = try OperatorAccount.settings(environment, required: required)
        } catch {
            problems += error.problems
        }
        let url = environment[publicURLVariable].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        if url.isEmpty {
            if required { problems.append("\(publicURLVariable) is not set (the address people reach the platform at, printed in QR codes)") }
        } else if !validPublicURL(url) {
            problems.append("\(publicURLVariable) must be an http:// or https:// address with a host, such as https://pass.example.fr")
        }
        guard problems.isEmpty else {
            throw SettingsError(problems: problems + (required ? ["to try the platform with demo values instead, run `passnum serve --demo`"] : []))
        }
        return account
    }

    static func validPublicURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = components.host, !host.isEmpty, components.query == nil, components.fragment == nil
        else { return false }
        return true
    }
}
