import PassnumDomain
import PassnumPersistence
import Vapor

/// `passnum verify`: checks the invariants (`LedgerInvariant`) over the whole database; exits non-zero on the first
/// violation, which it names.
struct VerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "against", help: "A CSV of published journal heads (day,hash), as /open-data/journal-temoins.csv: each must match")
        var against: String?
    }

    var help: String { "Checks the ledger invariants over the whole database" }

    func run(using context: CommandContext, signature: Signature) async throws {
        // Recorded like a run from the journal page, which then shows it as the last result.
        let violations = try await context.application.store.verifyAndRecord(actor: Actor(.cli)).violations
        for invariant in LedgerInvariant.allCases {
            if let violation = violations.first(where: { $0.invariant == invariant }) {
                context.console.print("FAIL \(invariant.rawValue). \(invariant): \(violation.detail)")
            } else {
                context.console.print("ok   \(invariant.rawValue). \(invariant)")
            }
        }
        if let path = signature.against {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw UsageError.file("read", path, error) }
            let published = try Self.publishedHeads(text)
            let problems = try await context.application.store.verifyWitnesses(published)
            for problem in problems { context.console.print("FAIL witness: \(problem)") }
            if problems.isEmpty { context.console.print("ok   witness: \(published.count) published heads match the journal") }
            if let first = problems.first { throw UsageError(first) }
        }
        if let first = violations.first { throw VerifyFailed(violation: first) }
    }

    /// The (day, hash) rows of a published list: "2026-11-28,3fa9…" a line (a header line and blank lines skipped, `;` also
    /// accepted as separator); anything else is refused with its line number.
    static func publishedHeads(_ text: String) throws -> [(day: CivilDate, hash: String)] {
        var heads: [(day: CivilDate, hash: String)] = []
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = line.split(whereSeparator: { $0 == "," || $0 == ";" }).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = fields.first, !first.isEmpty else { continue }
            if index == 0, CivilDate(first) == nil { continue }
            guard fields.count >= 2, let day = CivilDate(first), fields[1].count == 64, fields[1].allSatisfy(\.isHexDigit) else {
                throw UsageError("line \(index + 1) of the published heads is not day,hash (YYYY-MM-DD and 64 hexadecimal digits)")
            }
            heads.append((day, fields[1].lowercased()))
        }
        guard !heads.isEmpty else { throw UsageError("the published heads list no day") }
        return heads
    }
}

struct VerifyFailed: Error, CustomStringConvertible {
    let violation: InvariantViolation
    var description: String { violation.description }
}
