import PassnumDomain
import PassnumPersistence

/// A programme's diagnostic grid: the scores that give each level and the checks advised for it, which the funder may
/// change until the programme's first hand-out.
enum DiagnosticGridPage {
    struct Model: Sendable, Equatable {
        var programme: Programme
        var editable: Bool

        /// Nil when the programme is not the funder's.
        static func query(store: Store, funder: FunderID, programme id: ProgrammeID) async throws -> Model? {
            let programme: Programme
            do { programme = try await store.programme(id) } catch DomainError.notFound { return nil }
            guard programme.funder == funder else { return nil }
            return Model(programme: programme, editable: try await store.diagnosticGridEditable(programme: id))
        }
    }

    /// The grid's fields as typed: the highest score of levels 1 to 3, the checks advised for levels 1 to 4.
    struct Form: Sendable, Equatable {
        var ceilings: [String]
        var recommended: [String]

        init(ceilings: [String], recommended: [String]) {
            self.ceilings = ceilings
            self.recommended = recommended
        }

        init(_ grid: DiagnosticGrid) {
            self.init(ceilings: grid.ceilings.map(String.init), recommended: grid.recommended.map(String.init))
        }

        static func ceilingField(_ index: Int) -> String { "seuil\(index + 1)" }
        static func recommendedField(_ index: Int) -> String { "conseil\(index + 1)" }
    }
}
