import Foundation
import PassnumDomain
import SQLKit

/// One run of `verify`, as recorded in `verify_runs`: when, by whom, and what it found.
public struct VerifyRun: Sendable, Equatable {
    public let id: VerifyRunID
    public let startedAt: Date
    public let finishedAt: Date
    /// Who ran it: an operator's e-mail address, `cli` or `scheduler`.
    public let actor: String
    /// The first violation of each invariant; empty when every invariant held.
    public let violations: [InvariantViolation]

    public var holds: Bool { violations.isEmpty }
}

extension Store {
    /// Runs `verify` and records its outcome, so that pages show the last result without running it again.
    public func verifyAndRecord(actor: Actor) async throws -> VerifyRun {
        let started = clock.now
        let violations = try await verify()
        let finished = clock.now
        let text = Self.violationsText(violations)
        let outcome = violations.isEmpty ? "ok" : "violation"
        let id = try await transaction { tx in
            VerifyRunID(try await tx.insertReturningID("""
                INSERT INTO verify_runs (started_at, finished_at, outcome, violations, actor)
                VALUES (\(bind: started.millis), \(bind: finished.millis), \(bind: outcome), \(bind: text), \(bind: actor.name))
                """))
        }
        return VerifyRun(id: id, startedAt: Date(millis: started.millis), finishedAt: Date(millis: finished.millis),
                         actor: actor.name, violations: violations)
    }

    /// The most recent recorded run, or nil when verify has never been recorded.
    public func lastVerifyRun() async throws -> VerifyRun? {
        try await read { tx in
            guard let row = try await tx.sql.raw("""
                SELECT id, started_at, finished_at, violations, actor FROM verify_runs ORDER BY id DESC LIMIT 1
                """).first()
            else { return nil }
            return VerifyRun(id: try row.id("id"), startedAt: Date(millis: try row.int("started_at")),
                             finishedAt: Date(millis: try row.int("finished_at")), actor: try row.string("actor"),
                             violations: Self.violations(from: try row.string("violations")))
        }
    }

    /// One line per violation, "N<tab>detail": readable in the table itself, and details never hold a tab or a newline
    /// once written here.
    static func violationsText(_ violations: [InvariantViolation]) -> String {
        violations.map { violation in
            let detail = violation.detail.map { $0 == "\t" || $0.isNewline ? " " : String($0) }.joined()
            return "\(violation.invariant.rawValue)\t\(detail)"
        }.joined(separator: "\n")
    }

    static func violations(from text: String) -> [InvariantViolation] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let number = Int(parts[0]), let invariant = LedgerInvariant(rawValue: number) else { return nil }
            return InvariantViolation(invariant, String(parts[1]))
        }
    }
}
