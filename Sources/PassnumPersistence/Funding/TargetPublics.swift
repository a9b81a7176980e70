import Foundation
import PassnumDomain
import SQLKit

extension Store {
    /// Sets the publics a programme means to reach (none by default), journaled with who changed it. Open at any time:
    /// a public only labels hand-outs for the statistics, so a change alters nothing a person received; checks handed
    /// out before keep the public they were recorded with, and the co-funding statement still shows it.
    public func setTargetPublics(_ publics: Set<TargetPublic>, programme id: ProgrammeID, actor: Actor) async throws {
        let now = clock.now
        let chosen = publics.sorted()
        try await transaction { tx in
            // The programme's lock orders two edits, and a hand-out under way (it shares the row) ends before the change.
            let programme = try await tx.programme(id, lock: true)
            try actor.requireFunderOrOperator(programme.funder, else: "programme \(id)")
            guard chosen != programme.targetPublics else { return }
            try await tx.sql.raw("""
                UPDATE programmes SET target_publics = \(bind: ProgrammeColumns.join(chosen.map(\.rawValue))) WHERE id = \(bind: id.rawValue)
                """).run()
            // Recorded like the other settings (`settingsChanged`): who, when, old and new.
            try await tx.post(.event(.settingsChanged, reference: "programme:\(id):target_publics",
                                     reason: "target publics \(Self.publicsText(programme.targetPublics)) -> \(Self.publicsText(chosen))"),
                              actor: actor, at: now)
        }
    }

    static func publicsText(_ publics: [TargetPublic]) -> String {
        publics.isEmpty ? "none" : publics.map(\.rawValue).joined(separator: ",")
    }
}

extension TargetPublic {
    /// A check's `target_public` as stored: nil for none.
    static func stored(_ code: String?) throws -> TargetPublic? {
        try code.map { try TargetPublic(rawValue: $0).orThrow("checks.target_public") }
    }
}
