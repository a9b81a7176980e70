import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

/// Issue 17, item 3: the booklet in hand. The prescriber types or scans a booklet's or a check's number, the
/// confirmation lists the checks handed out, and a printable sheet tells the person where and until when to use them.
@Suite("The booklet in hand: hand-out by number, the checks handed out, the person's sheet")
struct BookletInHandWebTests {
    /// Three more booklets of programme A in prescriber A's stock, and one of programme B in prescriber B's.
    static func stock(_ world: WebWorld) async throws -> (a: [BookletID], b: BookletID) {
        let order = try await world.store.createOrder(programme: world.programmeA, booklets: 3, actor: .system)
        try await world.store.carry(order, to: .fulfilled)
        let a = try await world.store.allocate(programme: world.programmeA, prescriber: world.prescriberA, booklets: 3, actor: .system)
        let b = try await world.store.allocate(programme: world.programmeB, prescriber: world.prescriberB, booklets: 1, actor: .system)[0]
        return (a, b)
    }

    /// The serials of a booklet, in order.
    static func serials(of booklet: BookletID, _ store: Store) async throws -> [CheckSerial] {
        try await store.read { tx in
            let row = try #require(try await tx.sql.raw("SELECT first_check_id, last_check_id FROM booklets WHERE id = \(bind: booklet.rawValue)").first())
            return try (row.int("first_check_id")...row.int("last_check_id")).compactMap(CheckSerial.init(number:))
        }
    }

    static func heldBy(_ world: WebWorld) async throws -> [CheckSerial] {
        try await world.store.checks(ofBeneficiary: world.beneficiaryA).map(\.serial)
    }

