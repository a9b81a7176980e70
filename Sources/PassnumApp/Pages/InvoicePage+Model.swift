import PassnumDomain
import PassnumPersistence

/// One invoice, as a printable document.
enum InvoicePage {
    /// The name of the downloaded file.
    static func filename(_ invoice: Invoice) -> String { "facture-\(invoice.number).html" }

    struct Model: Sendable, Equatable {
        var invoice: Invoice
        /// The operator's name, who issues every invoice.
        var seller: String
        /// The journal's witness at or before the invoice's date (nil before the first one).
        var witness: PublishedWitness? = nil

        /// The lines of the invoice: the checks' value (without VAT) and the fee, or the subscription.
        var lines: [(label: String, amount: Money)] {
            var lines: [(label: String, amount: Money)] = []
            switch invoice.kind {
            case .order:
                lines.append(("Chèques Pass numérique – \(invoice.programme ?? "") : \(invoice.booklets) carnet(s), \(invoice.checks) chèques (sans TVA)",
                              invoice.amounts.face))
                if invoice.amounts.fee > .zero { lines.append(("Frais de gestion (hors taxes)", invoice.amounts.fee)) }
            case .subscription:
                lines.append(("Abonnement annuel \(CivilDate(invoice.issuedAt).year) (hors taxes)", invoice.amounts.fee))
            }
            return lines
        }

        /// The page of `invoice` (read and checked visible by the controller): one statement, the witness.
        static func query(store: Store, invoice: Invoice) async throws -> Model {
            Model(invoice: invoice, seller: store.configuration.operatorAccount.account.name,
                  witness: try await store.witness(atOrBefore: CivilDate(invoice.issuedAt)))
        }
    }
}
