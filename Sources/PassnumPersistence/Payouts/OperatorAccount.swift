import Foundation
import PassnumDomain

/// The operator's own account, the debtor of the SEPA files.
public struct OperatorAccount: Sendable, Equatable {
    public var account: SEPACreditTransfer.Account
    /// The operator's SIRET and VAT number, the seller's identifiers on the e-invoices (Chorus Pro needs them); optional
    /// settings: without them the e-invoices are refused with a message naming the setting.
    public var siret: String?
    public var vatID: String?

    public init(account: SEPACreditTransfer.Account, siret: String? = nil, vatID: String? = nil) {
        self.account = account
        self.siret = siret
        self.vatID = vatID
    }

    /// The demo's and the tests' account: never a real one. `passnum serve` outside `--demo` refuses to start on it.
    /// Its SIRET and VAT number pass the checks and belong to nobody known.
    public static let demo = OperatorAccount(account: .init(name: "Opérateur Pass numérique", iban: "FR7630006000011234567890189", bic: "AGRIFRPP"),
                                             siret: "90000000100017", vatID: "FR68900000001")

    public static let nameVariable = "PASSNUM_OPERATOR_NAME"
    public static let ibanVariable = "PASSNUM_OPERATOR_IBAN"
    public static let bicVariable = "PASSNUM_OPERATOR_BIC"
    public static let siretVariable = "PASSNUM_OPERATOR_SIRET"
    public static let vatIDVariable = "PASSNUM_OPERATOR_VAT_ID"

    /// From PASSNUM_OPERATOR_NAME, PASSNUM_OPERATOR_IBAN and PASSNUM_OPERATOR_BIC, each missing one from the demo account
    /// (tests, the demo, commands that pay nobody). A value that is set but not valid is ignored here; `settings` says why.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> OperatorAccount {
        (try? settings(environment, required: false)) ?? .demo
    }

    /// The account from the environment, checked: a name, an IBAN (mod 97-10) and a BIC. When `required`, a missing
    /// variable is an error too, never a silent demo default. Every problem is listed, by variable name.
    public static func settings(_ environment: [String: String], required: Bool) throws(SettingsError) -> OperatorAccount {
        func value(_ name: String) -> String? {
            environment[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        var problems: [String] = []
        var account = demo.account
        if let name = value(nameVariable) {
            if name.count > 70 { problems.append("\(nameVariable) must be at most 70 characters (the SEPA limit)") } else { account.name = name }
        } else if required {
            problems.append("\(nameVariable) is not set (the operator's name, debtor of the payout files)")
        }
        if let iban = value(ibanVariable) {
            // The value itself is never repeated: an IBAN does not belong in a log.
            if case .success(let checked) = IBAN.check(iban) { account.iban = checked } else { problems.append("\(ibanVariable) is not a valid IBAN") }
        } else if required {
            problems.append("\(ibanVariable) is not set (the operator's own IBAN, debited by the payout files)")
        }
        if let bic = value(bicVariable) {
            if let checked = BIC.check(bic) { account.bic = checked } else { problems.append("\(bicVariable) is not a valid BIC (8 or 11 characters)") }
        } else if required {
            problems.append("\(bicVariable) is not set (the BIC of the operator's bank)")
        }
        // Optional even when required: never the demo's when the real account is asked for.
        var siret = required ? nil : demo.siret, vatID = required ? nil : demo.vatID
        if let text = value(siretVariable) {
            if case .success(let digits) = Siret.check(text) { siret = digits } else { problems.append("\(siretVariable) is not a valid SIRET (14 digits, Luhn)") }
        }
        if let text = value(vatIDVariable) {
            if let checked = VATNumber.check(text) { vatID = checked } else { problems.append("\(vatIDVariable) is not a valid VAT number (for example FR32123456789)") }
        }
        guard problems.isEmpty else { throw SettingsError(problems: problems) }
        return OperatorAccount(account: account, siret: siret, vatID: vatID)
    }
}

/// Settings that are missing or wrong, each naming its environment variable.
public struct SettingsError: Error, Equatable, CustomStringConvertible {
    public var problems: [String]
    public init(problems: [String]) { self.problems = problems }
    public var description: String { problems.joined(separator: "; ") }
}
