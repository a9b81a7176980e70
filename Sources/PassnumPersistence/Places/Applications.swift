import Foundation
import PassnumDomain
import SQLKit

public struct PlaceApplication: Sendable, Equatable {
    public let place: PlaceID
    public let name: String
    public let state: PlaceState
    /// Each submitted step's JSON.
    public let steps: [ApplicationStep: String]
    public let documents: [PlaceDocument]

    public var nextStep: ApplicationStep? { ApplicationStep.allCases.first { steps[$0] == nil } }

    public func decode<T: Decodable>(_ type: T.Type, _ step: ApplicationStep) -> T? {
        steps[step].flatMap { try? JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }
}

public struct PlaceDocument: Sendable, Equatable {
    public let id: PlaceDocumentID
    public let filename: String
    public let contentType: String
    public let size: Int
    public let path: String
}

public struct PlaceDecision: Sendable, Equatable {
    public let from: PlaceState
    public let to: PlaceState
    public let actor: String
    public let reason: String?
    public let at: Date
}

extension Store {
    /// Sign-up of a new place: its manager's account and the place, in draft, together.
    public func signUpPlace(email: String, name: String, passwordHash: String, placeName: String) async throws -> (user: UserID, place: PlaceID) {
        let placeName = try requiredText(placeName, field: .placeName)
        let now = clock.now.millis
        let place = try await transaction { tx in
            PlaceID(try await tx.insertReturningID("""
                INSERT INTO places (name, commune, postcode, state, created_at, updated_at)
                VALUES (\(bind: placeName), '', '', \(bind: PlaceState.draft.rawValue), \(bind: now), \(bind: now))
                """))
        }
        do {
            let user = try await createUser(email: email, name: name, passwordHash: passwordHash, role: .placeManager, organisation: .place(place))
            return (user, place)
        } catch {
            // The account could not be created (address taken…): remove the empty draft it was for.
            try await transaction { tx in try await tx.sql.raw("DELETE FROM places WHERE id = \(bind: place.rawValue) AND state = \(bind: PlaceState.draft.rawValue)").run() }
            throw error
        }
    }

    public func application(of place: PlaceID) async throws -> PlaceApplication {
        try await read { tx in
            guard let row = try await tx.sql.raw("SELECT name, state FROM places WHERE id = \(bind: place.rawValue)").first() else {
                throw DomainError.notFound("place \(place)")
            }
            let steps = try await tx.applicationSteps(of: place)
            let documents = try await tx.sql.raw("""
                SELECT id, filename, content_type, size, path FROM place_documents WHERE place_id = \(bind: place.rawValue) ORDER BY id
                """).all().map {
                PlaceDocument(id: try $0.id("id"), filename: try $0.string("filename"), contentType: try $0.string("content_type"),
                              size: Int(try $0.int("size")), path: try $0.string("path"))
            }
            return PlaceApplication(place: place, name: try row.string("name"), state: try PlaceState(rawValue: try row.string("state")).orThrow("places.state"),
                                    steps: steps, documents: documents)
        }
    }

    /// Submits one step of a draft application, once the domain's rules accept it (`validated()`: the first problem
    /// is thrown as a `DomainError`; a form validates first to show them all). A submitted step is locked. The bank
    /// step is also the place's first bank details proposal, by `actor` (the place's manager): paid only once an
    /// operator admin verifies it.
    public func submit(_ given: ApplicationSubmission, place: PlaceID, actor: Actor? = nil) async throws {
        let submission: ApplicationSubmission
        do {
            submission = try given.validated()
        } catch {
            throw error.first.domainError
        }
        let step = submission.step
        let now = clock.now.millis
        try await transaction { tx in
            let state = try await tx.placeState(place, lock: true)
            guard state == .draft else {
                throw DomainError.invalidTransition(entity: "application of place \(place)", from: state.rawValue, to: "changed")
            }
            let data: any Encodable
            switch submission {
            case .organisation(let organisation):
                if try await tx.sql.raw("SELECT id FROM places WHERE siret = \(bind: organisation.siret) AND id <> \(bind: place.rawValue)").first() != nil {
                    throw DomainError.invalid(field: .siret, problem: .alreadyUsed)
                }
                try await tx.sql.raw("""
                    UPDATE places SET name = \(bind: organisation.name), siret = \(bind: organisation.siret), updated_at = \(bind: now)
                    WHERE id = \(bind: place.rawValue)
                    """).run()
                data = organisation
            case .sites(let sites):
                // Validated: at least one site, each with a commune code.
                guard let first = sites.first, let commune = CommuneCode(first.communeCode) else { throw DomainError.invalid(field: .sites, problem: .malformed) }
                try await tx.replaceSites(sites, place: place)
                try await tx.sql.raw("""
                    UPDATE places SET commune = \(bind: commune.value), postcode = \(bind: first.postcode), updated_at = \(bind: now)
                    WHERE id = \(bind: place.rawValue)
                    """).run()
                data = sites
            case .representative(let representative):
                data = representative
            case .eligibility(let answers):
                // Validated: one answer per question, none missing.
                data = ApplicationData.Eligibility(answers: answers.compactMap { $0 })
            case .services(let services):
                data = services
            case .hours(let hours):
                data = hours
            case .bank(let bank):
                _ = try await tx.proposeBankDetails(bank, place: place, reason: RecordedReason.bankStep.text,
                                                    actor: actor ?? .place(place), at: Date(millis: now))
                data = bank
            case .documents:
                let count = try await tx.sql.raw("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM place_documents WHERE place_id = \(bind: place.rawValue)")
                    .first(decodingColumn: "n", as: Int64.self) ?? 0
                guard count > 0 else { throw DomainError.invalid(field: .documents, problem: .empty) }
                data = [String: String]()
            }
            let json = String(decoding: try JSONEncoder.sorted.encode(data), as: UTF8.self)
            let stored = try await tx.sql.raw("""
                INSERT INTO place_steps (place_id, step, data, submitted_at) VALUES (\(bind: place.rawValue), \(bind: step.rawValue), \(bind: json), \(bind: now))
                ON CONFLICT (place_id, step) DO NOTHING RETURNING place_id
                """).all()
            guard !stored.isEmpty else {
                throw DomainError.invalidTransition(entity: "step \(step.rawValue)", from: "submitted", to: "changed")
            }
            try await tx.refreshPublicPlace(place, at: Date(millis: now))
        }
    }

