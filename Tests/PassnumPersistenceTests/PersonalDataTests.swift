import Foundation
import PassnumDomain
@testable import PassnumPersistence
import Testing
import ZIPFoundation

@Suite("Personal data: pseudonymised after the retention time, shown and erased on request")
struct PersonalDataTests {
    /// Names no seeded row or fixture contains, so finding one anywhere means it was kept.
    static let purgedNames = ["Zoltanique", "Quibberwald", "Ombeline", "Frastagnac"]
    static let keptNames = ["Restezici", "Nonpurgeable"]

    @Test("after the retention time the purge leaves no name of a purged person in any table, file or export, and every figure as it was",
          arguments: TestDatabase.allCases)
    func purgeOnASeededDataset(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let plan = try NationalSeed.Plan(scale: 0.0005, end: Month(year: 2026, month: 3)!)
            _ = try await NationalSeed(store: store, plan: plan, passwordHash: "not-a-hash") { _ in }.run()
            // Two people of our own on top: one with a diagnostic, a check used at a place and one unused; one with nothing.
            let territory = try await Territory.make(store)
            let used = try await store.createBeneficiary(NewBeneficiary(
                firstName: Self.purgedNames[0], lastName: Self.purgedNames[1], birthYear: 1957, commune: CommuneCode("59350")!,
                consentDate: CivilDate(clock.now)), prescriber: territory.prescriber)
            try await store.recordDiagnostic(beneficiary: used, prescriber: territory.prescriber, level: 2)
            let booklet = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 1, actor: .system)[0]
            let serials = try await store.handOut(booklet: booklet, checks: 2, to: used, by: territory.prescriber)
            #expect(try await store.validate(territory.request(store, [serials[0]])).accepted)
            _ = try await store.createBeneficiary(NewBeneficiary(
                firstName: Self.purgedNames[2], lastName: Self.purgedNames[3], birthYear: nil, commune: CommuneCode("62041")!,
                consentDate: CivilDate(clock.now)), prescriber: territory.prescriber)
            let seededNames = try await store.read { tx in
                try await tx.sql.raw("SELECT first_name, last_name FROM beneficiaries").all().flatMap { [try $0.string("first_name"), try $0.string("last_name")] }
            }

            // 40 months later every programme ended more than 24 months ago; someone registered today stays named.
            clock.advance(seconds: 40 * 31 * 86_400)
            let kept = try await store.createBeneficiary(NewBeneficiary(
                firstName: Self.keptNames[0], lastName: Self.keptNames[1], birthYear: 1990, commune: CommuneCode("59350")!,
                consentDate: CivilDate(clock.now)), prescriber: territory.prescriber)
            let before = try await figures(store)
            try await expectInvariantsHold(store)

            let due = try await store.personalDataDue(now: clock.now)
            let purged = try await store.purgePersonalData(now: clock.now)
            #expect(purged == due)
            #expect(purged == plan.beneficiaries + 3)  // the seeded ones, Territory's "Marie Martin" and our two

            try await expectInvariantsHold(store)
            // The same figures; the journal holds one more entry per batch of the purge.
            let batches = (purged + Store.pseudonymiseBatch - 1) / Store.pseudonymiseBatch
            var after = try await figures(store)
            #expect(after.overview.journalTransactions == before.overview.journalTransactions + batches)
            after.overview.journalTransactions -= batches
            #expect(after.overview == before.overview)
            #expect(after.lines == before.lines)
            #expect(try await store.purgePersonalData(now: clock.now) == 0)
            #expect(try await store.personalDataDue(now: clock.now) == 0)

            // What stays: the pseudonym, the decade of birth, the commune, the level, the checks' references.
            let record = try #require(try await store.personalDataRecord(of: used, prescriber: territory.prescriber))
            #expect(record.firstName == PersonalData.pseudonymFirstName && record.lastName == PersonalData.pseudonym(of: used))
            #expect(record.birthYear == 1950 && record.commune == "59350" && record.level == 2 && record.pseudonymisedAt != nil)
            #expect(record.checks.map(\.serial) == serials && record.checks.first?.place == "Médiathèque de Lille")
            #expect(try await store.personalDataRecord(of: kept, prescriber: territory.prescriber)?.firstName == Self.keptNames[0])

            // One journal entry per batch, in the batch's transaction, with its count and no name.
            let entries = try await store.read { tx in
                try await tx.sql.raw("SELECT reference, actor, reason FROM journal_transactions WHERE kind = 'personal_data_purged' ORDER BY id").all()
                    .map { try ($0.string("reference") + " " + $0.string("actor") + " " + ($0.optionalString("reason") ?? "")) }
            }
            #expect(batches > 1, "the dataset spans several batches")
            #expect(entries.count == batches)
            #expect(entries.first?.contains("\(Store.pseudonymiseBatch) pseudonymised") == true)
            #expect(entries.last?.contains("\(purged - (batches - 1) * Store.pseudonymiseBatch) pseudonymised") == true)

