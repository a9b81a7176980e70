extension SEPACreditTransfer {
    /// "Pass numerique mars 2026 - 3 cheques": what the place reads on its bank statement for a payout. Kept within
    /// the SEPA character set (no accents), and part of the SEPA file whose hash the run records, so it never changes
    /// for a month already paid.
    public static func remittance(month: Month, checks: Int64) -> String {
        let names = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre"]
        return "Pass numerique \(names[month.month - 1]) \(month.year) - \(checks) cheque\(checks > 1 ? "s" : "")"
    }
}
