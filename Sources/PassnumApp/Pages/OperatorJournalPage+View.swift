import PassnumDomain
import PassnumPersistence

extension OperatorJournalPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Journal", context: context) {
                h("h1") { "Journal et contrôles" }
                Layout.notice(context)
                h("h2") { "Contrôle des comptes" }
                if let lastRun = model.lastRun {
                    h("p", ["role": "status"]) {
                        "Dernier contrôle le \(French.dateTime(lastRun.finishedAt)) par \(French.actor(lastRun.actor)) : "
                            + (lastRun.holds ? "tout est correct." : French.plural(lastRun.violations.count, "anomalie", "anomalies") + ".")
                    }
                    h("ul") {
                        for invariant in LedgerInvariant.allCases {
                            if let violation = lastRun.violations.first(where: { $0.invariant == invariant }) {
                                // The detail names rows and sums as `passnum verify` prints them, for whoever investigates.
                                h("li", ["class": "refused"]) {
                                    "Anomalie : " + French.invariant(invariant)
                                    h("br")
                                    "Détail technique (en anglais) : "
                                    h("code", ["lang": "en"]) { violation.detail }
                                }
                            } else {
                                h("li", ["class": "ok"]) { "Correct : " + French.invariant(invariant) }
                            }
                        }
                    }
                } else {
                    h("p", ["role": "status"]) { "Les comptes n’ont pas encore été contrôlés." }
                }
                h("form", ["method": "post", "action": SiteURL.operatorVerify.path]) {
                    csrfField(context)
                    h("button", ["type": "submit", "class": "secondary"]) { "Vérifier maintenant" }
                }
                h("h2") { "Écritures" }
                table(caption: "Écritures du journal, les plus récentes d’abord", headers: ["N°", "Date", "Opération", "Référence", "Par", "Montant"],
                      rows: model.entries.map {
                          [.text($0.id.description), .text(French.dateTime($0.occurredAt)), .text(EntryKind(rawValue: $0.kind).map(French.entryKind) ?? $0.kind),
                           .text($0.reference.count > 60 ? String($0.reference.prefix(60)) + "…" : $0.reference), .text(French.actor($0.actor)), .text(money($0.amount))]
                      })
                pager(model.position, path: SiteURL.operatorJournal.path)
            }
        }
    }
}