    @Test("A booklet is handed out by the number on its cover, by a check's serial typed with spaces or by a check's QR code, and the confirmation lists the checks",
          arguments: WebWorld.Database.allCases)
    func handOutByNumber(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            let (booklets, _) = try await Self.stock(world)
            let (first, second, third) = (try await Self.serials(of: booklets[0], world.store), try await Self.serials(of: booklets[1], world.store),
                                          try await Self.serials(of: booklets[2], world.store))
            var agent = try await Browser.signedIn(world.app, as: world.a[.prescriberAgent]!)
            let path = "/prescripteur/beneficiaires/\(world.beneficiaryA)"
            var page = try await agent.get(path).body.string
            #expect(page.contains("name=\"number\"") && page.contains("autocomplete=\"off\"") && page.contains("inputmode=\"numeric\""))
            #expect(page.contains("Imprimer la fiche pour la personne") && page.contains("href=\"\(path)/fiche\""))

            // The cover's number, three checks: the first three of the booklet, to tear out.
            #expect(try await agent.post(path + "/remise", [("number", "Carnet n° \(booklets[0])"), ("checks", "3")]).status == .seeOther)
            page = try await agent.get(path).body.string
            #expect(page.contains("3 chèques remis\u{00A0}: n° \(first[0].grouped) à \(first[2].grouped). Détachez ces chèques du carnet et donnez-les à la personne."))

            // A check's serial typed with spaces, the number of checks left empty: the whole booklet it belongs to.
            #expect(try await agent.post(path + "/remise", [("number", " " + second[4].grouped + " "), ("checks", "")]).status == .seeOther)
            page = try await agent.get(path).body.string
            #expect(page.contains("10 chèques remis\u{00A0}: n° \(second[0].grouped) à \(second[9].grouped). Donnez le carnet à la personne."))

            // The QR code's URL as a USB scanner types it (line end included): its booklet's next checks.
            let scanned = "https://passnum.example/c/\(first[9].compact)-ABCDEFGHJKMNP\n"
            #expect(try await agent.post(path + "/remise", [("number", scanned), ("checks", "1")]).status == .seeOther)
            page = try await agent.get(path).body.string
            #expect(page.contains("1 chèque remis\u{00A0}: n° \(first[3].grouped). Détachez ce chèque du carnet et donnez-le à la personne."))

            // The list below the field still works when nothing is typed.
            #expect(try await agent.post(path + "/remise", [("number", ""), ("booklet", "\(booklets[2])"), ("checks", "2")]).status == .seeOther)
            #expect(try await agent.get(path).body.string.contains("2 chèques remis\u{00A0}: n° \(third[0].grouped) à \(third[1].grouped)."))

            let held = Set(try await Self.heldBy(world))
            #expect(held.isSuperset(of: first.prefix(4)) && held.isSuperset(of: second) && held.isSuperset(of: third.prefix(2)))
            #expect(held.isDisjoint(with: first.dropFirst(4)) && held.isDisjoint(with: third.dropFirst(2)))
        }
    }

    @Test("Another prescriber's booklet or check, an unknown or mistyped number, an empty booklet, nothing, or two different booklets are refused on the field, and nothing is handed out",
          arguments: WebWorld.Database.allCases)
    func refusals(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            let (booklets, theirs) = try await Self.stock(world)
            var agent = try await Browser.signedIn(world.app, as: world.a[.prescriberAgent]!)
            let path = "/prescripteur/beneficiaires/\(world.beneficiaryA)"
            _ = try await agent.get(path)
            // Prescriber A's own first booklet, handed out whole in `populate`: nothing left.
            let firstHeld = world.serialsA[0].number
            let emptied = try await world.store.read { tx in
                BookletID(try #require(try await tx.sql.raw("SELECT booklet_id FROM checks WHERE id = \(bind: firstHeld)")
                    .first(decodingColumn: "booklet_id", as: Int64.self)))
            }
            let theirCheck = try await Self.serials(of: theirs, world.store)[0]
            let before = try await Self.heldBy(world)
            for (number, chosen, message) in [
                ("\(theirs)", "", "Le carnet n° \(theirs) n’est pas dans votre stock. Vérifiez le numéro sur la couverture du carnet."),
                (theirCheck.grouped, "", "Le chèque n° \(theirCheck.grouped) n’est pas dans votre stock."),
                ("987654", "", "Le carnet n° 987654 n’est pas dans votre stock."),
                ("1000 0000 0018", "", "Ce numéro de chèque a une faute de frappe\u{00A0}: vérifiez les 12 chiffres."),
                ("carnet bleu", "", "Ce numéro ne se lit pas."),
                ("\(emptied)", "", "Le carnet n° \(emptied) n’a plus de chèque à remettre. Prenez un autre carnet."),
                (world.serialsA[3].grouped, "", "Le carnet n° \(emptied) n’a plus de chèque à remettre."),
                ("", "", "Tapez ou scannez le numéro du carnet, ou choisissez un carnet dans la liste."),
                ("\(booklets[0])", "\(booklets[1])", "Vous avez tapé le carnet n° \(booklets[0]) et choisi le carnet n° \(booklets[1]) dans la liste"),
            ] {
                let response = try await agent.post(path + "/remise", [("number", number), ("booklet", chosen), ("checks", "")])
                #expect(response.status == .unprocessableEntity, "\(number)")
                let body = response.body.string
                #expect(body.contains(message), "\(number): \(message)")
                #expect(body.contains("id=\"number-erreur\"") && body.contains("aria-invalid=\"true\""), "\(number)")
            }
            #expect(try await Self.heldBy(world) == before)
            // The same booklet typed and chosen is one booklet.
            #expect(try await agent.post(path + "/remise", [("number", "\(booklets[0])"), ("booklet", "\(booklets[0])"), ("checks", "1")]).status == .seeOther)
            #expect(try await Self.heldBy(world).count == before.count + 1)
        }
    }

    /// A place in the Nord with one site, its phone and hours, accepting `funder`'s checks.
    static func place(_ world: WebWorld, _ name: String, latitude: Double, commune: (code: String, name: String), funder: FunderID, index: Int,
                      postcode: String = "59000") async throws {
        let place = try await world.store.signUpPlace(email: "lieu-\(index)@fiche.test", name: "Responsable", passwordHash: "-", placeName: name).place
        try await world.store.submit(.organisation(ApplicationData.Organisation(
            name: name, siret: Siret.completing(String(format: "%013d", 31_000_000 + index)), phone: "+3332000000\(index)")), place: place)
        try await world.store.submit(.sites([ApplicationData.Site(name: name, address: "\(index + 1) rue de la Gare", postcode: postcode,
                                                                  communeCode: commune.code, communeName: commune.name, latitude: latitude, longitude: 3.06)]),
                                     place: place)
        try await world.store.submit(.hours(ApplicationData.Hours(openingHours: "Mo-Fr 09:00-12:00,14:00-17:00")), place: place)
        try await world.store.changePlaceState(place, to: .submitted)
        try await world.store.changePlaceState(place, to: .qualified)
        try await world.store.requestAffiliation(place: place, funder: funder)
        try await world.store.decideAffiliation(place: place, funder: funder, approve: true)
    }

    @Test("The sheet shows the person's checks and last day, the three nearest places that take them with phone and hours, whom to call; another prescriber's person is not found",
          arguments: WebWorld.Database.allCases)
    func sheet(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            // Person A lives in Lille (59350). Nearest first: the centre, 2 km north, 3 km south (another commune); 13 km
            // is fourth. A place next door takes only funder B's checks: not on the sheet.
            try await Self.place(world, "Bureau Nord", latitude: 50.65, commune: ("59350", "Lille"), funder: world.funderA, index: 1)
            try await Self.place(world, "Espace Loin", latitude: 50.75, commune: ("59599", "Tourcoing"), funder: world.funderA, index: 2)
            try await Self.place(world, "Atelier Centre", latitude: 50.63, commune: ("59350", "Lille"), funder: world.funderA, index: 3)
            try await Self.place(world, "Café Sud", latitude: 50.60, commune: ("59360", "Loos"), funder: world.funderA, index: 4)
            try await Self.place(world, "Aaa Tout Près", latitude: 50.631, commune: ("59350", "Lille"), funder: world.funderB, index: 5)
            // Its postcode is Lille's INSEE code and its name comes first, but it is in Roubaix: not the reference point.
            try await Self.place(world, "Aab Repère Faux", latitude: 50.70, commune: ("59512", "Roubaix"), funder: world.funderA, index: 6,
                                 postcode: "59350")
            world.app.legalSettings.publisherName = "Opérateur Pass"
            world.app.legalSettings.contactEmail = "aide@passnum.test"

            var agent = try await Browser.signedIn(world.app, as: world.a[.prescriberAgent]!)
            let response = try await agent.get("/prescripteur/beneficiaires/\(world.beneficiaryA)/fiche")
            #expect(response.status == .ok)
            let page = response.body.string
            #expect(page.contains("Personne SECRÈTE A") && page.contains("par Prescripteur A."))
            #expect(page.contains("Vous avez 10 chèques de 10 € chacun."))
            // Programme A ends on 30 June 2026, with the default 31 days' grace.
            #expect(page.contains("À utiliser au plus tard le 31 juillet 2026"))
            for serial in world.serialsA { #expect(page.contains("<li>n° \(serial.grouped)</li>")) }
            let order = try ["1. Atelier Centre", "2. Bureau Nord", "3. Café Sud"].map { try #require(page.range(of: $0), "\($0)").lowerBound }
            #expect(order == order.sorted())
            #expect(page.contains("Les lieux les plus proches de chez vous qui acceptent vos chèques"))
            #expect(!page.contains("Espace Loin") && !page.contains("Aaa Tout Près") && !page.contains("Aab Repère Faux") && !page.contains("Lieu A"))
            #expect(page.contains("5 rue de la Gare, 59000 Loos") && page.contains("(à 3 km)"))
            #expect(page.contains(">03 20 00 00 04</a>") && page.contains("href=\"tel:+33320000004\""))
            #expect(page.contains("Du lundi au vendredi\u{00A0}: 9 h à 12 h et 14 h à 17 h."))
            #expect(page.contains("Appelez ou allez voir Prescripteur A") && page.contains("mailto:aide@passnum.test"))
            #expect(page.contains("class=\"sheet\"") && page.contains("Télécharger ce document"))

            let file = try await agent.get("/prescripteur/beneficiaires/\(world.beneficiaryA)/fiche?telecharger=1")
            #expect(file.headers.first(name: .contentDisposition) == "attachment; filename=\"fiche-personne-\(world.beneficiaryA).html\"")
            #expect(try await agent.get("/prescripteur/beneficiaires/\(world.beneficiaryB)/fiche").status == .notFound)
            #expect(try await agent.get("/prescripteur/beneficiaires/abc/fiche").status == .notFound)
        }
    }

    @Test("A person without checks to use is told so, and the places are those of no funder", arguments: WebWorld.Database.allCases)
    func sheetWithoutChecks(database: WebWorld.Database) async throws {
        try await WebWorld.with(database) { world in
            let person = try await world.store.createBeneficiary(NewBeneficiary(
                firstName: "Jeanne", lastName: "Sans", birthYear: nil, commune: CommuneCode("59350")!, consentDate: CivilDate("2026-03-02")!),
                prescriber: world.prescriberA)
            var agent = try await Browser.signedIn(world.app, as: world.a[.prescriberAgent]!)
            let page = try await agent.get("/prescripteur/beneficiaires/\(person)/fiche").body.string
            #expect(page.contains("Vous n’avez pas de chèque à utiliser en ce moment."))
            #expect(page.contains("Nous n’avons pas trouvé de lieu près de chez vous. Demandez à Prescripteur A."))
            #expect(!page.contains("mailto:"))
            // No check, no link to a sheet from the person's page.
            #expect(!(try await agent.get("/prescripteur/beneficiaires/\(person)").body.string.contains("/fiche")))
        }
    }
}
