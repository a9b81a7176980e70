import PassnumDomain

/// The State's charter at the operator's review: the weekly opening time and, below 24 hours, what the decision needs.
enum PlaceCharterViews {
    static func openingLine(_ opening: WeeklyOpening, state: PlaceState) -> Node {
        let met = PlaceCharter.met(by: opening)
        let text = French.weeklyOpening(opening) + (met ? "." : " : moins que les 24 h par semaine de la charte.")
        return group {
            h("p", ["class": met ? "ok" : "refused"]) { text }
            if !met && state.canMove(to: .qualified) {
                h("p") { "Pour habiliter ce lieu quand même, écrivez le motif. Il sera gardé avec la décision." }
            }
        }
    }
}

extension French {
    /// "Ouvert 31 h par semaine", "Ouvert 31 h 30 par semaine" or "Horaires non lisibles".
    static func weeklyOpening(_ opening: WeeklyOpening) -> String {
        switch opening {
        case .minutes(let minutes): "Ouvert \(weeklyHours(minutes)) par semaine"
        case .unknown: "Horaires non lisibles"
        }
    }

    /// "31 h", "31 h 30", "0 h 45".
    static func weeklyHours(_ minutes: Int) -> String {
        let hours = minutes / 60, rest = minutes % 60
        return rest == 0 ? "\(hours) h" : "\(hours) h \(rest < 10 ? "0" : "")\(rest)"
    }
}

/// The operator's rolling 12-month payments against the limited-network threshold (LimitedNetwork).
enum LimitedNetworkViews {
    static func section(_ total: Money) -> Node {
        let level = LimitedNetwork.level(of: total)
        let sentence = "Paiements aux lieux sur les 12 derniers mois : \(money(total)), soit \(LimitedNetwork.percent(of: total)) % du seuil de "
            + "\(money(LimitedNetwork.threshold)). Au-delà de ce seuil, l’opérateur doit se déclarer à l’ACPR (exemption « réseau limité », "
            + "Code monétaire et financier, articles L521-3 et L525-6)."
        return group {
            h("h2") { "Seuil du réseau limité" }
            switch level {
            case .under: h("p") { sentence }
            case .near: h("p", ["class": "errors", "role": "status"]) { "Attention : le seuil est bientôt atteint. " + sentence }
            case .over: h("p", ["class": "errors", "role": "status"]) { "Le seuil est dépassé : faites la déclaration à l’ACPR. " + sentence }
            }
        }
    }
}
