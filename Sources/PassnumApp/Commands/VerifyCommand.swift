import PassnumDomain
import PassnumPersistence
import Vapor

/// `passnum verify`: checks the invariants (`LedgerInvariant`) over the whole database; exits non-zero on the first
/// violation, which it names.
struct VerifyCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Checks the ledger invariants over the whole database" }

    func run(using context: CommandContext, signature: Signature) async throws {
        // Recorded like a run from the journal page, which then shows it as the last result.
        let violations = try await context.application.store.verifyAndRecord(actor: Actor("cli")).violations
        for invariant in LedgerInvariant.allCases {
            if let violation = violations.first(where: { $0.invariant == invariant }) {
                context.console.print("FAIL \(invariant.rawValue). \(invariant): \(violation.detail)")
            } else {
                context.console.print("ok   \(invariant.rawValue). \(invariant)")
            }
        }
        if let first = violations.first { throw VerifyFailed(violation: first) }
    }
}

struct VerifyFailed: Error, CustomStringConvertible {
    let violation: InvariantViolation
    var description: String { violation.description }
}
