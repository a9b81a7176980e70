import Foundation
@testable import PassnumApp
import PassnumDomain
@testable import PassnumPersistence
import Testing
import Vapor
import VaporTesting

@Suite("Typed errors: one French message, one status and one problem type per case")
struct ErrorMappingTests {
    /// One value of each `Problem` case. The exhaustive switch in `covers` stops compiling when a case is added,
    /// which is the reminder to add it here too.
    static let problems: [DomainError.Problem] = [
        .empty, .tooLong(max: 200), .tooShort(min: 12), .outOfRange(min: 1, max: 50), .tooSmall(min: 1),
        .amountOutOfRange(min: .zero, max: .euros(1_000)), .rateOutOfRange, .malformed, .alreadyUsed, .inFuture,
        .dateOutOfRange(from: CivilDate("2026-03-01")!, to: CivilDate("2026-03-31")!), .beforeStart, .belowMinimum,
        .outsidePerimeter(commune: "75056"), .sharesTotal(basisPoints: 9_000), .duplicate("État"), .notPositive("État"),
        .fileTooLarge(megabytes: 5), .fileType, .incompleteSite(position: 2), .stepNotDone, .notAvailable, .expired,
        .serialsExhausted, .answerCount(expected: 8), .unbalanced, .lastManager,
        .belowCharter(weeklyMinutes: 900),
        .notIncreasing, .alreadyRecorded,
    ]

    /// A number per case: the exhaustive switch makes a new case a compile error here, and the test below fails
    /// until the list above has an example of it.
    static func caseNumber(_ problem: DomainError.Problem) -> Int {
        switch problem {
        case .empty: 0
        case .tooLong: 1
        case .tooShort: 2
        case .outOfRange: 3
        case .tooSmall: 4
        case .amountOutOfRange: 5
        case .rateOutOfRange: 6
        case .malformed: 7
        case .alreadyUsed: 8
        case .inFuture: 9
        case .dateOutOfRange: 10
        case .beforeStart: 11
        case .belowMinimum: 12
        case .outsidePerimeter: 13
        case .sharesTotal: 14
        case .duplicate: 15
        case .notPositive: 16
        case .fileTooLarge: 17
        case .fileType: 18
        case .incompleteSite: 19
        case .stepNotDone: 20
        case .notAvailable: 21
        case .expired: 22
        case .serialsExhausted: 23
        case .answerCount: 24
        case .unbalanced: 25
        case .lastManager: 26
        case .belowCharter: 27
        case .notIncreasing: 28
        case .alreadyRecorded: 29
        }
    }

    /// Each other refusal with the status and API problem type it must have (input 422, not found 404, not allowed
    /// 403, wrong state 409).
    static let expected: [(error: DomainError, status: HTTPResponseStatus, type: String)] = [
        (.notFound("programme 1"), .notFound, "not-found"),
        (.invalidTransition(entity: "order 1", from: "draft", to: "paid"), .conflict, "conflict"),
        (.noQuota(programme: ProgrammeID(1), prescriber: PrescriberID(1)), .conflict, "quota-exceeded"),
        (.quotaExceeded(quota: 5, held: 4, requested: 2), .conflict, "quota-exceeded"),
        (.insufficientStock(available: 1, requested: 2), .conflict, "insufficient-stock"),
        (.programmeClosed(programme: ProgrammeID(1), since: CivilDate("2026-03-01")!), .conflict, "programme-closed"),
        (.beneficiaryLimit(maximum: 10, held: 10, requested: 1), .conflict, "beneficiary-limit"),
        (.monthNotOver(Month(year: 2026, month: 3)!), .conflict, "conflict"),
        (.undoRefused(.notToday), .conflict, "not-today"),
        (.idempotencyKeyReused, .unprocessableEntity, "idempotency-key-reused"),
        (.notAllowed(action: "sign the quote"), .forbidden, "forbidden"),
    ]
    static var others: [DomainError] { expected.map(\.error) }

    @Test("Every field has a French name, not its code name")
    func everyFieldHasAFrenchName() {
        for field in DomainError.Field.allCases {
            let name = French.fieldName(field)
            #expect(!name.isEmpty && name != field.rawValue, "\(field)")
        }
    }

    @Test("An address already used or malformed is said exactly, with an example")
    func emailMessages() {
        #expect(French.message(for: .invalid(field: .email, problem: .alreadyUsed)) == "Adresse e-mail : un compte utilise déjà cette adresse.")
        #expect(French.message(for: .invalid(field: .email, problem: .malformed)).contains("nom@exemple.fr"))
        #expect(French.problemText(.outOfRange(min: 1, max: 100_000)) == "indiquez un nombre entre 1 et 100\u{202F}000.")
    }

    @Test("Every problem has a French sentence, for every field, answered 422 with the API type invalid-request")
    func everyProblemHasAFrenchSentence() {
        #expect(Set(Self.problems.map(Self.caseNumber)) == Set(0..<30))
        for problem in Self.problems {
            #expect(French.problemText(problem).hasSuffix("."), "\(problem)")
            for field in DomainError.Field.allCases {
                let error = DomainError.invalid(field: field, problem: problem)
                // Every message names its field; the e-mail's two common problems are said more precisely.
                #expect(French.message(for: error).hasPrefix(French.fieldName(field) + " : ") && French.message(for: error).hasSuffix("."))
                #expect(HTTPResponseStatus(for: error) == .unprocessableEntity)
                let apiProblem = Problem.from(error)
                #expect(apiProblem.status == .unprocessableEntity && apiProblem.code == "invalid-request")
            }
        }
    }

    @Test("Every other business refusal has a French message and a 4xx status shared by the web page and the API")
    func everyRefusalHasAMessageAndAStatus() {
        for (error, status, type) in Self.expected {
            #expect(!French.message(for: error).isEmpty, "\(error)")
            #expect(HTTPResponseStatus(for: error) == status, "\(error)")
            let problem = Problem.from(error)
            #expect(problem.status == status && problem.code == type, "\(error)")
        }
    }

    @Test("A row that does not parse is a logged 500 page and a 500 problem, never the user's 422")
    func corruptRowIsAServerError() async throws {
        try await WebWorld.with { world in
            let key = try await ApiTests.key(world, .place(world.placeA), [.validate])
            let programme = world.programmeA.rawValue
            try await world.store.read { tx in
                try await tx.sql.raw("UPDATE programmes SET valid_from = 'not a date' WHERE id = \(bind: programme)").run()
            }
            var funder = try await Browser.signedIn(world.app, as: world.a[.funderManager]!)
            let page = try await funder.get(SiteURL.funderProgramme(world.programmeA).path)
            #expect(page.status == .internalServerError)
            #expect(page.body.string.contains("Une erreur est survenue. Réessayez plus tard."))
            #expect(!page.body.string.contains("valid_from"))

            let body = #"{"checks":[\#(ApiTests.checkJSON(world, world.serialsA[0]))],"category":"outils"}"#
            let api = try await ApiTests.call(world.app, .POST, "/api/v1/validations", key: key, body: body, headers: [("Idempotency-Key", "corrupt-1")])
            #expect(api.status == .internalServerError)
            #expect(try ApiTests.problem(api) == "internal-error")
        }
    }
}
