import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing

@Suite("Mail wording")
struct MailComposerTests {
    static let base = "https://pass.example.fr"

    /// One notice of each kind, with values that need escaping or accents.
    static let samples: [Notice] = [
        .passwordReset(token: "tok-123", name: "Élodie"),
        .invitation(token: "inv-456", name: "Zoé", organisationName: "CCAS de Lille", invitedBy: "Hélène Durand"),
        .applicationReceived(place: 7, placeName: "Médiathèque <b>&"),
        .applicationQualified(place: 7, placeName: "Médiathèque <b>&"),
        .applicationRejected(place: 7, placeName: "Médiathèque <b>&", reason: "Pas de médiation numérique"),
        .placeSuspended(place: 7, placeName: "Médiathèque <b>&", reason: "Contrôle en cours"),
        .affiliationRequested(place: 7, placeName: "Médiathèque <b>&", funderName: "Département du Nord"),
        .affiliationDecided(place: 7, placeName: "Médiathèque <b>&", funderName: "Département du Nord", accepted: false, reason: "Hors périmètre"),
        .programmeEnding(programme: 3, programmeName: "Pass numérique Nord", endsOn: "2026-06-30", daysLeft: 30,
                         lastRedemptionDay: "2026-07-31", toPrescribers: false),
        .payoutSent(payout: 12, placeName: "Médiathèque <b>&", month: "2026-03", amountCents: 123_450),
        .invoiceIssued(invoice: 5, number: "F-2026-00005", amountCents: 1_025_000),
        .creditNoteIssued(creditNote: 2, number: "A-2026-00002", amountCents: 4_000, programmeName: "Pass numérique Nord"),
        .bankDetailsPending(place: 7, placeName: "Médiathèque <b>&"),
    ]

    /// The page each message leads to. Exhaustive: a new kind of notice must say where it leads.
    static func expectedPath(_ notice: Notice) -> String {
        switch notice {
        case .passwordReset(let token, _): "/mot-de-passe/\(token)"
        case .invitation(let token, _, _, _): "/invitation/\(token)"
        case .applicationReceived, .applicationRejected, .placeSuspended: "/lieu/candidature"
        case .applicationQualified, .affiliationDecided: "/lieu/financeurs"
        case .affiliationRequested: "/financeur/lieux"
        case let .programmeEnding(programme, _, _, _, _, toPrescribers): toPrescribers ? "/prescripteur" : "/financeur/programmes/\(programme)"
        case .payoutSent(let payout, _, _, _): "/lieu/releves/\(payout)"
        case .invoiceIssued(let invoice, _, _): "/documents/factures/\(invoice)"
        case .creditNoteIssued(let note, _, _, _): "/documents/avoirs/\(note)"
        case .bankDetailsPending: "/operateur/banque"
        }
    }

    @Test("Every kind of notice has a French subject, a greeting, a text and an HTML part, both with the absolute link",
          arguments: samples)
    func everyKindComposes(notice: Notice) {
        let mail = MailComposer.compose(notice, baseURL: Self.base)
        let link = Self.base + Self.expectedPath(notice)
        #expect(mail.subject.hasPrefix("Pass numérique : ") && mail.subject.count > "Pass numérique : ".count + 5)
        #expect(!mail.subject.contains("\n"))
        #expect(mail.text.hasPrefix("Bonjour") && mail.text.contains("\n\n\(link)\n\n"))
        #expect(mail.html.hasPrefix("<!DOCTYPE html><html lang=\"fr\"><body><p>Bonjour"))
        #expect(mail.html.contains("<a href=\"\(link)\">\(link)</a>"))
        // No kind is left to a placeholder: the subject is a sentence, not the kind's code.
        #expect(mail.subject != "Pass numérique : \(notice.kind)")
    }

    @Test("The samples cover every kind of notice")
    func samplesCoverEveryKind() {
        #expect(Set(Self.samples.map(\.kind)).count == Self.samples.count)
        #expect(Self.samples.count == 13)
    }

    @Test("A name with markup shows literally: escaped in the HTML part, as typed in the text")
    func htmlIsEscaped() {
        let mail = MailComposer.compose(.applicationReceived(place: 7, placeName: "Médiathèque <b>&"), baseURL: Self.base)
        #expect(mail.html.contains("«\u{00A0}Médiathèque &lt;b&gt;&amp;\u{00A0}»"))
        #expect(!mail.html.contains("<b>"))
        #expect(mail.text.contains("«\u{00A0}Médiathèque <b>&\u{00A0}»"))
        #expect(mail.subject == "Pass numérique : nous avons reçu la demande de «\u{00A0}Médiathèque <b>&\u{00A0}»")
    }

