import PassnumDomain
import SQLKit

/// The payout rules as SQL, written once for the run, its preview and the pages that show them.
enum PayoutSQL {
    /// "Payable for `month`": the checks (table or alias `checks`) redeemed during the month and not paid yet (the
    /// state `CheckState.payment` moves from). The state is a literal, not a bind, so that SQLite can use the partial
    /// index `checks_payable`, whose condition must appear as written.
    static func payable(_ checks: String, in month: Month) -> SQLQueryString {
        let (start, end) = month.interval
        return """
            \(unsafeRaw: checks).state = \(literal: CheckState.redeemed.rawValue) \
            AND \(unsafeRaw: checks).redeemed_at >= \(bind: start.millis) AND \(unsafeRaw: checks).redeemed_at < \(bind: end.millis)
            """
    }

    /// "Has a check to pay for `month`": the place `place` (an SQL expression), by one probe of `checks_payable`. A scalar
    /// subquery rather than EXISTS, which PostgreSQL may turn into a scan of the whole month's checks: a walk over the
    /// places then costs one probe each, whatever the month's size.
    static func hasCheckToPay(place: SQLQueryString, in month: Month) -> SQLQueryString {
        "(SELECT 1 FROM checks c WHERE c.place_id = \(place) AND \(payable("c", in: month)) LIMIT 1) IS NOT NULL"
    }

    /// "Has verified bank details": the verified changes of the place `place` (an SQL expression). A place is paid to
    /// the latest (highest id), and held back when there is none; the preview shows whether one exists.
    static func verifiedBankDetails(ofPlace place: SQLQueryString) -> SQLQueryString {
        "SELECT b.* FROM bank_detail_changes b WHERE b.place_id = \(place) AND b.state = \(bind: BankDetailsReview.State.verified.rawValue)"
    }
}
