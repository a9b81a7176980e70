import PassnumDomain

/// A notice worded for its recipient: French subject, plain text and HTML (the transport adds the headers).
struct ComposedMail: Sendable, Equatable {
    var subject: String
    var text: String
    var html: String
}

/// Words each `Notice` in plain, short French. Links are absolute, built from `baseURL` (PASSNUM_PUBLIC_URL,
/// without a trailing slash) and the site's own paths (`SiteURL`).
enum MailComposer {
    static func compose(_ notice: Notice, baseURL: String) -> ComposedMail {
        func link(_ url: SiteURL) -> String { baseURL + url.path }
        switch notice {
        case let .passwordReset(token, name):
            return mail(subject: "Pass numérique : choisir un nouveau mot de passe", greeting: name, paragraphs: [
                "Pour choisir un nouveau mot de passe, ouvrez ce lien. Il est valable une heure et ne sert qu’une fois :",
            ], link: link(.resetPassword(token)), closing: "Si vous n’avez rien demandé, ignorez ce message : votre mot de passe ne change pas.")

        case let .invitation(token, name, organisationName, invitedBy):
            return mail(subject: "Pass numérique : invitation à rejoindre \(quoted(organisationName))", greeting: name, paragraphs: [
                "\(invitedBy) vous invite à rejoindre \(quoted(organisationName)) sur le Pass numérique.",
                "Pour créer votre compte, ouvrez ce lien et choisissez votre mot de passe. Le lien est valable 7 jours et ne sert qu’une fois :",
            ], link: link(.invitation(token)), closing: "Si vous ne connaissez pas cette personne, ignorez ce message : aucun compte ne sera créé.")

        case let .applicationReceived(_, placeName):
            return mail(subject: "Pass numérique : nous avons reçu la demande de \(quoted(placeName))", paragraphs: [
                "Nous avons bien reçu la demande d’habilitation de \(quoted(placeName)).",
                "L’équipe du Pass numérique va l’étudier. Vous recevrez un message quand elle aura décidé.",
                "Pour suivre votre demande :",
            ], link: link(.placeApplication))

        case let .applicationQualified(_, placeName):
            return mail(subject: "Pass numérique : le lieu \(quoted(placeName)) est habilité", paragraphs: [
                "Bonne nouvelle : le lieu \(quoted(placeName)) est habilité au Pass numérique.",
                "Le lieu peut valider les chèques des financeurs qui l’acceptent. Pour demander à un financeur d’accepter ses chèques :",
            ], link: link(.placeFunders))

        case let .applicationRejected(_, placeName, reason):
            return mail(subject: "Pass numérique : la demande de \(quoted(placeName)) est refusée", paragraphs: [
                "La demande d’habilitation de \(quoted(placeName)) est refusée.",
                "Raison : \(reason)",
                "Pour voir votre demande :",
            ], link: link(.placeApplication))

        case let .placeSuspended(_, placeName, reason):
            return mail(subject: "Pass numérique : le lieu \(quoted(placeName)) est suspendu", paragraphs: [
                "Le lieu \(quoted(placeName)) est suspendu : pour le moment, il ne peut plus valider de chèques.",
                "Raison : \(reason)",
                "Pour voir l’état de votre lieu :",
            ], link: link(.placeApplication))

        case let .affiliationRequested(_, placeName, funderName):
            return mail(subject: "Pass numérique : \(quoted(placeName)) demande à accepter vos chèques", paragraphs: [
                "Le lieu \(quoted(placeName)) demande à accepter les chèques de \(funderName).",
                "Pour accepter ou refuser sa demande :",
            ], link: link(.funderPlaces))

        case let .affiliationDecided(_, placeName, funderName, accepted, reason):
            let paragraphs = accepted
                ? ["\(funderName) a accepté votre demande : \(quoted(placeName)) peut maintenant valider ses chèques."]
                : ["\(funderName) a refusé votre demande : \(quoted(placeName)) ne peut pas valider ses chèques."]
                    + (reason.map { ["Raison : \($0)"] } ?? [])
            return mail(subject: "Pass numérique : \(funderName) \(accepted ? "accepte" : "refuse") \(quoted(placeName))",
                        paragraphs: paragraphs + ["Pour voir vos financeurs :"], link: link(.placeFunders))

        case let .programmeEnding(programme, programmeName, endsOn, daysLeft, lastRedemptionDay, toPrescribers):
            let end = CivilDate(endsOn)
            let stopped = daysLeft <= ProgrammeTerms.handOutStopDays
            let when = daysLeft > 1 ? " (dans \(daysLeft) jours)" : daysLeft == 1 ? " (demain)" : ""
            var paragraphs = ["Le programme \(quoted(programmeName)) se termine le \(frenchDate(endsOn))\(when)."]
            if toPrescribers {
                paragraphs.append(stopped
                    ? "Vous ne pouvez plus remettre ses chèques. Les personnes qui en ont peuvent les utiliser jusqu’au \(frenchDate(lastRedemptionDay))."
                    : "Remettez les carnets qui vous restent avant le \(end.map { French.date(ProgrammeTerms.handOutStopDay(validUntil: $0)) } ?? endsOn) : après, ils ne pourront plus être remis.")
                paragraphs.append("Pour voir votre stock :")
            } else {
                paragraphs.append(stopped
                    ? "Ses chèques ne peuvent plus être remis."
                    : "Ses chèques ne pourront plus être remis à partir du \(end.map { French.date(ProgrammeTerms.handOutStopDay(validUntil: $0)) } ?? endsOn).")
                paragraphs.append("Les chèques pas utilisés le \(frenchDate(lastRedemptionDay)) vous reviendront : vous recevrez un avoir.")
                paragraphs.append("Pour voir le programme :")
            }
            return mail(subject: "Pass numérique : le programme \(quoted(programmeName)) se termine le \(frenchDate(endsOn))",
                        paragraphs: paragraphs, link: link(toPrescribers ? .prescriberHome : .funderProgramme(programme)))

        case let .payoutSent(payout, placeName, month, amountCents):
            let period = Month(month).map(French.month) ?? month
            let amount = Money(cents: amountCents)
            return mail(subject: "Pass numérique : remboursement de \(period) pour \(quoted(placeName))", paragraphs: [
                amount > .zero
                    ? "Le remboursement des chèques validés par \(quoted(placeName)) en \(period) est parti : \(amount). Le virement arrive sur votre compte dans les prochains jours."
                    : "Les chèques validés par \(quoted(placeName)) en \(period) sont remboursés, mais tout le montant a été déduit (abonnement ou correction) : il n’y a pas de virement ce mois-ci.",
                "Le détail est dans le relevé :",
            ], link: link(.placeStatement(payout)))

        case let .invoiceIssued(invoice, number, amountCents):
            return mail(subject: "Pass numérique : facture \(number)", paragraphs: [
                "Une nouvelle facture est prête : facture n° \(number), de \(Money(cents: amountCents)).",
                "Pour la voir :",
            ], link: link(.invoice(invoice)))

        case let .creditNoteIssued(creditNote, number, amountCents, programmeName):
            return mail(subject: "Pass numérique : avoir \(number)", paragraphs: [
                "Le programme \(quoted(programmeName)) est terminé. Ses chèques pas utilisés vous reviennent : avoir n° \(number), de \(Money(cents: amountCents)).",
                "Pour le voir :",
            ], link: link(.creditNote(creditNote)))

        case let .bankDetailsPending(_, placeName):
            return mail(subject: "Pass numérique : coordonnées bancaires à vérifier pour \(quoted(placeName))", paragraphs: [
                "De nouvelles coordonnées bancaires ont été données pour \(quoted(placeName)).",
                "Une personne de l’équipe doit les vérifier, et pas celle qui les a saisies. Le lieu n’est pas remboursé sur ce compte avant.",
                "Pour les vérifier :",
            ], link: link(.operatorBankChanges))
        }
    }

