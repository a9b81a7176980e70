import Foundation

/// How long a beneficiary's identity is kept, and what is left of it afterwards (DESIGN.md, "Personal data"): the
/// name goes, the birth year becomes its decade, and the commune, diagnostic level and consent date stay, so
/// statistics (computed on brackets, never on names) do not change.
public enum PersonalData {
    public static let defaultRetentionMonths = 24
    /// At least 13 months: a programme's grace period (at most 366 days) ends inside the retention time, so a person
    /// whose checks may still be validated is never pseudonymised by the purge.
    public static let retentionRange = 13...120

    /// The first name every pseudonymised person gets; the last name is `pseudonym(of:)`.
    public static let pseudonymFirstName = "Personne"

    /// A stable pseudonym: the record's own number, which only the platform can tie back to the rows it keeps.
    public static func pseudonym(of beneficiary: BeneficiaryID) -> String { "#\(beneficiary)" }

    /// The birth year kept once pseudonymised: the first year of its decade (the age bracket).
    public static func bracket(ofBirthYear year: Int) -> Int { year - year % 10 }

    /// Programmes that ended before this day have had their retention time on `today`.
    public static func retentionCutoff(today: CivilDate, months: Int) -> CivilDate {
        let back = CivilDate.calendar.date(byAdding: .month, value: -months, to: today.start.addingTimeInterval(12 * 3600))
        return back.map(CivilDate.init) ?? today
    }

    /// Whether a check handed out (distributed) may still be validated on `today`: its programme's last redemption day
    /// has not passed. A person holding one may not be erased.
    public static func isUsable(lastRedemptionDay: CivilDate, today: CivilDate) -> Bool {
        today <= lastRedemptionDay
    }
}
