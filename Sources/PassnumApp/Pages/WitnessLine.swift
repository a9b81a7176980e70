import PassnumDomain
import PassnumPersistence

/// The journal's witness printed on a payout statement, an invoice or a credit note: the latest published at or before
/// the document's date, in full, so that whoever keeps the document can check it against `/statistiques` or
/// `passnum verify --against` later. Nothing before the first witness is published.
func witnessLine(_ witness: PublishedWitness?) -> Node {
    guard let witness else { return group {} }
    return h("p", ["class": "witness"]) {
        "Empreinte du journal au " + French.numericDate(witness.day) + " : "
        h("code", ["class": "hash"]) { witness.hash }
    }
}

extension French {
    /// "28/11/2026"
    static func numericDate(_ day: CivilDate) -> String { String(format: "%02d/%02d/%04d", day.day, day.month, day.year) }
}
