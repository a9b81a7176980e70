/// Reads the decimal numbers people type ("10", "10,5", "12.50", "1 000"), exactly, without floating point.
public enum DecimalText {
    /// The value × 10^`decimals` as an integer, or nil when the text is not a number with at most that many
    /// decimals.
    public static func scaled(_ text: String, decimals: Int) -> Int64? {
        let cleaned = text.filter { $0 != " " && $0 != "\u{00A0}" && $0 != "\u{202F}" && $0 != "€" && $0 != "%" }
            .replacingOccurrences(of: ",", with: ".")
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 12,
              parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let whole = Int64(parts[0])
        else { return nil }
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        guard (0...6).contains(decimals), fraction.count <= decimals, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        fraction += String(repeating: "0", count: decimals - fraction.count)
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        // At most 12 digits times 10^6 fits in Int64; the checked operations keep that a refusal, not a trap, if the
        // limits above ever change.
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: scale)
        let (value, carry) = scaled.addingReportingOverflow(Int64(fraction) ?? 0)
        return overflow || carry ? nil : value
    }

    /// The inverse of `scaled` for non-negative values, as people write it: 250 with 2 decimals is "2,5".
    public static func text(_ value: Int64, decimals: Int) -> String {
        var scale: Int64 = 1
        for _ in 0..<decimals { scale *= 10 }
        var fraction = String(value % scale)
        fraction = String(repeating: "0", count: decimals - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(value / scale)" + (fraction.isEmpty ? "" : "," + fraction)
    }
}

extension Money {
    /// "10", "10,50", "10.5 €" → cents; nil for anything else (including more than 2 decimals).
    public init?(euros text: String) {
        guard let cents = DecimalText.scaled(text, decimals: 2) else { return nil }
        self.init(cents: cents)
    }

    /// "10,50": euros with a decimal comma and no thousands separator, for CSV files.
    public var plainDecimal: String { decimal(separator: ",") }

    /// "10.50": the same with a dot, for machine formats (SEPA, Factur-X, open data).
    public var dotDecimal: String { decimal(separator: ".") }

    /// Exactly two decimals, a minus sign when negative.
    private func decimal(separator: String) -> String {
        let magnitude = cents.magnitude
        let rest = magnitude % 100
        return (cents < 0 ? "-" : "") + "\(magnitude / 100)" + separator + (rest < 10 ? "0" : "") + "\(rest)"
    }
}
