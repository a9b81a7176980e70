import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

@Suite("Verify from the journal page")
struct VerifyWebTests {
    @Test("The journal page shows the last recorded check without running one; only an operator admin runs it, with a button")
    func journalPage() async throws {
        try await WebWorld.with { world in
            var operatorBrowser = try await Browser.signedIn(world.app, as: world.a[.operatorAdmin]!)
            let before = try await operatorBrowser.get(SiteURL.operatorJournal.path)
            #expect(before.status == .ok)
            #expect(before.body.string.contains("Les comptes n’ont pas encore été contrôlés."))
            #expect(before.body.string.contains("Vérifier maintenant"))
            #expect(try await ApiTests.count(world.store, "SELECT COUNT(*) AS n FROM verify_runs") == 0)

            // Other roles cannot run it.
            for role in [Role.funderManager, .prescriberAgent, .placeManager, .placeAgent] {
                var browser = try await Browser.signedIn(world.app, as: world.a[role]!)
                try await browser.get("/espace")
                let refused = try await browser.post(SiteURL.operatorVerify.path, [])
                #expect([.forbidden, .notFound].contains(refused.status), "\(role): \(refused.status)")
            }
            #expect(try await ApiTests.count(world.store, "SELECT COUNT(*) AS n FROM verify_runs") == 0)

            let ran = try await operatorBrowser.post(SiteURL.operatorVerify.path, [])
            #expect(ran.status == .seeOther)
            #expect(ran.headers.first(name: .location) == SiteURL.operatorJournal.path)
            let after = try await operatorBrowser.get(SiteURL.operatorJournal.path)
            #expect(after.body.string.contains("Contrôle fait\u{00A0}: tout est correct."))
            #expect(after.body.string.contains("par \(world.a[.operatorAdmin]!)\u{00A0}: tout est correct."))
            #expect(after.body.string.contains("Dernier contrôle le 2 mars 2026"))

            // Visits do not run it again; a tampered journal shows up at the next run only.
            try await world.store.read { tx in
                try await tx.sql.raw("UPDATE journal_lines SET credit_cents = credit_cents + 1 WHERE id = (SELECT MIN(id) FROM journal_lines WHERE credit_cents > 0)").run()
            }
            let stale = try await operatorBrowser.get(SiteURL.operatorJournal.path)
            #expect(stale.body.string.contains("tout est correct."))
            #expect(try await ApiTests.count(world.store, "SELECT COUNT(*) AS n FROM verify_runs") == 1)
            try await operatorBrowser.post(SiteURL.operatorVerify.path, [])
            let found = try await operatorBrowser.get(SiteURL.operatorJournal.path)
            #expect(found.body.string.range(of: #"\d anomalies?\."#, options: .regularExpression) != nil)
            #expect(found.body.string.contains(French.typeset("Anomalie : " + French.invariant(.balancedTransactions))))
            #expect(found.body.string.contains(French.typeset("Correct : " + French.invariant(.redeemedAtMostOnce))))
            // Every invariant is named in French; only the technical detail is in English, marked as such.
            #expect(found.body.string.contains("Détail technique (en anglais)"))
            for invariant in LedgerInvariant.allCases {
                #expect(found.body.string.contains(French.typeset(French.invariant(invariant))), "\(invariant)")
                #expect(!found.body.string.contains(invariant.description), "\(invariant)")
            }
            #expect(try await ApiTests.count(world.store, "SELECT COUNT(*) AS n FROM verify_runs WHERE outcome = 'violation'") == 1)
        }
    }

    @Test("passnum verify records its run, by cli, as the last result")
    func commandRecordsItsRun() async throws {
        try await CommandTests.run(["verify"], prepare: { store in
            _ = try await store.createFunder(name: "Financeur")
        }, then: { store in
            let run = try #require(try await store.lastVerifyRun())
            #expect(run.actor == "cli" && run.holds)
        })
    }
}