            // No name of a purged person in any text column of any table (seeded names are common words: compared whole).
            let cells = try await textCells(store)
            let seeded = Set(seededNames)
            #expect(cells.filter { cell in Self.purgedNames.contains { cell.value.contains($0) } }.isEmpty)
            #expect(cells.filter { seeded.contains($0.value) }.map { "\($0.table).\($0.column)" } == [])
            #expect(cells.contains { $0.value == Self.keptNames[0] })

            // Nor in any file of the data directory, nor in an export archive (both read back here).
            let files = try filesContent(under: store.configuration.dataDirectory)
            #expect(files.filter { file in Self.purgedNames.contains { file.content.contains(Data($0.utf8)) } }.map(\.name) == [])
            if database == .sqlite {
                #expect(files.contains { $0.content.contains(Data(Self.keptNames[0].utf8)) }, "the scan reads the database file")
            }
            let archive = FileManager.default.temporaryDirectory.appendingPathComponent("passnum-privacy-\(UUID().uuidString).zip")
            defer { try? FileManager.default.removeItem(at: archive) }
            try await store.export(to: archive)
            let entriesRead = try archiveContent(archive)
            #expect(entriesRead.filter { entry in Self.purgedNames.contains { entry.content.contains(Data($0.utf8)) } }.map(\.name) == [])
            #expect(entriesRead.contains { $0.content.contains(Data(Self.keptNames[0].utf8)) }, "the scan reads the archive's tables")
        }
    }

    @Test("a prescriber cannot erase a person holding a check still usable; once none is, erasure replaces the name and is journaled without it",
          arguments: TestDatabase.allCases)
    func erasure(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store)
            let agent = Actor("agent@ccas-lille.fr", organisation: .prescriber(territory.prescriber))
            let serials = try await territory.handOut(store, checks: 2)

            await #expect(throws: DomainError.invalidTransition(entity: "beneficiary \(territory.beneficiary)", from: "holding 2 usable checks", to: "erased")) {
                try await store.erasePersonalData(of: territory.beneficiary, prescriber: territory.prescriber, actor: agent)
            }
            #expect(try await store.beneficiary(territory.beneficiary, of: territory.prescriber)?.lastName == "Martin")
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM journal_transactions WHERE kind = 'personal_data_erased'") == 0)

            // One check used, the other declared lost: nothing usable is left.
            #expect(try await store.validate(territory.request(store, [serials[0]])).accepted)
            try await store.oppose([serials[1]], reason: .lost, actor: agent)
            let other = try await store.createPrescriber(name: "Mairie de Roubaix", commune: CommuneCode("59512")!)
            await #expect(throws: DomainError.notFound("beneficiary \(territory.beneficiary) of prescriber \(other)")) {
                try await store.erasePersonalData(of: territory.beneficiary, prescriber: other, actor: Actor("x", organisation: .prescriber(other)))
            }
            try await store.erasePersonalData(of: territory.beneficiary, prescriber: territory.prescriber, actor: agent)

            let person = try #require(try await store.beneficiary(territory.beneficiary, of: territory.prescriber))
            #expect(person.firstName == "Personne" && person.lastName == "#\(territory.beneficiary)" && person.birthYear == 1950 && person.commune == "59350")
            let entries = try await store.read { tx in
                try await tx.sql.raw("SELECT reference, actor, reason FROM journal_transactions WHERE kind = 'personal_data_erased'").all()
                    .map { [try $0.string("reference"), try $0.string("actor"), try $0.optionalString("reason") ?? ""] }
            }
            #expect(entries == [["beneficiary:\(territory.beneficiary)", "agent@ccas-lille.fr", ""]])
            #expect(try await textCells(store).filter { $0.value.contains("Martin") && $0.table == "beneficiaries" }.isEmpty)
            try await expectInvariantsHold(store)

            // Erasing again changes nothing; the person can no longer receive checks or a diagnostic.
            try await store.erasePersonalData(of: territory.beneficiary, prescriber: territory.prescriber, actor: agent)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM journal_transactions WHERE kind = 'personal_data_erased'") == 1)
            await #expect(throws: DomainError.self) { _ = try await territory.handOut(store, checks: 1) }
            await #expect(throws: DomainError.self) {
                try await store.recordDiagnostic(beneficiary: territory.beneficiary, prescriber: territory.prescriber, level: 3)
            }

            // A check handed out but past its programme's last redemption day no longer blocks the erasure.
            let late = try await store.createBeneficiary(NewBeneficiary(
                firstName: "Jeanne", lastName: "Tardive", birthYear: nil, commune: CommuneCode("59350")!, consentDate: CivilDate(clock.now)),
                prescriber: territory.prescriber)
            let booklet = try await store.allocate(programme: territory.programme, prescriber: territory.prescriber, booklets: 1, actor: .system)[0]
            _ = try await store.handOut(booklet: booklet, checks: 1, to: late, by: territory.prescriber)
            clock.set(territory.terms.validUntil.adding(days: territory.terms.graceDays).start)
            await #expect(throws: DomainError.self) {
                try await store.erasePersonalData(of: late, prescriber: territory.prescriber, actor: agent)
            }
            clock.advance(seconds: 86_400)
            try await store.erasePersonalData(of: late, prescriber: territory.prescriber, actor: agent)
            #expect(try await store.beneficiary(late, of: territory.prescriber)?.firstName == "Personne")
        }
    }

    @Test("the purge spares people whose last programme ended within the retention time, and counts them in its dry run",
          arguments: TestDatabase.allCases)
    func retentionBoundary(database: TestDatabase) async throws {
        try await withStore(database) { store, clock in
            let territory = try await Territory.make(store)  // programme valid until 2026-06-30
            _ = try await territory.handOut(store, checks: 1)
            // 2028-06-30: the programme ended exactly 24 months ago, not more.
            clock.set(CivilDate("2028-06-30")!.start.addingTimeInterval(10 * 3600))
            #expect(try await store.personalDataDue(now: clock.now) == 0)
            #expect(try await store.purgePersonalData(now: clock.now) == 0)
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM journal_transactions WHERE kind = 'personal_data_purged'") == 0)
            clock.set(CivilDate("2028-07-01")!.start.addingTimeInterval(10 * 3600))
            #expect(try await store.personalDataDue(now: clock.now) == 1)
            #expect(try await store.purgePersonalData(now: clock.now) == 1)
            #expect(try await store.beneficiary(territory.beneficiary, of: territory.prescriber)?.lastName == "#\(territory.beneficiary)")
        }
    }

    @Test("the retention setting is read within its bounds")
    func retentionSetting() throws {
        #expect(try PersonalData.retentionMonths(from: [:]) == 24)
        #expect(try PersonalData.retentionMonths(from: ["PASSNUM_PERSONAL_DATA_RETENTION_MONTHS": "36"]) == 36)
        for bad in ["12", "121", "deux ans", "-24"] {
            #expect(throws: StoreError.self) { try PersonalData.retentionMonths(from: ["PASSNUM_PERSONAL_DATA_RETENTION_MONTHS": bad]) }
        }
        #expect(PersonalData.retentionCutoff(today: CivilDate("2028-03-31")!, months: 1) == CivilDate("2028-02-29"))
        #expect(PersonalData.retentionCutoff(today: CivilDate("2028-07-01")!, months: 24) == CivilDate("2026-07-01"))
        #expect(PersonalData.bracket(ofBirthYear: 1957) == 1950 && PersonalData.bracket(ofBirthYear: 1960) == 1960)
    }

    // MARK: Helpers

    /// Everything the dashboards and verify read: the overview, each funder's dashboard, the tallies row by row.
    func figures(_ store: Store) async throws -> (overview: Overview, lines: [String]) {
        let overview = try await store.overview()
        var lines: [String] = []
        let funders = try await store.read { tx in try await tx.sql.raw("SELECT id FROM funders ORDER BY id").all().map { try $0.int("id") } }
        for funder in funders { lines.append("\(try await store.dashboard(of: FunderID(funder)))") }
        lines += try await store.read { tx in
            try await tx.sql.raw("""
                SELECT dimension, programme_id, ref, code, CAST(SUM(checks) AS BIGINT) AS n FROM tallies GROUP BY dimension, programme_id, ref, code
                """).all().map { row in
                "\(try row.string("dimension")) \(try row.int("programme_id")) \(try row.int("ref")) \(try row.string("code")) \(try row.int("n"))"
            }.sorted()
        }
        return (overview, lines)
    }

    /// Every value of every text column of every table.
    func textCells(_ store: Store) async throws -> [(table: String, column: String, value: String)] {
        try await store.read { tx in
            var cells: [(table: String, column: String, value: String)] = []
            for table in try await tx.tablesInDependencyOrder() {
                for column in try await tx.columns(of: table).columns where column.type == "text" {
                    for row in try await tx.sql.raw("SELECT \(ident: column.name) AS v FROM \(ident: table)").all() {
                        if let value = try row.optionalString("v") { cells.append((table, column.name, value)) }
                    }
                }
            }
            return cells
        }
    }

    func filesContent(under directory: URL) throws -> [(name: String, content: Data)] {
        let paths = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String } ?? []
        return try paths.compactMap { path in
            var isDirectory: ObjCBool = false
            let url = directory.appendingPathComponent(path)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            return (path, try Data(contentsOf: url))
        }
    }

    func archiveContent(_ url: URL) throws -> [(name: String, content: Data)] {
        let archive = try Archive(url: url, accessMode: .read)
        return try archive.map { entry in
            var content = Data()
            _ = try archive.extract(entry) { content.append($0) }
            return (entry.path, content)
        }
    }
}