    /// « name », with French quotes and no-break spaces.
    static func quoted(_ name: String) -> String { "«\u{00A0}" + name + "\u{00A0}»" }

    /// "2026-06-30" → "30 juin 2026"; a value that is not a date is shown as given.
    static func frenchDate(_ iso: String) -> String { CivilDate(iso).map(French.date) ?? iso }

    /// The common shape of every message: greeting, paragraphs, an optional link on a line of its own, closing.
    /// The HTML part goes through the site's escaping builder (`Node`).
    static func mail(subject: String, greeting name: String = "", paragraphs: [String], link: String?,
                     closing: String = "L’équipe du Pass numérique") -> ComposedMail {
        let hello = name.isEmpty ? "Bonjour," : "Bonjour \(name),"
        var text = [hello] + paragraphs
        var body = ([hello] + paragraphs).map { Node.element("p", [], [.text($0)]) }
        if let link {
            text.append(link)
            body.append(.element("p", [], [.element("a", [("href", link)], [.text(link)])]))
        }
        if !closing.isEmpty {
            text.append(closing)
            body.append(.element("p", [], [.text(closing)]))
        }
        let html = Node.element("html", [("lang", "fr")], [.element("body", [], body)])
        // A name with a line break must not break the subject's header line.
        let subject = subject.split(whereSeparator: \.isNewline).joined(separator: " ")
        return ComposedMail(subject: subject, text: text.joined(separator: "\n\n") + "\n", html: "<!DOCTYPE html>" + html.rendered)
    }
}
