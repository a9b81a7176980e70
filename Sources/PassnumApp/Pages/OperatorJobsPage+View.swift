import Foundation
import PassnumPersistence

extension OperatorJobsPage {
    struct View {
        let model: Model
        let context: PageContext

        var document: Node {
            Layout.page(title: "Tâches", context: context) {
                h("h1") { "Tâches automatiques" }
                Layout.notice(context)
                h("p") { "Le serveur fait ces tâches tout seul, à intervalles réguliers. Avec plusieurs serveurs, un seul fait chaque tâche." }
                table(caption: "Tâches automatiques", headers: ["Tâche", "Fréquence", "Dernier passage", "Durée", "Résultat", "Prochain passage", "Action"],
                      rows: model.jobs.map { job in
                          let status = job.status
                          return [.text(Self.title(job.name)), .text(Self.frequency(job.interval)),
                                  .text(status?.lastFinishedAt.map(French.dateTime) ?? "Jamais"),
                                  .text(status?.lastDurationMs.map(Self.duration) ?? "—"),
                                  Self.result(status, now: model.now),
                                  .text(status.map { $0.nextDueAt <= model.now ? "Dès que possible" : French.dateTime($0.nextDueAt) } ?? "Dès que possible"),
                                  Self.runNow(job.name, context)]
                      })
            }
        }

        static func title(_ name: JobName) -> String {
            switch name {
            case .timeline: "Fin des programmes : alertes, chèques expirés, avoirs, abonnements"
            case .mail: "Envoi des courriels"
            case .purge: "Effacement des données techniques périmées (connexions, liens, courriels envoyés)"
            case .personalData: "Pseudonymisation des personnes après la durée de conservation"
            case .witness: "Publication de l’empreinte du journal de chaque jour"
            }
        }

        static func frequency(_ interval: TimeInterval) -> String {
            switch interval {
            case ..<60: "Toutes les \(Int(interval)) secondes"
            case ..<3_600: "Toutes les \(Int(interval / 60)) minutes"
            case 3_600: "Toutes les heures"
            case ..<86_400: "Toutes les \(Int(interval / 3_600)) heures"
            case 86_400: "Tous les jours"
            default: "Tous les \(Int(interval / 86_400)) jours"
            }
        }

        static func duration(_ milliseconds: Int64) -> String {
            milliseconds < 1_000 ? "moins d’une seconde" : milliseconds < 120_000 ? "\(milliseconds / 1_000) s" : "\(milliseconds / 60_000) min"
        }

        static func result(_ status: JobStatus?, now: Date) -> Node {
            guard let status else { return .text("Pas encore lancée") }
            if status.isRunning(at: now) { return .text("En cours") }
            switch status.lastResult {
            case .ok: return h("span", ["class": "ok"]) { "OK" }
            case .error: return h("span", ["class": "refused"]) { "Erreur : " + (status.lastError ?? "inconnue") }
            case nil: return .text("Interrompue")
            }
        }

        static func runNow(_ name: JobName, _ context: PageContext) -> Node {
            h("form", ["method": "post", "action": SiteURL.operatorJobs.path, "class": "inline"]) {
                csrfField(context)
                h("input", ["type": "hidden", "name": "job", "value": name.rawValue])
                h("button", ["type": "submit", "class": "secondary", "aria-label": "Lancer maintenant : " + title(name)]) { "Lancer maintenant" }
            }
        }
    }
}
