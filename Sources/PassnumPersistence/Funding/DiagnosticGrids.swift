import Foundation
import PassnumDomain
import SQLKit

extension Store {
    /// Sets a programme's diagnostic grid (thresholds and recommended checks, `DiagnosticGrid`), journaled with who
    /// changed it. Only until the programme's first hand-out: after that, people were advised under the grid in force
    /// and a change would make their levels incomparable.
    public func setDiagnosticGrid(_ grid: DiagnosticGrid, programme id: ProgrammeID, actor: Actor) async throws {
        let now = clock.now
        try await transaction { tx in
            // The programme's lock orders two edits of its grid and waits for hand-outs under way (they share the row).
            let programme = try await tx.programme(id, lock: true)
            try actor.requireFunderOrOperator(programme.funder, else: "programme \(id)")
            try grid.validate(minimum: programme.terms.minChecksPerBeneficiary, maximum: programme.terms.maxChecksPerBeneficiary)
            guard try await tx.checksHandedOut(programme: id) == 0 else {
                throw DomainError.invalidTransition(entity: "programme \(id)", from: "handed out", to: "diagnostic grid changed")
            }
            try await tx.sql.raw("""
                UPDATE programmes SET diagnostic_grid = \(bind: grid == .standard ? nil : grid.code) WHERE id = \(bind: id.rawValue)
                """).run()
            // The journal of money also records settings (`settingsChanged`, as the fees): who, when, old and new.
            try await tx.post(.event(.settingsChanged, reference: "programme:\(id):diagnostic_grid",
                                     reason: "diagnostic grid \(programme.diagnosticGrid.code) -> \(grid.code)"),
                              actor: actor, at: now)
        }
    }

    /// Whether a programme's grid is still open to change: none of its checks was handed out yet.
    public func diagnosticGridEditable(programme: ProgrammeID) async throws -> Bool {
        try await read { tx in try await tx.checksHandedOut(programme: programme) == 0 }
    }

    /// The programme whose diagnostic grid a prescriber's diagnostics use: that of the booklet the hand-out form offers
    /// first (the most recently numbered one with checks left, of an open programme); nil without stock (the standard
    /// grid applies).
    public func diagnosticProgramme(of prescriber: PrescriberID) async throws -> Programme? {
        try await read { tx in
            guard let id = try await tx.sql.raw("""
                SELECT b.programme_id FROM booklets b JOIN programmes p ON p.id = b.programme_id
                WHERE b.prescriber_id = \(bind: prescriber.rawValue) AND p.expired_at IS NULL
                  AND EXISTS (SELECT 1 FROM checks c WHERE c.booklet_id = b.id AND \(Store.toHandOut("c")))
                ORDER BY b.id DESC LIMIT 1
                """).first(decodingColumn: "programme_id", as: Int64.self)
            else { return nil }
            return try await tx.programme(ProgrammeID(id))
        }
    }
}

extension Transaction {
    /// The checks of a programme ever handed out, from the tallies (lanes summed).
    func checksHandedOut(programme: ProgrammeID) async throws -> Int64 {
        try await sql.raw("""
            SELECT CAST(COALESCE(SUM(checks), 0) AS BIGINT) AS n FROM tallies
            WHERE dimension = \(bind: TallyDimension.checksHandedOut.rawValue) AND programme_id = \(bind: programme.rawValue)
            """).first(decodingColumn: "n", as: Int64.self) ?? 0
    }
}
