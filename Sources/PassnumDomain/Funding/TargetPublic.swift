import Foundation

/// A public a programme means to reach, which the funder accounts for to the State (the co-funding statement's split).
/// A short closed list, so that every funder's figures add up across the country. Job seekers come from the State's
/// 2020 call for Pass numérique projects (it asked that at least half of the used checks reach them); the others are
/// the publics the co-funders' own social policies name (the RSA: départements; 16 to 25: missions locales; 60 and
/// over: retirement funds). Disability is deliberately not one: it is health data (GDPR art. 9), which the platform has
/// no legal basis to record about a person handed checks.
///
/// The raw value is the code stored (programmes, checks, tallies) and sent by the API.
public enum TargetPublic: String, CaseIterable, Sendable, Codable, Comparable {
    case jobSeekers = "job_seekers"
    case rsaRecipients = "rsa_recipients"
    case aged16To25 = "aged_16_25"
    case aged60AndOver = "aged_60_plus"

    /// The order of `allCases`: pages and files list publics the same way everywhere.
    public static func < (lhs: TargetPublic, rhs: TargetPublic) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }

    /// The public recorded with a hand-out: none (the person is in none of them, or the prescriber does not know), or
    /// one of those the programme declares; any other is refused.
    public static func checked(_ chosen: TargetPublic?, declared: [TargetPublic]) throws(DomainError) -> TargetPublic? {
        guard let chosen else { return nil }
        guard declared.contains(chosen) else { throw .invalid(field: .targetPublic, problem: .notAvailable) }
        return chosen
    }

    /// A code as sent by a form or the API: nil for an empty one; an unknown code is refused like an undeclared public.
    public static func parse(_ code: String?) throws(DomainError) -> TargetPublic? {
        guard let code = ApplicationData.optional(code) else { return nil }
        guard let value = TargetPublic(rawValue: code) else { throw .invalid(field: .targetPublic, problem: .notAvailable) }
        return value
    }
}
