import Foundation
import PassnumPersistence
import Vapor

/// Who publishes the site, for the legal notice and the accessibility statement (LCEN article 6 III; RGAA). Each
/// value comes from the environment; a missing one is shown on the pages as a placeholder the operator must fill,
/// never invented.
struct LegalSettings: Sendable, Equatable {
    /// The publisher (the operator): its name, postal address, contact e-mail and, if set, SIRET.
    var publisherName: String?
    var publisherAddress: String?
    var contactEmail: String?
    var publisherSiret: String?
    /// The person responsible for what the site publishes.
    var publicationDirector: String?
    /// The hosting provider: name, and address or telephone.
    var hostName: String?
    var hostAddress: String?

    static let variables = (address: "PASSNUM_OPERATOR_ADDRESS", email: "PASSNUM_OPERATOR_EMAIL", siret: "PASSNUM_OPERATOR_SIRET",
                            director: "PASSNUM_PUBLICATION_DIRECTOR", hostName: "PASSNUM_HOST_NAME", hostAddress: "PASSNUM_HOST_ADDRESS")

    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> LegalSettings {
        // Trimmed and bounded: these are printed on public pages.
        func value(_ name: String) -> String? {
            environment[name].map { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300)) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        return LegalSettings(
            publisherName: value(OperatorAccount.nameVariable), publisherAddress: value(variables.address), contactEmail: value(variables.email),
            publisherSiret: value(variables.siret), publicationDirector: value(variables.director), hostName: value(variables.hostName),
            hostAddress: value(variables.hostAddress))
    }
}

extension Application {
    private struct LegalSettingsKey: StorageKey { typealias Value = LegalSettings }

    var legalSettings: LegalSettings {
        get { storage[LegalSettingsKey.self] ?? LegalSettings() }
        set { storage[LegalSettingsKey.self] = newValue }
    }
}