    @Test("Accents stay whole (precomposed, as typed) in subject, text and HTML")
    func accentsIntact() {
        let mail = MailComposer.compose(.placeSuspended(place: 7, placeName: "Médiathèque", reason: "Contrôle"), baseURL: Self.base)
        for part in [mail.subject, mail.text, mail.html] {
            #expect(part.unicodeScalars.contains("\u{E9}"))
            #expect(!part.unicodeScalars.contains("\u{301}"))
            #expect(part.contains("Médiathèque"))
        }
        #expect(mail.text.contains("Raison : Contrôle"))
    }

    @Test("Amounts in euros and dates and months in French")
    func frenchAmountsAndDates() {
        let payout = MailComposer.compose(.payoutSent(payout: 12, placeName: "Lieu", month: "2026-03", amountCents: 123_450), baseURL: Self.base)
        #expect(payout.subject == "Pass numérique : remboursement de mars 2026 pour «\u{00A0}Lieu\u{00A0}»")
        #expect(payout.text.contains("1\u{202F}234,50\u{00A0}€"))
        let nothing = MailComposer.compose(.payoutSent(payout: 12, placeName: "Lieu", month: "2026-03", amountCents: 0), baseURL: Self.base)
        #expect(nothing.text.contains("il n’y a pas de virement"))

        let funder = MailComposer.compose(Self.samples[8], baseURL: Self.base)
        #expect(funder.subject == "Pass numérique : le programme «\u{00A0}Pass numérique Nord\u{00A0}» se termine le 30 juin 2026")
        #expect(funder.text.contains("(dans 30 jours)") && funder.text.contains("à partir du 15 juin 2026")
            && funder.text.contains("31 juillet 2026") && funder.text.contains("avoir"))
        let prescribers = MailComposer.compose(.programmeEnding(programme: 3, programmeName: "P", endsOn: "2026-06-30", daysLeft: 15,
                                                                lastRedemptionDay: "2026-07-31", toPrescribers: true), baseURL: Self.base)
        #expect(prescribers.text.contains("Vous ne pouvez plus remettre") && prescribers.text.contains("jusqu’au 31 juillet 2026"))
        #expect(prescribers.text.contains(Self.base + "/prescripteur\n"))

        let invoice = MailComposer.compose(Self.samples[10], baseURL: Self.base)
        #expect(invoice.text.contains("facture n° F-2026-00005, de 10\u{202F}250,00\u{00A0}€"))
    }

    @Test("An affiliation's answer says which; a refusal gives its reason")
    func affiliationAnswer() {
        let refused = MailComposer.compose(Self.samples[7], baseURL: Self.base)
        #expect(refused.subject.contains("refuse") && refused.text.contains("Raison : Hors périmètre"))
        let accepted = MailComposer.compose(.affiliationDecided(place: 7, placeName: "Lieu", funderName: "CAF", accepted: true, reason: nil),
                                            baseURL: Self.base)
        #expect(accepted.subject == "Pass numérique : CAF accepte «\u{00A0}Lieu\u{00A0}»" && !accepted.text.contains("Raison"))
    }

    @Test("A name with a line break leaves the subject on one line")
    func subjectOnOneLine() {
        let mail = MailComposer.compose(.bankDetailsPending(place: 7, placeName: "Centre\r\nsocial"), baseURL: Self.base)
        #expect(mail.subject == "Pass numérique : coordonnées bancaires à vérifier pour «\u{00A0}Centre social\u{00A0}»")
    }
}

@Suite("Programme alerts from tick")
struct ProgrammeAlertWebTests {
    @Test("tick run twice queues the E−30 alerts once, and each alert's link opens its recipient's page")
    func tickTwice() async throws {
        try await WebWorld.with { world in
            world.clock.set(CivilDate("2026-05-31")!.start.addingTimeInterval(10 * 3600))
            let first = try await Timeline.run(store: world.store)
            let second = try await Timeline.run(store: world.store)
            // Each programme: its funder's manager and its prescriber's agent.
            #expect(first.contains("programme alerts: 4 messages queued"))
            #expect(!second.contains { $0.hasPrefix("programme alerts") })
            let alerts = try await world.store.read { tx in
                try await tx.sql.raw("SELECT recipient, notice FROM outbox WHERE kind = 'programme-ending' ORDER BY id").all().map {
                    (try $0.string("recipient"), try JSONDecoder().decode(Notice.self, from: Data(try $0.string("notice").utf8)))
                }
            }
            #expect(alerts.count == 4)
            for email in [world.a[.funderManager], world.a[.prescriberAgent]].compactMap({ $0 }) {
                let notice = try #require(alerts.first { $0.0 == email }?.1)
                let mail = MailComposer.compose(notice, baseURL: "https://pass.example.fr")
                let link = try #require(mail.text.split(separator: "\n").first { $0.hasPrefix("https://pass.example.fr/") })
                var browser = try await Browser.signedIn(world.app, as: email)
                let page = try await browser.get(String(link.dropFirst("https://pass.example.fr".count)))
                #expect(page.status == .ok, "\(email) → \(link)")
                #expect(page.body.string.contains("Programme secret A"))
            }
        }
    }
}
