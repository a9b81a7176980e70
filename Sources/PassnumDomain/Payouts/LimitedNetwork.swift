import Foundation

/// The payment-services "limited network" exemption (Code monétaire et financier, L521-3 and L525-6): checks usable
/// only at qualified places need no payment institution licence, but once the payments of the last 12 months pass
/// 1 M€ the operator must declare its activity to the ACPR (L521-3-1). The operator's home compares the rolling total
/// with the threshold and warns from 80 %.
public enum LimitedNetwork {
    public static let threshold = Money.euros(1_000_000)
    /// The share of the threshold from which the operator is warned, in percent.
    public static let warningPercent: Int64 = 80

    public enum Level: Sendable, Equatable {
        case under, near, over
    }

    public static func level(of total: Money) -> Level {
        if total.cents > threshold.cents { return .over }
        // Integer cents: total / threshold >= 80 % without a division.
        if total.cents * 100 >= threshold.cents * warningPercent { return .near }
        return .under
    }

    /// The share of the threshold reached, in whole percent (rounded down).
    public static func percent(of total: Money) -> Int64 { max(0, total.cents) * 100 / threshold.cents }
}