    /// Keeps a supporting document in the data directory. Only PDF, PNG and JPEG, told from the content. Its name
    /// loses any path and control characters (`ControlCharacters`).
    @discardableResult
    public func addDocument(place: PlaceID, filename: String, bytes: [UInt8]) async throws -> PlaceDocumentID {
        guard bytes.count <= SupportingDocument.maximumBytes else {
            throw DomainError.invalid(field: .document, problem: .fileTooLarge(megabytes: SupportingDocument.maximumBytes / 1024 / 1024))
        }
        guard let kind = SupportingDocument.kind(of: bytes) else {
            throw DomainError.invalid(field: .document, problem: .fileType)
        }
        let name = String(ControlCharacters.removed(from: filename).split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "document").prefix(120)
        let digest = sha256Hex(bytes)
        let relative = "documents/place-\(place.rawValue)/\(digest).\(kind.rawValue)"
        let url = configuration.dataDirectory.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url, options: .atomic)
        let now = clock.now.millis
        return try await transaction { tx in
            let state = try await tx.placeState(place, lock: true)
            let locked = try await tx.sql.raw("SELECT step FROM place_steps WHERE place_id = \(bind: place.rawValue) AND step = 'documents'").first() != nil
            guard state == .draft, !locked else {
                throw DomainError.invalidTransition(entity: "documents of place \(place)", from: "submitted", to: "changed")
            }
            return PlaceDocumentID(try await tx.insertReturningID("""
                INSERT INTO place_documents (place_id, filename, content_type, size, sha256, path, uploaded_at)
                VALUES (\(bind: place.rawValue), \(bind: String(name)), \(bind: kind.contentType), \(bind: Int64(bytes.count)),
                  \(bind: digest), \(bind: relative), \(bind: now))
                """))
        }
    }

    /// The bytes of a place's document, for its reviewer or its own staff.
    public func document(_ id: PlaceDocumentID, of place: PlaceID) async throws -> (document: PlaceDocument, bytes: Data)? {
        guard let document = try await application(of: place).documents.first(where: { $0.id == id }) else { return nil }
        let data = try Data(contentsOf: configuration.dataDirectory.appendingPathComponent(document.path))
        return (document, data)
    }

    /// Sends a complete application to the operator: every step must be submitted.
    public func submitApplication(place: PlaceID, actor: Actor) async throws {
        let application = try await application(of: place)
        if let missing = application.nextStep {
            throw DomainError.invalid(field: missing.field, problem: .stepNotDone)
        }
        try await changePlaceState(place, to: .submitted, actor: actor)
    }

    public func decisions(of place: PlaceID) async throws -> [PlaceDecision] {
        try await read { tx in
            try await tx.sql.raw("""
                SELECT from_state, to_state, actor, reason, decided_at FROM place_decisions WHERE place_id = \(bind: place.rawValue) ORDER BY id
                """).all().map {
                PlaceDecision(from: try PlaceState(rawValue: try $0.string("from_state")).orThrow("place_decisions.from_state"),
                              to: try PlaceState(rawValue: try $0.string("to_state")).orThrow("place_decisions.to_state"),
                              actor: try $0.string("actor"), reason: try $0.optionalString("reason"), at: Date(millis: try $0.int("decided_at")))
            }
        }
    }
}

extension Transaction {
    /// The JSON of each submitted step of a place's application.
    func applicationSteps(of place: PlaceID) async throws -> [ApplicationStep: String] {
        var steps: [ApplicationStep: String] = [:]
        for row in try await sql.raw("SELECT step, data FROM place_steps WHERE place_id = \(bind: place.rawValue)").all() {
            if let step = ApplicationStep(rawValue: try row.string("step")) { steps[step] = try row.string("data") }
        }
        return steps
    }

    /// Replaces a place's sites, keeping each one's open-data record in step with its fields.
    func replaceSites(_ sites: [ApplicationData.Site], place: PlaceID, records: [[String: String]]? = nil) async throws {
        try await sql.raw("DELETE FROM place_sites WHERE place_id = \(bind: place.rawValue)").run()
        for (position, site) in sites.enumerated() {
            guard !site.name.isEmpty, !site.address.isEmpty, site.postcode.count == 5, site.postcode.allSatisfy(\.isNumber) else {
                throw DomainError.invalid(field: .sites, problem: .incompleteSite(position: position + 1))
            }
            let record = records?[position] ?? [:]
            try await sql.raw("""
                INSERT INTO place_sites (place_id, position, name, address, postcode, commune_code, commune_name, latitude, longitude, access, open_data)
                VALUES (\(bind: place.rawValue), \(bind: Int64(position)), \(bind: site.name), \(bind: site.address), \(bind: site.postcode),
                  \(bind: site.communeCode.isEmpty ? nil : site.communeCode), \(bind: site.communeName), \(bind: site.latitude), \(bind: site.longitude),
                  \(bind: site.access), \(bind: String(decoding: try JSONEncoder.sorted.encode(record), as: UTF8.self)))
                """).run()
        }
    }
}

extension JSONEncoder {
    /// Stable output: the same data always gives the same text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
